import { contextBytesOrUndefined, type SignContext } from './contexts.ts';
import { getScheme, type SignatureScheme } from './schemes.ts';

/**
 * The checks both verifiers (node:crypto and noble) make before any cryptography: the algorithm
 * must be known (throws CRYPTO_UNKNOWN_ALGORITHM), everything else malformed means "does not
 * verify" (undefined).
 */
export function verifyInputs(
  alg: number,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  context: SignContext,
): { scheme: SignatureScheme; ctx: Uint8Array } | undefined {
  const scheme = getScheme(alg);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== scheme.publicKeyBytes) return undefined;
  if (!(signature instanceof Uint8Array) || signature.length !== scheme.signatureBytes) return undefined;
  if (!(message instanceof Uint8Array)) return undefined;
  const ctx = contextBytesOrUndefined(context);
  return ctx === undefined ? undefined : { scheme, ctx };
}
