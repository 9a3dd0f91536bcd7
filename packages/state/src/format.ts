// The commitment format, shared by the write path and by browser-side verification. Nothing here
// may import node:* modules.
//
// A radix-16 sparse Merkle tree over SHA-256:
//   path      = sha256(key), read as 64 nibbles (high nibble of each byte first)
//   leaf      = sha256(0x00 ‖ sha256(key) ‖ sha256(value))
//   internal  = sha256(0x01 ‖ mask:u16be ‖ hash of each non-empty child, in nibble order)
//               where bit i of mask is set when child i is non-empty
//   empty     = the tree with no keys has root 32 zero bytes; empty children are left out of the mask
// A subtree holding exactly one key is that key's leaf (at whatever depth it sits), so the shape
// depends only on the key set and depth ≈ log16(N).

export const HASH_BYTES = 32;
export const RADIX = 16;
/** sha256 gives 64 nibbles: no path can be longer. */
export const TREE_MAX_DEPTH = 64;
export const TAG_LEAF = 0x00;
export const TAG_INTERNAL = 0x01;
export const EMPTY_ROOT: Uint8Array = new Uint8Array(HASH_BYTES);

export function nibbleAt(keyHash: Uint8Array, depth: number): number {
  const byte = keyHash[depth >> 1]!;
  return depth & 1 ? byte & 0x0f : byte >> 4;
}

export function popcount16(mask: number): number {
  let n = mask - ((mask >> 1) & 0x5555);
  n = (n & 0x3333) + ((n >> 2) & 0x3333);
  n = (n + (n >> 4)) & 0x0f0f;
  return (n + (n >> 8)) & 0x1f;
}
