import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareBytes,
  concatBytes,
  decodeBech32m,
  encodeBech32m,
  equalBytes,
  formatDecimal,
  fromBase64,
  fromHex,
  GenerationalCache,
  isLatticeError,
  LatticeError,
  LruCache,
  parseAmount,
  parseDecimal,
  readU64be,
  toBase64,
  toHex,
  u64be,
} from '../src/index.ts';

describe('bytes', () => {
  it('round-trips hex with and without 0x and rejects garbage', () => {
    const b = new Uint8Array([0, 1, 0xab, 0xff]);
    assert.equal(toHex(b), '0001abff');
    assert.deepEqual(fromHex('0x0001ABff'), b);
    assert.deepEqual(fromHex('0001abff'), b);
    for (const bad of ['0x1', 'zz', '0x0g', 12 as unknown as string]) {
      assert.throws(
        () => fromHex(bad),
        (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
      );
    }
  });
  it('orders bytes lexicographically and compares equality', () => {
    assert.equal(compareBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])), -1);
    assert.equal(compareBytes(new Uint8Array([1, 2]), new Uint8Array([1])), 1);
    assert.equal(compareBytes(new Uint8Array([1]), new Uint8Array([1])), 0);
    assert.ok(equalBytes(concatBytes(new Uint8Array([1]), new Uint8Array([2])), new Uint8Array([1, 2])));
    assert.ok(!equalBytes(new Uint8Array([1]), new Uint8Array([1, 2])));
  });
  it('encodes u64 big-endian and base64', () => {
    assert.equal(readU64be(u64be(2n ** 63n + 5n)), 2n ** 63n + 5n);
    assert.deepEqual(fromBase64(toBase64(new Uint8Array([9, 8, 7]))), new Uint8Array([9, 8, 7]));
    for (const bad of ['***', 'AQI', 'AQ I=', 'AQ-_', 'AQJ=', 'AQ==AQ==', '====', 'AQ\n==']) {
      assert.throws(
        () => fromBase64(bad),
        (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
        JSON.stringify(bad),
      );
    }
    assert.deepEqual(fromBase64(''), new Uint8Array(0));
    assert.deepEqual(fromBase64('+/8='), new Uint8Array([0xfb, 0xff]));
  });
});

describe('bech32m', () => {
  it('round-trips a 32-byte payload and checks prefix, checksum and length', () => {
    const data = new Uint8Array(32).fill(7);
    const s = encodeBech32m('lat', data);
    assert.ok(s.startsWith('lat1'));
    assert.deepEqual(decodeBech32m(s, 'lat', 32), data);
    assert.throws(
      () => decodeBech32m(s, 'latvaloper', 32),
      (e) => isLatticeError(e, 'ADDRESS_INVALID'),
    );
    assert.throws(
      () => decodeBech32m(s, 'lat', 20),
      (e) => isLatticeError(e, 'ADDRESS_INVALID'),
    );
    const flipped = s.slice(0, -1) + (s.endsWith('q') ? 'p' : 'q');
    assert.throws(
      () => decodeBech32m(flipped, 'lat', 32),
      (e) => isLatticeError(e, 'ADDRESS_INVALID'),
    );
    assert.throws(
      () => decodeBech32m('', 'lat'),
      (e) => isLatticeError(e, 'ADDRESS_INVALID'),
    );
  });
});

describe('bigint', () => {
  it('parses amounts and rejects signs, decimals and overflow', () => {
    assert.equal(parseAmount('0'), 0n);
    assert.equal(parseAmount('123456789012345678901234567890'), 123456789012345678901234567890n);
    for (const bad of ['-1', '1.5', '', ' 1', '1e3', (2n ** 256n).toString()]) {
      assert.throws(
        () => parseAmount(bad),
        (e) => isLatticeError(e, 'TX_INVALID_AMOUNT'),
        bad,
      );
    }
  });
  it('parses and formats decimals with fixed precision', () => {
    assert.equal(parseDecimal('0.025', 18), 25n * 10n ** 15n);
    assert.equal(parseDecimal('3', 6), 3_000_000n);
    assert.equal(formatDecimal(1_500_000n, 6), '1.5');
    assert.equal(formatDecimal(2_000_000n, 6), '2');
    assert.throws(
      () => parseDecimal('0.1234567', 6),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
    assert.throws(
      () => parseDecimal('-1', 6),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
  });
});

describe('LatticeError', () => {
  it('serialises with its code and meta and exposes the numeric code', () => {
    const e = new LatticeError('TX_BAD_SIGNATURE', 'signature does not verify', { index: 0 });
    assert.equal(e.numericCode, 106);
    const back = LatticeError.fromJSON(JSON.parse(JSON.stringify(e)));
    assert.equal(back.code, 'TX_BAD_SIGNATURE');
    assert.equal(back.meta.index, 0);
    assert.equal(LatticeError.fromJSON({ code: 'NOPE' as never, message: 'x' }).code, 'INTERNAL');
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry at capacity', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.get('a');
    c.set('c', 3);
    assert.equal(c.has('b'), false);
    assert.equal(c.get('a'), 1);
    assert.equal(c.size, 2);
  });
});

describe('GenerationalCache', () => {
  it('never holds more than its bound and keeps entries that are used', () => {
    const cache = new GenerationalCache<number, string>(10);
    for (let i = 0; i < 100; i++) {
      cache.set(i, `v${i}`);
      assert.equal(cache.get(0), 'v0', 'a key read every round survives rotations');
      assert.ok(cache.size <= 10);
    }
    assert.equal(cache.get(1), undefined, 'an old, unused key is evicted');
    assert.equal(cache.has(99), true);
    cache.set(99, 'again');
    assert.equal(cache.get(99), 'again');
    cache.delete(99);
    assert.equal(cache.get(99), undefined);
  });

  it('reads back the latest value of a key set again across rotations', () => {
    const cache = new GenerationalCache<number, number>(4);
    cache.set(1, 1);
    cache.set(2, 2);
    cache.set(3, 3); // rotates: {1, 2} become the old generation
    cache.set(1, 10); // young now shadows the old 1
    cache.set(4, 4); // rotates again: the stale old 1 is dropped
    cache.set(5, 5);
    assert.equal(cache.get(1), 10);
  });
});
