// Proof verification for any JavaScript runtime (the SDK runs it in browsers): @noble/hashes only,
// no node:* imports. Computes exactly the bytes the write path (hash.ts) commits to.
import { sha256 } from '@noble/hashes/sha2.js';
import {
  EMPTY_ROOT,
  HASH_BYTES,
  nibbleAt,
  popcount16,
  RADIX,
  TAG_INTERNAL,
  TAG_LEAF,
  TREE_MAX_DEPTH,
} from './format.ts';
import type { StateProof } from './proof.ts';

export { EMPTY_ROOT } from './format.ts';
export {
  decodeProof,
  encodeProof,
  type StateProof,
  type StateProofLeaf,
  type StateProofLevel,
} from './proof.ts';

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isHash(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array && x.length === HASH_BYTES;
}

/**
 * True when `proof` shows that, in the state committed to by `root`, `key` maps to `value`
 * (or is absent when `value` is undefined). Never throws: malformed input is just false.
 */
export function verifyStateProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: StateProof,
): boolean {
  try {
    return verify(root, key, value, proof);
  } catch {
    return false;
  }
}

function verify(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: StateProof,
): boolean {
  if (!isHash(root) || !(key instanceof Uint8Array) || !Array.isArray(proof.levels)) return false;
  if (value !== undefined && !(value instanceof Uint8Array)) return false;
  const levels = proof.levels;
  const depth = levels.length;
  if (depth > TREE_MAX_DEPTH) return false;
  const keyHash = sha256(key);

  let current: Uint8Array | undefined;
  const leaf = proof.leaf;
  if (leaf !== null) {
    if (!isHash(leaf.keyHash) || !isHash(leaf.valueHash)) return false;
    if (value !== undefined) {
      if (!equalBytes(leaf.keyHash, keyHash) || !equalBytes(leaf.valueHash, sha256(value))) return false;
    } else {
      // Another key's leaf sits where ours would be: it must share our path down to that point.
      if (equalBytes(leaf.keyHash, keyHash)) return false;
      for (let d = 0; d < depth; d++) if (nibbleAt(leaf.keyHash, d) !== nibbleAt(keyHash, d)) return false;
    }
    const pre = new Uint8Array(1 + 2 * HASH_BYTES);
    pre[0] = TAG_LEAF;
    pre.set(leaf.keyHash, 1);
    pre.set(leaf.valueHash, 1 + HASH_BYTES);
    current = sha256(pre);
  } else if (value !== undefined) return false;

  for (let d = depth - 1; d >= 0; d--) {
    const level = levels[d]!;
    const mask = level.mask;
    if (!Number.isInteger(mask) || mask < 1 || mask > 0xffff || !Array.isArray(level.siblings)) return false;
    const nib = nibbleAt(keyHash, d);
    const ours = (mask >> nib) & 1;
    // Only the deepest level may have our child empty, and only when the path ends in an empty slot.
    if (current === undefined ? ours !== 0 : ours !== 1) return false;
    if (level.siblings.length !== popcount16(mask) - ours) return false;
    const pre = new Uint8Array(3 + popcount16(mask) * HASH_BYTES);
    pre[0] = TAG_INTERNAL;
    pre[1] = mask >> 8;
    pre[2] = mask & 0xff;
    let off = 3;
    let s = 0;
    for (let i = 0; i < RADIX; i++) {
      if (!((mask >> i) & 1)) continue;
      const h = i === nib ? current! : level.siblings[s++];
      if (!isHash(h)) return false;
      pre.set(h, off);
      off += HASH_BYTES;
    }
    current = sha256(pre);
  }
  return equalBytes(current ?? EMPTY_ROOT, root);
}
