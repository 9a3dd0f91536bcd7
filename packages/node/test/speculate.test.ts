import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { BlockSchema, type Commit, DataSchema, dataHash, headerHash, txHash } from '@lattice/codec';
import { equalBytes, toHex } from '@lattice/utils';
import type { ProposedBlock } from '../src/chain.ts';
import { loneValidatorCommit, sendTx, startTestNet, type TestNet, testAccount } from './harness.ts';

/** Optimistic execution: a checked block run before its decision, then committed or dropped. */
describe('chain: executing a block ahead of its decision', () => {
  let net: TestNet;
  let sequence = 0n;
  before(async () => {
    net = await startTestNet({ accounts: 1 });
    await net.node.produceBlock();
  });
  after(() => net.stop());

  const commitFor = (p: ProposedBlock): Commit => loneValidatorCommit(net, p.hash);

  async function signedTransfer(to: number): Promise<Uint8Array> {
    const from = net.accounts[0]!;
    const acc = await net.rpc<{ accountNumber: string }>('lat_getAccount', [from.address]);
    return sendTx({
      from,
      to: testAccount(to).address,
      accountNumber: BigInt(acc.accountNumber),
      sequence: sequence++,
      withPubKey: sequence === 1n,
    });
  }

  async function submitTransfer(to: number): Promise<void> {
    await net.node.ingress.submit(await signedTransfer(to));
  }

  /** The next block with a new transfer, checked and executed ahead of its decision. */
  async function speculatedBlock(to: number): Promise<ProposedBlock> {
    const chain = net.node.chain;
    await submitTransfer(to);
    const p = chain.buildBlock(chain.validators[0]!.address);
    chain.checkBlock(p.block);
    await chain.speculate(p.block, p.hash);
    return p;
  }

  const codes = (c: { results: { code: number }[] }) => c.results.map((r) => r.code);

  /** The app is free for the next block as usual: one more transfer commits. */
  async function nextBlockCommits(to: number): Promise<void> {
    await submitTransfer(to);
    assert.deepEqual(codes(await net.node.produceBlock()), [0]);
  }

  it('commits the speculated result when the same block is decided, leaving state alone until then', async () => {
    const chain = net.node.chain;
    const committedRoot = net.node.app.appHash;
    const p = await speculatedBlock(70);
    assert.ok(equalBytes(net.node.app.appHash, committedRoot), 'the committed state is untouched');
    assert.equal(chain.height, Number(p.block.header!.height) - 1);
    const c = await chain.commitBlock(p.block, p.hash, commitFor(p));
    assert.ok(c !== undefined);
    assert.equal(c.speculated, true, 'the decision reused the execution');
    assert.deepEqual(codes(c), [0]);
    assert.ok(equalBytes(net.node.app.appHash, c.appHash), 'the app moved to the speculated state');
    await nextBlockCommits(71);
  });

  it('drops a speculation when another block is decided at that height', async () => {
    const chain = net.node.chain;
    const first = await speculatedBlock(72);
    // Another round's proposal for the same height, with one more tx, is the one decided.
    await submitTransfer(73);
    const second = chain.buildBlock(chain.validators[0]!.address);
    assert.ok(!equalBytes(first.hash, second.hash));
    chain.checkBlock(second.block);
    const c = await chain.commitBlock(second.block, second.hash, commitFor(second));
    assert.ok(c !== undefined);
    assert.equal(c.speculated, false);
    assert.equal(c.txHashes.length, 2);
    assert.deepEqual(codes(c), [0, 0]);
    await nextBlockCommits(74);
  });

  it('lets a block produced by the lone validator replace a pending speculation', async () => {
    await speculatedBlock(76);
    const produced = await net.node.produceBlock();
    assert.equal(produced.speculated, false);
    assert.deepEqual(codes(produced), [0]);
  });

  it('executes a block holding a tx still in admission only once that admission has ended', async () => {
    const chain = net.node.chain;
    const ingress = net.node.ingress;
    // The recipient exists: a transfer that creates an account is never carried (see CheckCarry).
    await submitTransfer(77);
    await net.node.produceBlock();
    // A proposed block lists a tx this node received a moment ago: its bytes are at hand, its
    // signature still waits for the verifier.
    const empty = chain.buildBlock(chain.validators[0]!.address);
    const tx = await signedTransfer(77);
    const hashHex = toHex(txHash(tx));
    const arrived: string[] = [];
    ingress.onArrived = (h) => arrived.push(h);
    const admission = ingress.submit(tx);
    ingress.onArrived = undefined;
    assert.deepEqual(arrived, [hashHex], 'announced on arrival, before admission');
    assert.equal(ingress.checkingBytes(hashHex), tx, 'its bytes, while it is being checked');
    assert.equal(
      ingress.settled([new Uint8Array(tx)]),
      undefined,
      'other bytes objects: nothing to wait for',
    );
    const block = create(BlockSchema, {
      ...empty.block,
      header: { ...empty.block.header!, dataHash: dataHash([tx]) },
      data: create(DataSchema, { txs: [tx] }),
    });
    const hash = headerHash(block.header!);
    chain.checkBlock(block);
    await chain.speculate(block, hash);
    assert.equal(ingress.checking(hashHex), false, 'the execution waited for the admission');
    const c = await chain.commitBlock(block, hash, loneValidatorCommit(net, hash));
    assert.equal(c?.speculated, true);
    assert.deepEqual(codes(c!), [0]);
    // Admitted before the block ran, so the check state already held it: kept, not rebuilt. Run
    // first, the block would have left the admission to fail on the sequence it used.
    assert.equal(c?.recheck, false, 'check state kept');
    await admission;
    assert.equal(ingress.pending(hashHex), undefined, 'committed, so gone from the mempool');
    await nextBlockCommits(78);
  });

  it('does not speculate on a block that was not the last one checked', async () => {
    const chain = net.node.chain;
    await submitTransfer(75);
    const p = chain.buildBlock(chain.validators[0]!.address);
    await chain.speculate(p.block, p.hash);
    const c = await chain.commitBlock(p.block, p.hash, commitFor(p));
    assert.equal(c?.speculated, false);
  });
});
