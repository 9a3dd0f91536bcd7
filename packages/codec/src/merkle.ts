import { concatBytes } from '@lattice/utils';
import { sha256 } from './sha256.ts';

// RFC 6962 domain separation: a leaf can never be confused with an inner node.
const LEAF_PREFIX = new Uint8Array([0x00]);
const INNER_PREFIX = new Uint8Array([0x01]);

/**
 * Prefixed inputs are assembled in one reused buffer when they fit: trees over tx hashes run to
 * thousands of hashes per block, and a fresh buffer for each was a measurable share of the work.
 * (Safe to share: sha256 reads its input synchronously and nothing here re-enters.)
 */
const SCRATCH = new Uint8Array(1 + 64);

export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  if (leaf.length > 64) return sha256(concatBytes(LEAF_PREFIX, leaf));
  SCRATCH[0] = LEAF_PREFIX[0]!;
  SCRATCH.set(leaf, 1);
  return sha256(SCRATCH.subarray(0, 1 + leaf.length));
}

export function merkleInnerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length + right.length > 64) return sha256(concatBytes(INNER_PREFIX, left, right));
  SCRATCH[0] = INNER_PREFIX[0]!;
  SCRATCH.set(left, 1);
  SCRATCH.set(right, 1 + left.length);
  return sha256(SCRATCH.subarray(0, 1 + left.length + right.length));
}

/**
 * RFC 6962 Merkle tree hash (as CometBFT's crypto/merkle): the left subtree holds the largest
 * power of two of leaves smaller than n. An empty tree hashes to SHA-256 of nothing.
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  return subtreeRoot(leaves, 0, leaves.length);
}

function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 1) return merkleLeafHash(leaves[start]!);
  let split = 1;
  while (split * 2 < n) split *= 2;
  return merkleInnerHash(subtreeRoot(leaves, start, start + split), subtreeRoot(leaves, start + split, end));
}
