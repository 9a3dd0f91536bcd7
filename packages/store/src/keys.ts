import { assert } from '@lattice/utils';

/** lmdb-js's compiled key size limit: a longer key can never have been stored. */
export const LMDB_KEY_MAX_BYTES = 1978;

/** Heights are stored as big-endian u64 keys so that LMDB's byte order is height order. */
export function heightKey(height: number): Uint8Array {
  assert(
    Number.isSafeInteger(height) && height >= 0,
    `height must be a non-negative safe integer, got ${height}`,
  );
  const key = new Uint8Array(8);
  new DataView(key.buffer).setBigUint64(0, BigInt(height));
  return key;
}

export function readHeightKey(key: Uint8Array): number {
  assert(key.length === 8, `height key must be 8 bytes, got ${key.length}`);
  const n = new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0);
  assert(n <= BigInt(Number.MAX_SAFE_INTEGER), 'height key exceeds the safe integer range');
  return Number(n);
}

/** A plain Uint8Array view, so callers comparing with deepStrictEqual never see lmdb's Buffers. */
export function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
