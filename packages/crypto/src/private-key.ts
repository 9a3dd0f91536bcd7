import { KEY_SEED_BYTES } from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import type { SignContext } from './contexts.ts';

/**
 * A signing key. The 32-byte seed is the only secret that is ever stored (keystore, mnemonic
 * derivation); the scheme's expanded secret key is rebuilt from it.
 */
export interface PrivateKey {
  readonly alg: number;
  readonly publicKey: Uint8Array;
  readonly seed: Uint8Array;
  /** Signs under a FIPS 204/205 context string; throws INVALID_ARGUMENT for a bad message/context. */
  sign(message: Uint8Array, context: SignContext): Uint8Array;
}

/** A private copy of a valid seed, so later changes to the caller's buffer cannot alter the key. */
export function checkedSeed(seed: Uint8Array): Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== KEY_SEED_BYTES) {
    throw new LatticeError(
      'CRYPTO_INVALID_SEED',
      `a key seed must be exactly ${KEY_SEED_BYTES} bytes, got ${seed instanceof Uint8Array ? `${seed.length} bytes` : typeof seed}`,
    );
  }
  return seed.slice();
}

export function checkedMessage(message: Uint8Array): Uint8Array {
  if (!(message instanceof Uint8Array)) {
    throw new LatticeError('INVALID_ARGUMENT', `the message to sign must be bytes, got ${typeof message}`);
  }
  return message;
}
