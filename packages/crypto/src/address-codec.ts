import { ADDRESS_BYTES, BECH32_ACCOUNT_PREFIX } from '@lattice/params';
import { concatBytes, decodeBech32m, encodeBech32m, LatticeError } from '@lattice/utils';
import { getScheme } from './schemes.ts';

// Written once for both entries; each entry passes its own SHA-256 (node:crypto or noble).

export type HashFn = (data: Uint8Array) => Uint8Array;

const PREFIX_RE = /^[a-z][a-z0-9]{0,19}$/;

function checkPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || !PREFIX_RE.test(prefix)) {
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `"${String(prefix).slice(0, 40)}" is not a valid address prefix`,
    );
  }
}

/** address = SHA-256(alg_id ‖ public_key): the id is hashed in so equal key bytes under two schemes differ. */
export function addressBytesWith(hash: HashFn, alg: number, publicKey: Uint8Array): Uint8Array {
  const scheme = getScheme(alg);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== scheme.publicKeyBytes) {
    throw new LatticeError(
      'CRYPTO_INVALID_KEY',
      `a ${scheme.name} public key is ${scheme.publicKeyBytes} bytes, got ${publicKey instanceof Uint8Array ? publicKey.length : typeof publicKey}`,
      { alg },
    );
  }
  return hash(concatBytes(Uint8Array.of(alg), publicKey));
}

export function formatAddress(bytes: Uint8Array, prefix: string = BECH32_ACCOUNT_PREFIX): string {
  checkPrefix(prefix);
  if (!(bytes instanceof Uint8Array) || bytes.length !== ADDRESS_BYTES) {
    throw new LatticeError(
      'ADDRESS_INVALID',
      `an address is ${ADDRESS_BYTES} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`,
    );
  }
  return encodeBech32m(prefix, bytes);
}

/** The 32 address bytes of a bech32m string with the given prefix; anything else is ADDRESS_INVALID. */
export function parseAddress(address: string, prefix: string = BECH32_ACCOUNT_PREFIX): Uint8Array {
  checkPrefix(prefix);
  if (typeof address !== 'string') {
    throw new LatticeError(
      'ADDRESS_INVALID',
      `an address must be a string, got ${address === null ? 'null' : typeof address}`,
    );
  }
  return decodeBech32m(address, prefix, ADDRESS_BYTES);
}
