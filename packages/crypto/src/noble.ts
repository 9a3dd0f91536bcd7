import { utf8 } from '@lattice/utils';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { slh_dsa_sha2_128s } from '@noble/post-quantum/slh-dsa.js';
import { ALG_ML_DSA_44, ALG_ML_DSA_65, ALG_ML_DSA_87, ALG_SLH_DSA_SHA2_128S, getScheme } from './schemes.ts';

// Pure-JS implementations (no node:* imports): the browser path, the SLH-DSA key generation of
// the Node path, and the cross-check in tests.

export interface NobleSigner {
  keygen(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
  sign(message: Uint8Array, secretKey: Uint8Array, opts: { context: Uint8Array }): Uint8Array;
  verify(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
    opts: { context: Uint8Array },
  ): boolean;
}

const NOBLE: ReadonlyMap<number, NobleSigner> = new Map<number, NobleSigner>([
  [ALG_ML_DSA_44, ml_dsa44],
  [ALG_ML_DSA_65, ml_dsa65],
  [ALG_ML_DSA_87, ml_dsa87],
  [ALG_SLH_DSA_SHA2_128S, slh_dsa_sha2_128s],
]);

export function nobleSigner(alg: number): NobleSigner {
  const signer = NOBLE.get(getScheme(alg).id);
  if (signer === undefined) throw new Error(`no portable implementation for algorithm ${alg}`);
  return signer;
}

const SLH_KEYGEN_INFO = utf8('lattice/slh-dsa-sha2-128s/keygen/v1');
/** SLH-DSA-SHA2-128s key generation takes n = 16 bytes each of SK.seed, SK.prf and PK.seed. */
const SLH_KEYGEN_SEED_BYTES = 48;

/**
 * How a 32-byte seed becomes an SLH-DSA-SHA2-128s key pair, identically on both paths:
 *   keygenSeed = HKDF-SHA-256(ikm = seed, salt = none, info = 'lattice/slh-dsa-sha2-128s/keygen/v1', L = 48)
 *   (SK.seed ‖ SK.prf ‖ PK.seed) = keygenSeed; PK.root is computed by FIPS 205 slh_keygen_internal.
 * The secret key is SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root (64 bytes), the public key PK.seed ‖ PK.root.
 * OpenSSL (node:crypto) cannot generate from a seed and does not recompute PK.root when importing
 * a 'raw-private' key, so the Node path takes the secret key computed here and imports it.
 */
export function slhKeygenSeed(seed: Uint8Array): Uint8Array {
  return hkdf(sha256, seed, undefined, SLH_KEYGEN_INFO, SLH_KEYGEN_SEED_BYTES);
}

/** ML-DSA takes the 32-byte seed as FIPS 204's xi directly; SLH-DSA expands it first. */
export function nobleKeyPairFromSeed(
  alg: number,
  seed: Uint8Array,
): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const signer = nobleSigner(alg);
  return signer.keygen(alg === ALG_SLH_DSA_SHA2_128S ? slhKeygenSeed(seed) : seed);
}
