import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { txHash } from '@lattice/codec';
import { isLatticeError, toHex } from '@lattice/utils';
import { sendTx, startTestNet, type TestNet, testAccount } from './harness.ts';

let net: TestNet;
before(async () => {
  net = await startTestNet({ accounts: 1 });
});
after(() => net.stop());

async function verifiedOnPool(): Promise<number> {
  const text = await net.node.metrics.text();
  return Number(/^lattice_sig_verifications_total (\d+)$/m.exec(text)![1]);
}

/**
 * Gossip delivers a new sender's txs together: the first carries the public key, the next ones
 * do not and arrive before the first has put the key into state. All of them are still verified
 * on the worker pool, in parallel, not one by one on the event loop.
 */
it("a sender's later txs are verified off-thread before its first one set the key in state", async () => {
  const from = net.accounts[0]!;
  const acc = await net.rpc<{ accountNumber: string }>('lat_getAccount', [from.address]);
  const base = { from, to: testAccount(60).address, accountNumber: BigInt(acc.accountNumber) };
  const before = await verifiedOnPool();
  const txs = [0n, 1n, 2n].map((sequence) => sendTx({ ...base, sequence, withPubKey: sequence === 0n }));
  // The path a gossiped batch takes.
  await net.node.ingress.submitPeerBatch(txs);
  const block = await net.node.produceBlock();
  assert.equal(block.txHashes.length, 3);
  assert.ok(block.results.every((r) => r.code === 0));
  assert.equal((await verifiedOnPool()) - before, 3, 'every signature went through the verifier pool');
});

/**
 * A peer's batch is admitted tx by tx: the ones already known or invalid are refused (and
 * counted), the others admitted in order, as if each had been submitted on its own.
 */
it('a gossiped batch admits its good txs and refuses the others, each on its own', async () => {
  const from = net.accounts[0]!;
  const acc = await net.rpc<{ accountNumber: string; sequence: string }>('lat_getAccount', [from.address]);
  const base = { from, to: testAccount(61).address, accountNumber: BigInt(acc.accountNumber) };
  const seq = BigInt(acc.sequence);
  const good = [seq, seq + 1n].map((sequence) => sendTx({ ...base, sequence }));
  const gap = sendTx({ ...base, sequence: seq + 5n });
  const garbage = new Uint8Array([1, 2, 3]);
  const refusedBefore = await refusals();
  await net.node.ingress.submitPeerBatch([good[0]!, garbage, good[0]!, gap, good[1]!]);
  const block = await net.node.produceBlock();
  assert.equal(block.txHashes.length, 2, 'both good txs, once each');
  assert.ok(block.results.every((r) => r.code === 0));
  assert.equal((await refusals()) - refusedBefore, 3, 'the garbage, the duplicate and the sequence gap');
});

