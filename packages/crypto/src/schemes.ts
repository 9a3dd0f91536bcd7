import { KEY_SEED_BYTES } from '@lattice/params';
import { LatticeError } from '@lattice/utils';

// Every public key and signature on the chain carries one of these ids, so new schemes can be
// added (and old ones retired) without changing any encoding. Ids are never reused.
export const ALG_ML_DSA_44 = 1;
export const ALG_ML_DSA_65 = 2;
export const ALG_ML_DSA_87 = 3;
export const ALG_SLH_DSA_SHA2_128S = 4;

export interface SignatureScheme {
  readonly id: number;
  /** The FIPS name, e.g. 'ML-DSA-44' or 'SLH-DSA-SHA2-128s'. */
  readonly name: string;
  readonly publicKeyBytes: number;
  readonly signatureBytes: number;
  /** Every scheme derives its key pair from a 32-byte seed (see keys.ts for SLH-DSA). */
  readonly seedBytes: 32;
}

function scheme(id: number, name: string, publicKeyBytes: number, signatureBytes: number): SignatureScheme {
  return Object.freeze({ id, name, publicKeyBytes, signatureBytes, seedBytes: KEY_SEED_BYTES as 32 });
}

const SCHEMES: readonly SignatureScheme[] = Object.freeze([
  scheme(ALG_ML_DSA_44, 'ML-DSA-44', 1312, 2420),
  scheme(ALG_ML_DSA_65, 'ML-DSA-65', 1952, 3309),
  scheme(ALG_ML_DSA_87, 'ML-DSA-87', 2592, 4627),
  scheme(ALG_SLH_DSA_SHA2_128S, 'SLH-DSA-SHA2-128s', 32, 7856),
]);

const BY_ID = new Map<number, SignatureScheme>(SCHEMES.map((s) => [s.id, s]));
const BY_NAME = new Map<string, SignatureScheme>(SCHEMES.map((s) => [s.name.toLowerCase(), s]));

/** Looks up a scheme by its one-byte id; an unknown id is CRYPTO_UNKNOWN_ALGORITHM. */
export function getScheme(id: number): SignatureScheme {
  const s = typeof id === 'number' ? BY_ID.get(id) : undefined;
  if (s === undefined) {
    throw new LatticeError(
      'CRYPTO_UNKNOWN_ALGORITHM',
      `unknown signature algorithm id ${String(id).slice(0, 20)}; known: ${SCHEMES.map((x) => `${x.id} (${x.name})`).join(', ')}`,
      { alg: typeof id === 'number' ? id : String(id).slice(0, 20) },
    );
  }
  return s;
}

/** Case-insensitive lookup by FIPS name ('ML-DSA-44', 'ml-dsa-44', 'slh-dsa-sha2-128s'). */
export function schemeByName(name: string): SignatureScheme {
  const s = typeof name === 'string' ? BY_NAME.get(name.trim().toLowerCase()) : undefined;
  if (s === undefined) {
    throw new LatticeError(
      'CRYPTO_UNKNOWN_ALGORITHM',
      `unknown signature algorithm "${String(name).slice(0, 40)}"; known: ${SCHEMES.map((x) => x.name).join(', ')}`,
    );
  }
  return s;
}

/** Whether the id names a registered scheme. */
export function isKnownAlgorithm(id: number): boolean {
  return typeof id === 'number' && BY_ID.has(id);
}

export function listSchemes(): readonly SignatureScheme[] {
  return SCHEMES;
}
