import { concatBytes } from '@lattice/utils';
import { sha256 } from './sha256.ts';

// RFC 6962 domain separation: a leaf can never be confused with an inner node.
export const MERKLE_LEAF_PREFIX = 0x00;
export const MERKLE_INNER_PREFIX = 0x01;

/**
 * Prefixed inputs are assembled in one reused buffer when they fit: trees over tx hashes run to
 * thousands of hashes per block, and a fresh buffer for each was a measurable share of the work.
 * (Safe to share: sha256 reads its input synchronously and nothing here re-enters.)
 */
const SCRATCH = new Uint8Array(1 + 64);

export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  if (leaf.length > 64) return sha256(concatBytes(Uint8Array.of(MERKLE_LEAF_PREFIX), leaf));
  SCRATCH[0] = MERKLE_LEAF_PREFIX;
  SCRATCH.set(leaf, 1);
  return sha256(SCRATCH.subarray(0, 1 + leaf.length));
}

export function merkleInnerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length + right.length > 64)
    return sha256(concatBytes(Uint8Array.of(MERKLE_INNER_PREFIX), left, right));
  SCRATCH[0] = MERKLE_INNER_PREFIX;
  SCRATCH.set(left, 1);
  SCRATCH.set(right, 1 + left.length);
  return sha256(SCRATCH.subarray(0, 1 + left.length + right.length));
}
