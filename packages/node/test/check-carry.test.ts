import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mulberry32 } from '../../utils/test/support/prng.ts';
import { FUNDED_UDRT, sendTx, startTestNet, type TestAccount, type TestNet, testAccount } from './harness.ts';

const FEE = 2_000n;
/** Room for two or three ~3.8 KB first transfers (they carry the public key) or ~5 later ones. */
const SMALL_BLOCK_BYTES = 12_000;

/**
 * The check state kept across blocks (no mempool recheck) must end exactly where a recheck
 * would: blocks that leave txs behind, more txs admitted between blocks, and every tx committed
 * with the balances and sequences plain arithmetic gives.
 */
describe('the mempool check state across blocks', () => {
  let net: TestNet;
  const accountNumbers = new Map<string, bigint>();
  before(async () => {
    net = await startTestNet({ accounts: 4 });
    await net.node.produceBlock();
    for (const a of net.accounts) {
      const acc = await net.rpc<{ accountNumber: string }>('lat_getAccount', [a.address]);
      accountNumbers.set(a.address, BigInt(acc.accountNumber));
    }
  });
  after(() => net.stop());

  const balance = async (a: TestAccount) => {
    const b = await net.rpc<{ balances: { denom: string; amount: string }[] }>('lat_getBalance', [a.address]);
    return BigInt(b.balances.find((c) => c.denom === 'udrt')?.amount ?? '0');
  };

  it('is kept after blocks of transfers it admitted, and ends where a recheck would', async () => {
    const rnd = mulberry32(11);
    const sequences = new Map(net.accounts.map((a) => [a.address, 0n]));
    const expected = new Map(net.accounts.map((a) => [a.address, FUNDED_UDRT]));
    const send = async () => {
      const from = net.accounts[Math.floor(rnd() * net.accounts.length)]!;
      const to = net.accounts.filter((a) => a !== from)[Math.floor(rnd() * (net.accounts.length - 1))]!;
      const amount = BigInt(1 + Math.floor(rnd() * 5_000));
      const sequence = sequences.get(from.address)!;
      const tx = sendTx({
        from,
        to: to.address,
        amount: [{ denom: 'udrt', amount: amount.toString() }],
        sequence,
        accountNumber: accountNumbers.get(from.address)!,
        fee: FEE,
        withPubKey: sequence === 0n,
      });
      await net.node.ingress.submit(tx);
      sequences.set(from.address, sequence + 1n);
      expected.set(from.address, expected.get(from.address)! - amount - FEE);
      expected.set(to.address, expected.get(to.address)! + amount);
    };

    let kept = 0;
    let txs = 0;
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 6; i++) await send();
      // Small blocks leave txs in the mempool, which the kept check state must still account for.
      const block = await net.node.produceBlock(SMALL_BLOCK_BYTES);
      assert.ok(block.txHashes.length > 0 && net.node.mempool.size > 0, 'a block that leaves txs behind');
      assert.ok(block.results.every((r) => r.code === 0));
      txs += block.txHashes.length;
      if (!block.recheck) kept++;
      // The next sequence of every sender is what the check state expects.
      for (const a of net.accounts) {
        const acc = await net.rpc<{ pendingSequence: string }>('lat_getAccount', [a.address]);
        assert.equal(
          BigInt(acc.pendingSequence),
          sequences.get(a.address),
          `pending sequence of ${a.address}`,
        );
      }
    }
    while (net.node.mempool.size > 0) {
      const block = await net.node.produceBlock();
      assert.ok(block.results.every((r) => r.code === 0));
      txs += block.txHashes.length;
    }
    assert.equal(txs, 48);
    assert.ok(kept >= 6, `the check state was kept after ${kept} of 8 blocks`);
    for (const a of net.accounts) assert.equal(await balance(a), expected.get(a.address), a.address);
  });

  it('is rebuilt by a recheck after a block that opened an account', async () => {
    const from = net.accounts[0]!;
    const acc = await net.rpc<{ pendingSequence: string }>('lat_getAccount', [from.address]);
    const sequence = BigInt(acc.pendingSequence);
    const tx = sendTx({
      from,
      to: testAccount(77).address,
      sequence,
      accountNumber: accountNumbers.get(from.address)!,
      fee: FEE,
      withPubKey: false,
    });
    await net.node.ingress.submit(tx);
    const block = await net.node.produceBlock();
    assert.equal(block.txHashes.length, 1);
    assert.equal(block.recheck, true, 'account numbers depend on order: not carry-safe');
    // And the next block of plain transfers keeps it again.
    const next = sendTx({
      from,
      to: net.accounts[1]!.address,
      sequence: sequence + 1n,
      accountNumber: accountNumbers.get(from.address)!,
      fee: FEE,
      withPubKey: false,
    });
    await net.node.ingress.submit(next);
    assert.equal((await net.node.produceBlock()).recheck, false);
  });
});
