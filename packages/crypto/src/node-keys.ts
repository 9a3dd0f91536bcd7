import { Buffer } from 'node:buffer';
import { createPublicKey, type KeyObject, type KeyType } from 'node:crypto';
import { VERIFY_KEY_CACHE_SIZE } from '@lattice/params';
import { GenerationalCache } from '@lattice/utils';
import { ALG_ML_DSA_44, ALG_ML_DSA_65, ALG_ML_DSA_87, ALG_SLH_DSA_SHA2_128S } from './schemes.ts';

const NODE_KEY_TYPES: ReadonlyMap<number, KeyType> = new Map<number, KeyType>([
  [ALG_ML_DSA_44, 'ml-dsa-44'],
  [ALG_ML_DSA_65, 'ml-dsa-65'],
  [ALG_ML_DSA_87, 'ml-dsa-87'],
  [ALG_SLH_DSA_SHA2_128S, 'slh-dsa-sha2-128s'],
]);

export function nodeKeyType(alg: number): KeyType {
  const t = NODE_KEY_TYPES.get(alg);
  if (t === undefined) throw new Error(`no node:crypto key type for algorithm ${alg}`);
  return t;
}

/** A Buffer sharing the bytes (node:crypto's typings want Buffer; no copy is made). */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A plain Uint8Array for a Buffer that node:crypto returned, copying only if it sits in a shared pool. */
export function fromBuffer(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
    ? new Uint8Array(b.buffer, 0, b.byteLength)
    : new Uint8Array(b);
}

// Importing a raw public key costs about as much as four verifications, and the same keys
// (validators, busy accounts) verify over and over. The cache is looked up by the key's first
// bytes (for ML-DSA and SLH-DSA a public seed, distinct per honest key), which is far cheaper
// than hashing the whole encoded key into a Map key on every verification; a hit counts only
// when the whole key matches, so a key crafted to share another's prefix is imported on its own
// and never displaces the cached one.
const KEY_PREFIX_BYTES = 32;
const publicKeyCache = new GenerationalCache<string, { raw: Uint8Array; key: KeyObject }>(
  VERIFY_KEY_CACHE_SIZE,
);

/** The imported key, cached per thread; throws if OpenSSL rejects the encoding. */
export function importPublicKey(alg: number, publicKey: Uint8Array): KeyObject {
  const buf = asBuffer(publicKey);
  const cacheKey = `${alg}:${buf.toString('latin1', 0, KEY_PREFIX_BYTES)}`;
  const cached = publicKeyCache.get(cacheKey);
  if (cached !== undefined && buf.equals(cached.raw)) return cached.key;
  const key = createPublicKey({ key: buf, format: 'raw-public', asymmetricKeyType: nodeKeyType(alg) });
  // A key that only shares a cached key's prefix is not cached: it must not displace that one.
  if (cached === undefined) publicKeyCache.set(cacheKey, { raw: publicKey.slice(), key });
  return key;
}
