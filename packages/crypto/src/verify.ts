import { verify } from 'node:crypto';
import type { SignContext } from './contexts.ts';
import { importPublicKey } from './node-keys.ts';
import { verifyInputs } from './verify-inputs.ts';

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
  const checked = verifyInputs(alg, publicKey, message, signature, context);
  if (checked === undefined) return false;
  try {
    const key = importPublicKey(alg, publicKey);
    return verify(null, message, { key, context: checked.ctx }, signature);
  } catch {
    return false;
  }
}
