import { verify } from 'node:crypto';
import { contextBytesOrUndefined, type SignContext } from './contexts.ts';
import { importPublicKey } from './node-keys.ts';
import { getScheme } from './schemes.ts';

/**
 * Verifies a signature with node:crypto. Returns false (never throws) for a malformed key,
 * signature, message or context; throws only CRYPTO_UNKNOWN_ALGORITHM for an unknown alg.
 */
export function verifySignature(
  alg: number,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  context: SignContext,
): boolean {
  const scheme = getScheme(alg);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== scheme.publicKeyBytes) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== scheme.signatureBytes) return false;
  if (!(message instanceof Uint8Array)) return false;
  const ctx = contextBytesOrUndefined(context);
  if (ctx === undefined) return false;
  try {
    const key = importPublicKey(alg, publicKey);
    return verify(null, message, { key, context: ctx }, signature);
  } catch {
    return false;
  }
}
