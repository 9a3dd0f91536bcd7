import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AMOUNT_MAX } from '@lattice/params';
import { decodeAmount, encodeAmount } from '../src/amount.ts';

/** The plain definition: minimal big-endian bytes through a hex string. */
function referenceEncode(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

describe('amount codec', () => {
  it('matches the hex definition at every byte length and chunk boundary', () => {
    const values = new Set<bigint>([0n, 1n, 255n, 256n, 999_999n, AMOUNT_MAX]);
    for (let bits = 1n; bits <= 256n; bits++) {
      values.add(2n ** bits - 1n);
      if (2n ** bits <= AMOUNT_MAX) values.add(2n ** bits);
      values.add((2n ** bits - 1n) / 3n);
    }
    for (const v of values) {
      const bytes = encodeAmount(v);
      assert.deepEqual(bytes, referenceEncode(v), `encode ${v}`);
      assert.equal(decodeAmount(bytes), v, `decode ${v}`);
    }
  });

  it('reads an absent value as zero and refuses amounts out of range', () => {
    assert.equal(decodeAmount(undefined), 0n);
    assert.throws(() => encodeAmount(-1n));
    assert.throws(() => encodeAmount(AMOUNT_MAX + 1n));
  });
});
