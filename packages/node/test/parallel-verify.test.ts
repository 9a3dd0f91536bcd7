import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
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
  // Submitted without waiting in between, as a gossiped batch is.
  await Promise.all(txs.map((tx) => net.node.ingress.submit(tx, 'peer')));
  const block = await net.node.produceBlock();
  assert.equal(block.txHashes.length, 3);
  assert.ok(block.results.every((r) => r.code === 0));
  assert.equal((await verifiedOnPool()) - before, 3, 'every signature went through the verifier pool');
});
