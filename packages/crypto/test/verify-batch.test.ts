import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packBatch, unpackBatch } from '../src/verify-batch.ts';

test('a packed batch unpacks to the same requests', () => {
  const requests = [
    {
      alg: 1,
      context: new Uint8Array([1, 2]),
      publicKey: new Uint8Array(1312).fill(3),
      signature: new Uint8Array(2420).fill(4),
      message: new Uint8Array(0),
    },
    {
      alg: 4,
      context: new Uint8Array(0),
      publicKey: new Uint8Array(32).fill(5),
      signature: new Uint8Array(7856),
      message: new Uint8Array(70_000).fill(6),
    },
    {
      alg: 3,
      context: new Uint8Array(255).fill(7),
      publicKey: new Uint8Array(2592),
      signature: new Uint8Array(4627),
      message: new Uint8Array([8]),
    },
  ];
  const buf = packBatch(requests);
  assert.deepEqual(unpackBatch(buf), requests);
  assert.deepEqual(unpackBatch(packBatch([])), []);
});

test('a truncated batch throws instead of reading past the end', () => {
  const buf = packBatch([
    {
      alg: 1,
      context: new Uint8Array(1),
      publicKey: new Uint8Array(4),
      signature: new Uint8Array(4),
      message: new Uint8Array(4),
    },
  ]);
  for (const len of [1, 15, 16, 20, buf.byteLength - 1]) {
    assert.throws(() => unpackBatch(buf.slice(0, len)), RangeError);
  }
});
