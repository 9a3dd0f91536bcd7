import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { contextBytes, type SignContext } from './contexts.ts';
import { nobleKeyPairFromSeed } from './noble.ts';
import { asBuffer, fromBuffer, nodeKeyType } from './node-keys.ts';
import { checkedMessage, checkedSeed, type PrivateKey } from './private-key.ts';
import { ALG_SLH_DSA_SHA2_128S, getScheme } from './schemes.ts';

class NodePrivateKey implements PrivateKey {
  readonly alg: number;
  readonly publicKey: Uint8Array;
  readonly seed: Uint8Array;
  readonly #key: KeyObject;

  constructor(alg: number, seed: Uint8Array, key: KeyObject, publicKey: Uint8Array) {
    this.alg = alg;
    this.seed = seed;
    this.#key = key;
    this.publicKey = publicKey;
  }

  sign(message: Uint8Array, context: SignContext): Uint8Array {
    const ctx = contextBytes(context);
    return fromBuffer(sign(null, checkedMessage(message), { key: this.#key, context: ctx }));
  }
}

/**
 * The key pair for a 32-byte seed, the same as portablePrivateKeyFromSeed gives. ML-DSA: the seed
 * is FIPS 204's xi, imported as OpenSSL 'raw-seed'. SLH-DSA: see slhKeygenSeed in noble.ts; the
 * pure-JS key generation (≈200 ms) supplies PK.root, and OpenSSL signs (≈5× faster than JS).
 */
export function privateKeyFromSeed(alg: number, seed: Uint8Array): PrivateKey {
  const scheme = getScheme(alg);
  const ownSeed = checkedSeed(seed);
  const asymmetricKeyType = nodeKeyType(scheme.id);
  if (scheme.id === ALG_SLH_DSA_SHA2_128S) {
    const { publicKey, secretKey } = nobleKeyPairFromSeed(scheme.id, ownSeed);
    const key = createPrivateKey({ key: asBuffer(secretKey), format: 'raw-private', asymmetricKeyType });
    const ownPublicKey = publicKey.slice();
    secretKey.fill(0);
    return new NodePrivateKey(scheme.id, ownSeed, key, ownPublicKey);
  }
  const key = createPrivateKey({ key: asBuffer(ownSeed), format: 'raw-seed', asymmetricKeyType });
  const publicKey = fromBuffer(createPublicKey(key).export({ format: 'raw-public' }));
  return new NodePrivateKey(scheme.id, ownSeed, key, publicKey);
}

export function generatePrivateKey(alg: number): PrivateKey {
  getScheme(alg);
  return privateKeyFromSeed(alg, new Uint8Array(randomBytes(32)));
}
