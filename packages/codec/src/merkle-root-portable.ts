import { merkleInnerHash, merkleLeafHash } from './merkle-hash.ts';
import { sha256 } from './sha256.ts';

/**
 * RFC 6962 Merkle tree hash (as CometBFT's crypto/merkle): the left subtree holds the largest
 * power of two of leaves smaller than n. An empty tree hashes to SHA-256 of nothing. The portable
 * form (browsers); Node uses merkle-root-node.ts, which must give the same bytes.
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
