import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodedTx } from '@lattice/app';
import { isLatticeError } from '@lattice/utils';
import { Mempool } from '../src/mempool.ts';

/** Only the fields the mempool looks at. */
function fakeTx(sender: number, sequence: number, size = 100): DecodedTx {
  return {
    bytes: new Uint8Array(size),
    hashHex: `${sender}-${sequence}`,
    signer: new Uint8Array(32).fill(sender),
    sequence: BigInt(sequence),
  } as unknown as DecodedTx;
}

describe('Mempool', () => {
  it('reaps by fee priority across senders and in sequence order within one', () => {
    const m = new Mempool();
    m.add(fakeTx(1, 0), 10n, 1n);
    m.add(fakeTx(1, 1), 50n, 1n);
    m.add(fakeTx(2, 0), 20n, 1n);
    m.add(fakeTx(3, 0), 20n, 1n);
    const order = m.reap(1e9, 1000n, 100).map((t) => t.hashHex);
    // Sender 1's high-fee tx cannot jump its own lower-fee predecessor.
    assert.deepEqual(order, ['2-0', '3-0', '1-0', '1-1']);
  });

  it('stops a sender at the first tx that does not fit, and respects gas and count budgets', () => {
    const m = new Mempool();
    m.add(fakeTx(1, 0, 100), 1n, 10n);
    m.add(fakeTx(1, 1, 5000), 1n, 10n);
    m.add(fakeTx(1, 2, 100), 1n, 10n);
    m.add(fakeTx(2, 0, 100), 1n, 10n);
    assert.deepEqual(
      m.reap(1000, 1000n, 100).map((t) => t.hashHex),
      ['1-0', '2-0'],
    );
    assert.equal(m.reap(1e9, 15n, 100).length, 1);
    assert.equal(m.reap(1e9, 1000n, 3).length, 3);
  });

  it('rejects duplicates and enforces count, byte and per-sender limits', () => {
    const m = new Mempool({ maxTxs: 3, maxBytes: 1000, maxTxsPerSender: 2 });
    m.add(fakeTx(1, 0), 1n, 1n);
    assert.throws(
      () => m.add(fakeTx(1, 0), 1n, 1n),
      (e) => isLatticeError(e, 'TX_ALREADY_KNOWN'),
    );
    m.add(fakeTx(1, 1), 1n, 1n);
    assert.throws(
      () => m.add(fakeTx(1, 2), 1n, 1n),
      (e) => isLatticeError(e, 'MEMPOOL_SENDER_FULL'),
    );
    assert.throws(
      () => m.add(fakeTx(2, 0, 901), 1n, 1n),
      (e) => isLatticeError(e, 'MEMPOOL_FULL'),
    );
    m.add(fakeTx(2, 0), 1n, 1n);
    assert.throws(
      () => m.add(fakeTx(3, 0), 1n, 1n),
      (e) => isLatticeError(e, 'MEMPOOL_FULL'),
    );
    assert.equal(m.size, 3);
    assert.equal(m.bytes, 300);
  });

  it('removes txs, keeps counts exact and lists each sender in sequence order', () => {
    const m = new Mempool();
    for (let s = 0; s < 3; s++) m.add(fakeTx(7, s), 1n, 1n);
    m.add(fakeTx(8, 0), 1n, 1n);
    m.remove('7-0');
    m.remove('7-0');
    m.remove('nope');
    assert.equal(m.size, 3);
    assert.equal(m.bytes, 300);
    assert.deepEqual(
      m.entries().map((e) => e.tx.hashHex),
      ['7-1', '7-2', '8-0'],
    );
    assert.equal(m.get('7-1')?.hashHex, '7-1');
    m.clear();
    assert.equal(m.size, 0);
    assert.equal(m.bytes, 0);
  });
});
