import { concatBytes } from '@lattice/utils';
import { sha256 } from './sha256.ts';

// RFC 6962 domain separation: a leaf can never be confused with an inner node.
const LEAF_PREFIX = new Uint8Array([0x00]);
const INNER_PREFIX = new Uint8Array([0x01]);

export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  return sha256(concatBytes(LEAF_PREFIX, leaf));
}

export function merkleInnerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(INNER_PREFIX, left, right));
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
