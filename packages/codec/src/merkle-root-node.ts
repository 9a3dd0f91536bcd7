import { hash } from 'node:crypto';
import { MERKLE_INNER_PREFIX, MERKLE_LEAF_PREFIX } from './merkle-hash.ts';

const HASH_BYTES = 32;
/** Leaves up to this size are prefixed in the reused scratch buffer; larger ones are copied once. */
const SCRATCH_LEAF_MAX = 1024;
const scratch = Buffer.allocUnsafe(1 + SCRATCH_LEAF_MAX);

/**
 * The RFC 6962 root of merkle-root-portable.ts, computed level by level with the digests kept as
 * latin1 strings ('binary' in node:crypto's terms): its one-shot hash returns a string ~4× faster
 * than a Buffer, and a block's trees (tx hashes, results, parts) take thousands of hashes per
 * block on every node.
 * Pairing each level left to right and carrying an odd last node up unchanged builds the same
 * tree as splitting at the largest power of two below n.
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return toBytes(hash('sha256', scratch.subarray(0, 0), 'binary'));
  const level = new Array<string>(n);
  for (let i = 0; i < n; i++) level[i] = leafDigest(leaves[i]!);
  for (let width = n; width > 1; ) {
    let out = 0;
    for (let i = 0; i + 1 < width; i += 2) level[out++] = innerDigest(level[i]!, level[i + 1]!);
    if (width % 2 === 1) level[out++] = level[width - 1]!;
    width = out;
  }
  return toBytes(level[0]!);
}

function leafDigest(leaf: Uint8Array): string {
  if (leaf.length > SCRATCH_LEAF_MAX)
    return hash('sha256', Buffer.concat([Uint8Array.of(MERKLE_LEAF_PREFIX), leaf]), 'binary');
  scratch[0] = MERKLE_LEAF_PREFIX;
  scratch.set(leaf, 1);
  return hash('sha256', scratch.subarray(0, 1 + leaf.length), 'binary');
}

function innerDigest(left: string, right: string): string {
  scratch[0] = MERKLE_INNER_PREFIX;
  scratch.write(left, 1, 'latin1');
  scratch.write(right, 1 + HASH_BYTES, 'latin1');
  return hash('sha256', scratch.subarray(0, 1 + 2 * HASH_BYTES), 'binary');
}

/** Its own 32-byte array (not a view into Buffer's shared pool, which a transfer would detach). */
function toBytes(digest: string): Uint8Array {
  const out = new Uint8Array(HASH_BYTES);
  for (let i = 0; i < HASH_BYTES; i++) out[i] = digest.charCodeAt(i);
  return out;
}
