// Proof type and its wire format. Browser-safe: no node:* imports.
import { LatticeError } from '@lattice/utils';
import { HASH_BYTES, popcount16, TREE_MAX_DEPTH } from './format.ts';

/** One internal node on the path from the root: which children exist, and all of them but ours. */
export interface StateProofLevel {
  /** Bit i set when child i is non-empty. */
  readonly mask: number;
  /** Hashes of the non-empty children other than the one on the key's path, in nibble order. */
  readonly siblings: readonly Uint8Array[];
}

/** The leaf where the key's path ends: the key's own (membership) or another key's (non-membership). */
export interface StateProofLeaf {
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array;
}

/**
 * Membership or non-membership proof of one key against a state root. `levels` runs from the root
 * down; the path ends at `leaf`, or at an empty child (or the empty tree) when `leaf` is null.
 */
export interface StateProof {
  readonly levels: readonly StateProofLevel[];
  readonly leaf: StateProofLeaf | null;
}

const PROOF_VERSION = 1;

function fail(message: string): never {
  throw new LatticeError('DECODE_FAILED', `state proof: ${message}`);
}

/** [version u8][levels u8] per level [mask u16be][count u8][count × 32] then [0] or [1][keyHash][valueHash]. */
export function encodeProof(p: StateProof): Uint8Array {
  let size = 2 + 1;
  for (const level of p.levels) size += 3 + level.siblings.length * HASH_BYTES;
  if (p.leaf !== null) size += 2 * HASH_BYTES;
  const out = new Uint8Array(size);
  out[0] = PROOF_VERSION;
  out[1] = p.levels.length;
  let off = 2;
  for (const level of p.levels) {
    out[off++] = level.mask >> 8;
    out[off++] = level.mask & 0xff;
    out[off++] = level.siblings.length;
    for (const s of level.siblings) {
      out.set(s, off);
      off += HASH_BYTES;
    }
  }
  if (p.leaf === null) out[off] = 0;
  else {
    out[off++] = 1;
    out.set(p.leaf.keyHash, off);
    out.set(p.leaf.valueHash, off + HASH_BYTES);
  }
  return out;
}

/** Strict decoding: anything but a canonical encoding is DECODE_FAILED. */
export function decodeProof(b: Uint8Array): StateProof {
  if (!(b instanceof Uint8Array)) fail('not bytes');
  if (b.length < 3) fail('truncated');
  if (b[0] !== PROOF_VERSION) fail(`unknown version ${b[0]}`);
  const depth = b[1]!;
  if (depth > TREE_MAX_DEPTH) fail(`depth ${depth} exceeds ${TREE_MAX_DEPTH}`);
  let off = 2;
  const levels: StateProofLevel[] = [];
  for (let d = 0; d < depth; d++) {
    if (off + 3 > b.length) fail('truncated level');
    const mask = (b[off]! << 8) | b[off + 1]!;
    const count = b[off + 2]!;
    off += 3;
    const pop = popcount16(mask);
    if (count > pop || pop - count > 1) fail(`level ${d}: ${count} siblings for mask ${mask.toString(16)}`);
    if (off + count * HASH_BYTES > b.length) fail('truncated siblings');
    const siblings: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      siblings.push(b.slice(off, off + HASH_BYTES));
      off += HASH_BYTES;
    }
    levels.push({ mask, siblings });
  }
  if (off >= b.length) fail('missing terminal');
  const tag = b[off++];
  let leaf: StateProofLeaf | null = null;
  if (tag === 1) {
    if (off + 2 * HASH_BYTES !== b.length) fail('bad leaf length');
    leaf = {
      keyHash: b.slice(off, off + HASH_BYTES),
      valueHash: b.slice(off + HASH_BYTES, off + 2 * HASH_BYTES),
    };
  } else if (tag !== 0 || off !== b.length) fail('bad terminal');
  return { levels, leaf };
}
