import { BECH32_ACCOUNT_PREFIX } from '@lattice/params';
import { addressBytesWith, formatAddress } from './address-codec.ts';
import { sha256 } from './hash.ts';

export { formatAddress, parseAddress } from './address-codec.ts';

/** SHA-256(alg_id ‖ public_key); CRYPTO_INVALID_KEY if the key has the wrong length for alg. */
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
