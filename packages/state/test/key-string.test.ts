import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyBytes, keyString } from '../src/key-string.ts';

function bytes(length: number, seed: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (seed * 131 + i * 197) & 0xff;
  return b;
}

test('keyString gives one char per byte on both sides of the in-heap size, and keyBytes inverts it', () => {
  for (const length of [0, 1, 21, 63, 64, 65, 100, 300]) {
    for (let seed = 0; seed < 8; seed++) {
      const key = bytes(length, seed);
      const s = keyString(key);
      assert.equal(s, Buffer.from(key).toString('latin1'), `length ${length}`);
      assert.deepEqual(keyBytes(s), key);
    }
  }
  // Bytes 0x80–0x9f are where latin1 and windows-1252 decoders differ.
  const high = Uint8Array.from({ length: 40 }, (_, i) => 0x80 + i);
  assert.equal(keyString(high), Buffer.from(high).toString('latin1'));
});

test('keyString keeps byte order as string order, across short and long keys', () => {
  const keys = [
    bytes(20, 1),
    bytes(70, 1),
    Uint8Array.of(0xff),
    Uint8Array.of(0),
    bytes(64, 3),
    bytes(65, 3),
  ];
  const byBytes = [...keys].sort(Buffer.compare).map(keyString);
  const byString = keys.map(keyString).sort();
  assert.deepEqual(byString, byBytes);
});
