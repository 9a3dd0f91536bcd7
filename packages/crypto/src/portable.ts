// Browser-safe entry ('@lattice/crypto/portable'): nothing here may import node:* (directly or
// through a dependency); test/portable-purity.test.ts walks the import graph to enforce it.
// Keys, signatures and addresses are interchangeable with the Node entry's.

import { BECH32_ACCOUNT_PREFIX } from '@lattice/params';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { addressBytesWith, formatAddress } from './address-codec.ts';

export { formatAddress, parseAddress } from './address-codec.ts';
export {
  SIGN_CONTEXT_MAX_BYTES,
  SIGN_CONTEXT_MESSAGE,
  SIGN_CONTEXT_PROPOSAL,
  SIGN_CONTEXT_TX,
  SIGN_CONTEXT_VOTE,
  type SignContext,
} from './contexts.ts';
export * from './mnemonic.ts';
export {
  portableGeneratePrivateKey,
  portablePrivateKeyFromSeed,
  portableVerifySignature,
} from './portable-keys.ts';
export type { PrivateKey } from './private-key.ts';
export * from './schemes.ts';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function addressBytesFromPublicKey(alg: number, publicKey: Uint8Array): Uint8Array {
  return addressBytesWith(sha256, alg, publicKey);
}

export function addressFromPublicKey(
  alg: number,
  publicKey: Uint8Array,
  prefix: string = BECH32_ACCOUNT_PREFIX,
): string {
  return formatAddress(addressBytesWith(sha256, alg, publicKey), prefix);
}