async function refusals(): Promise<number> {
  const text = await net.node.metrics.text();
  let n = 0;
  for (const m of text.matchAll(/^lattice_mempool_rejected_total\{[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

/**
 * Single submissions made in one turn (a JSON-RPC batch) are admitted together, and a gossip
 * batch that follows them in the same turn still comes after them: a sender's sequence order holds.
 */
it('single submissions and a following batch keep their arrival order', async () => {
  const from = net.accounts[0]!;
  const acc = await net.rpc<{ accountNumber: string; sequence: string }>('lat_getAccount', [from.address]);
  const base = { from, to: testAccount(62).address, accountNumber: BigInt(acc.accountNumber) };
  const seq = BigInt(acc.sequence);
  const txs = [0n, 1n, 2n, 3n].map((k) => sendTx({ ...base, sequence: seq + k }));
  const singles = [net.node.ingress.submit(txs[0]!), net.node.ingress.submit(txs[1]!)];
  const batch = net.node.ingress.submitPeerBatch([txs[2]!, txs[3]!]);
  await Promise.all([...singles, batch]);
  const block = await net.node.produceBlock();
  assert.equal(block.txHashes.length, 4);
  assert.ok(block.results.every((r) => r.code === 0));
});

/**
 * A block's txs that admission has not verified wait for nobody when they are few: they are
 * verified inline while the block executes, not queued behind admission's work on the pool. A
 * block of many (block sync) still goes to the pool.
 */
it("a block's few unverified signatures are left to inline checks, many go to the pool", async () => {
  const from = net.accounts[0]!;
  const acc = await net.rpc<{ accountNumber: string; sequence: string }>('lat_getAccount', [from.address]);
  const base = { from, to: testAccount(62).address, accountNumber: BigInt(acc.accountNumber) };
  const txs = (n: number, first: bigint) =>
    Array.from({ length: n }, (_, i) => sendTx({ ...base, sequence: first + BigInt(i), memo: `pv-${n}` }));
  const seq = BigInt(acc.sequence);
  // The pool's count reaches the metric when a block commits (an empty one here).
  const poolCount = async (blockTxs: Uint8Array[]) => {
    const before = await verifiedOnPool();
    await net.node.app.preverifyBlock(blockTxs);
    await net.node.produceBlock();
    return (await verifiedOnPool()) - before;
  };
  assert.equal(await poolCount(txs(3, seq)), 0, 'three are left to finalizeBlock');
  assert.equal(await poolCount(txs(40, seq)), 40, 'forty go to the pool');
});

/**
 * A tx being checked is known: a second copy meanwhile (gossip from two peers, or RPC and gossip)
 * is refused before it reaches the verifier, and a proposed block's fetcher does not ask peers
 * for it.
 */
it('a tx is known while it is being checked, and a copy meanwhile is refused', async () => {
  const from = net.accounts[0]!;
  const acc = await net.rpc<{ accountNumber: string; sequence: string }>('lat_getAccount', [from.address]);
  const tx = sendTx({
    from,
    to: testAccount(63).address,
    accountNumber: BigInt(acc.accountNumber),
    sequence: BigInt(acc.sequence),
  });
  const hashHex = toHex(txHash(tx));
  const first = net.node.ingress.submit(tx);
  assert.ok(net.node.ingress.checking(hashHex), 'being checked');
  await assert.rejects(net.node.ingress.submit(tx), (e) => isLatticeError(e, 'TX_ALREADY_KNOWN'));
  // The refused copy (here the very same bytes object) leaves the first check's entries alone.
  assert.equal(net.node.ingress.checkingBytes(hashHex), tx);
  const settled = net.node.ingress.settled([tx]);
  assert.ok(settled !== undefined, 'a block holding it would still wait for its admission');
  await first;
  await settled;
  assert.equal(net.node.ingress.checking(hashHex), false);
  assert.equal(net.node.ingress.settled([tx]), undefined, 'nothing left to wait for');
  assert.ok(net.node.ingress.pending(hashHex), 'admitted once');
  await net.node.produceBlock();
});

/** Admission latency is recorded per admitted tx, by where it came from; refused txs do not count. */
it('admission time is observed for each admitted tx, local and gossiped apart', async () => {
  const from = net.accounts[0]!;
  const acc = await net.rpc<{ accountNumber: string; sequence: string }>('lat_getAccount', [from.address]);
  const base = { from, to: testAccount(64).address, accountNumber: BigInt(acc.accountNumber) };
  const seq = BigInt(acc.sequence);
  const txs = [0n, 1n, 2n].map((k) => sendTx({ ...base, sequence: seq + k }));
  const before = await admissions();
  await net.node.ingress.submit(txs[0]!);
  await net.node.ingress.submitPeerBatch([txs[1]!, txs[1]!, txs[2]!, new Uint8Array([9])]);
  const after = await admissions();
  assert.deepEqual(
    { local: after.local - before.local, peer: after.peer - before.peer },
    { local: 1, peer: 2 },
  );
  await net.node.produceBlock();
});

async function admissions(): Promise<{ local: number; peer: number }> {
  const text = await net.node.metrics.text();
  const count = (source: string) =>
    Number(
      new RegExp(`^lattice_mempool_admission_seconds_count\\{source="${source}"\\} (\\d+)$`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  return { local: count('local'), peer: count('peer') };
}
