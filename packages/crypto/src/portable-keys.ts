import { randomBytes } from '@noble/hashes/utils.js';
import { contextBytes, type SignContext } from './contexts.ts';
import { type NobleSigner, nobleKeyPairFromSeed, nobleSigner } from './noble.ts';
import { checkedMessage, checkedSeed, type PrivateKey } from './private-key.ts';
import { getScheme } from './schemes.ts';
import { verifyInputs } from './verify-inputs.ts';

class PortablePrivateKey implements PrivateKey {
  readonly alg: number;
  readonly publicKey: Uint8Array;
  readonly seed: Uint8Array;
  readonly #secretKey: Uint8Array;
  readonly #signer: NobleSigner;

  constructor(alg: number, seed: Uint8Array) {
    this.alg = alg;
    this.seed = seed;
    this.#signer = nobleSigner(alg);
    const { publicKey, secretKey } = nobleKeyPairFromSeed(alg, seed);
    this.publicKey = publicKey;
    this.#secretKey = secretKey;
  }

  sign(message: Uint8Array, context: SignContext): Uint8Array {
    const ctx = contextBytes(context);
    return this.#signer.sign(checkedMessage(message), this.#secretKey, { context: ctx });
  }
}

/** Same seed → same key pair as privateKeyFromSeed (node:crypto); pure JS, for browsers. */
export function portablePrivateKeyFromSeed(alg: number, seed: Uint8Array): PrivateKey {
  const scheme = getScheme(alg);
  return new PortablePrivateKey(scheme.id, checkedSeed(seed));
}

export function portableGeneratePrivateKey(alg: number): PrivateKey {
  getScheme(alg);
  return portablePrivateKeyFromSeed(alg, randomBytes(32));
}

/** Same contract as verifySignature: false for anything malformed, throws only CRYPTO_UNKNOWN_ALGORITHM. */
export function portableVerifySignature(
  alg: number,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  context: SignContext,
): boolean {
  const checked = verifyInputs(alg, publicKey, message, signature, context);
  if (checked === undefined) return false;
  try {
    return nobleSigner(checked.scheme.id).verify(signature, message, publicKey, { context: checked.ctx });
  } catch {
    return false;
  }
}
