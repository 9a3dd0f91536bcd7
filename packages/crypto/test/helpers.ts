import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex } from '@lattice/utils';

/**
 * The NIST ACVP vectors, copied unchanged into the repository (see vectors/acvp/README.md for
 * their source and checksums) so the tests do not depend on how the repository is checked out.
 */
export const ACVP_DIR = new URL('./vectors/acvp/', import.meta.url);

export function readAcvp<T>(name: string): T {
  const url = new URL(name, ACVP_DIR);
  if (!existsSync(url)) {
    throw new Error(
      `NIST ACVP test vectors not found at ${fileURLToPath(url)}: the vector files are part of the repository (packages/crypto/test/vectors/acvp)`,
    );
  }
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

export const hex = (s: string): Uint8Array => fromHex(s);

/** A deterministic 32-byte seed per (tag, n), so test keys are the same on every run. */
export function testSeed(tag: number, n = 0): Uint8Array {
  const seed = new Uint8Array(32);
  seed[0] = tag;
  seed[1] = n;
  seed[31] = 0xa5;
  return seed;
}

export function flipBit(b: Uint8Array, byte = 0, bit = 0): Uint8Array {
  const out = b.slice();
  out[byte % out.length]! ^= 1 << bit;
  return out;
}
