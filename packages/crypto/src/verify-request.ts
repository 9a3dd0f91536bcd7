import { contextBytesOrUndefined, type SignContext } from './contexts.ts';
import { getScheme } from './schemes.ts';

export interface VerifyRequest {
  alg: number;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  context: SignContext;
}

/**
 * The request's context bytes if it is worth verifying, or undefined when it is certainly invalid
 * (wrong sizes, wrong types). Throws CRYPTO_UNKNOWN_ALGORITHM, exactly like verifySignature.
 */
export function precheckRequest(req: VerifyRequest): Uint8Array | undefined {
  if (typeof req !== 'object' || req === null) return undefined;
  const scheme = getScheme(req.alg);
  const { publicKey, signature, message } = req;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== scheme.publicKeyBytes) return undefined;
  if (!(signature instanceof Uint8Array) || signature.length !== scheme.signatureBytes) return undefined;
  if (!(message instanceof Uint8Array)) return undefined;
  return contextBytesOrUndefined(req.context);
}
