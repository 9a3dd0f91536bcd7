import { bech32m } from '@scure/base';
import { LatticeError } from './errors.ts';

/** bech32m strings may exceed BIP-173's 90 characters: a 32-byte payload plus prefix needs more. */
const BECH32_LIMIT = 200;

export function encodeBech32m(prefix: string, data: Uint8Array): string {
  return bech32m.encode(prefix, bech32m.toWords(data), BECH32_LIMIT);
}

/** Decodes and checks the prefix and payload length; every failure is ADDRESS_INVALID. */
export function decodeBech32m(s: string, prefix: string, length?: number): Uint8Array {
  if (typeof s !== 'string' || s.length > BECH32_LIMIT) {
    throw new LatticeError('ADDRESS_INVALID', `not a ${prefix} address: wrong type or too long`);
  }
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(s as `${string}1${string}`, BECH32_LIMIT);
  } catch (e) {
    throw new LatticeError('ADDRESS_INVALID', `not a valid ${prefix} address: ${(e as Error).message}`, {
      address: s,
    });
  }
  if (decoded.prefix !== prefix) {
    throw new LatticeError(
      'ADDRESS_INVALID',
      `address has prefix "${decoded.prefix}", expected "${prefix}"`,
      {
        address: s,
      },
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = bech32m.fromWords(decoded.words);
  } catch (e) {
    throw new LatticeError('ADDRESS_INVALID', `address payload is malformed: ${(e as Error).message}`);
  }
  if (length !== undefined && bytes.length !== length) {
    throw new LatticeError(
      'ADDRESS_INVALID',
      `address payload is ${bytes.length} bytes, expected ${length}`,
      {
        address: s,
      },
    );
  }
  return bytes;
}
