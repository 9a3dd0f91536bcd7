import { LatticeError } from '@lattice/utils';
import { HASH_BYTES, popcount16, RADIX, TAG_INTERNAL } from './format.ts';

// Storage layout. A block's new internal nodes are packed into node pages (≤ NODE_PAGE_BYTES) and
// its new values into value chunks (≈ VALUE_CHUNK_BYTES), each in an append-only LMDB database
// keyed by a monotonically increasing u64 id: a commit appends a few hundred large records instead
// of ~17k small ones, and dirties only fresh pages. A node is located by (page id, byte offset).
// Leaves are stored inline in their parent. Values serve historical proofs; the flat KV serves
// reads of the latest state.
//
// Internal node record:
//   [0x01][mask u16be][hash of each child, nibble order][leaf mask u16be][extra of each child]
// so its first 3 + 32·n bytes are exactly its hash preimage, and its size follows from its masks.
// Extras: internal child → page u48, offset u16; leaf child → keyHash, valueHash, value chunk id
// u48, offset in chunk u32.
// Node page: node records back to back. Value chunk: ([length u32be][bytes])*.

/** Hashes are latin1 strings of 32 chars (see hash.ts). */
export interface LeafNode {
  readonly kind: 0;
  readonly hash: string;
  readonly keyHash: string;
  readonly valueHash: string;
  readonly chunk: number;
  readonly offset: number;
}

export interface InternalNode {
  readonly kind: 1;
  readonly hash: string;
  /** page id · 65536 + byte offset in the page (see nodeLocator). */
  readonly loc: number;
}

export type NodeRef = LeafNode | InternalNode;

const ID_BYTES = 6;
const INTERNAL_EXTRA_BYTES = ID_BYTES + 2;
const LEAF_EXTRA_BYTES = 2 * HASH_BYTES + ID_BYTES + 4;
/** Value chunk ids are u48 on disk. */
export const RECORD_ID_MAX = 2 ** 48 - 1;
/** Page ids stay below 2^37 so that a node locator (page · 2^16 + offset) is a safe integer. */
export const PAGE_ID_MAX = 2 ** 37 - 1;
/** A block's nodes are packed into pages of at most this size (offsets are u16). */
export const NODE_PAGE_BYTES = 32 * 1024;
/** Values of one block are packed into chunks of about this size (one bigger value is alone). */
export const VALUE_CHUNK_BYTES = 64 * 1024;
const OFFSET_SPAN = 65536;

export function nodeLocator(page: number, offset: number): number {
  return page * OFFSET_SPAN + offset;
}

export function locatorPage(loc: number): number {
  return Math.floor(loc / OFFSET_SPAN);
}

export function locatorOffset(loc: number): number {
  return loc % OFFSET_SPAN;
}

export function corrupt(what: string): LatticeError {
  return new LatticeError('STATE_CORRUPT', `state tree: ${what}`);
}

export function recordKey(id: number): Uint8Array {
  const key = new Uint8Array(8);
  writeU48(key, 2, id);
  return key;
}

export function readRecordKey(key: Uint8Array): number {
  if (key.length !== 8 || key[0] !== 0 || key[1] !== 0) throw corrupt('bad record key');
  return readU48(key, 2);
}

function writeU48(b: Uint8Array, off: number, n: number): void {
  const hi = Math.floor(n / 2 ** 32);
  const lo = n >>> 0;
  b[off] = hi >>> 8;
  b[off + 1] = hi & 0xff;
  b[off + 2] = lo >>> 24;
  b[off + 3] = (lo >>> 16) & 0xff;
  b[off + 4] = (lo >>> 8) & 0xff;
  b[off + 5] = lo & 0xff;
}

function readU48(b: Uint8Array, off: number): number {
  const hi = (b[off]! << 8) | b[off + 1]!;
  const lo = ((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0;
  return hi * 2 ** 32 + lo;
}

export function extraBytes(leaf: boolean): number {
  return leaf ? LEAF_EXTRA_BYTES : INTERNAL_EXTRA_BYTES;
}

export function nodeMask(rec: Buffer): number {
  return (rec[1]! << 8) | rec[2]!;
}

/** Length of the hash preimage at the start of a record with these children. */
export function preimageBytes(mask: number): number {
  return 3 + popcount16(mask) * HASH_BYTES;
}

export function nodeSize(mask: number, leafMask: number): number {
  return (
    preimageBytes(mask) +
    2 +
    popcount16(mask & ~leafMask) * INTERNAL_EXTRA_BYTES +
    popcount16(leafMask) * LEAF_EXTRA_BYTES
  );
}

/** Writes one child's extra bytes at `off`; returns the offset after it. */
export function writeExtra(out: Buffer, off: number, ref: NodeRef): number {
  if (ref.kind === 1) {
    writeU48(out, off, locatorPage(ref.loc));
    out.writeUInt16BE(locatorOffset(ref.loc), off + ID_BYTES);
    return off + INTERNAL_EXTRA_BYTES;
  }
  out.write(ref.keyHash, off, 'latin1');
  out.write(ref.valueHash, off + HASH_BYTES, 'latin1');
  writeU48(out, off + 2 * HASH_BYTES, ref.chunk);
  out.writeUInt32BE(ref.offset, off + 2 * HASH_BYTES + ID_BYTES);
  return off + LEAF_EXTRA_BYTES;
}

export function writeNodeHeader(out: Buffer, mask: number): void {
  out[0] = TAG_INTERNAL;
  out[1] = mask >> 8;
  out[2] = mask & 0xff;
}

export function writeLeafMask(out: Buffer, mask: number, leafMask: number): number {
  const at = preimageBytes(mask);
  out[at] = leafMask >> 8;
  out[at + 1] = leafMask & 0xff;
  return at + 2;
}

/** The record of a node whose children are all given as refs (a freshly built subtree). */
export function encodeNode(children: readonly (NodeRef | undefined)[]): Buffer {
  let mask = 0;
  let leafMask = 0;
  for (let i = 0; i < RADIX; i++) {
    const c = children[i];
    if (c === undefined) continue;
    mask |= 1 << i;
    if (c.kind === 0) leafMask |= 1 << i;
  }
  const out = Buffer.allocUnsafe(nodeSize(mask, leafMask));
  writeNodeHeader(out, mask);
  let h = 3;
  for (let i = 0; i < RADIX; i++) {
    const c = children[i];
    if (c === undefined) continue;
    out.write(c.hash, h, 'latin1');
    h += HASH_BYTES;
  }
  let off = writeLeafMask(out, mask, leafMask);
  for (let i = 0; i < RADIX; i++) {
    const c = children[i];
    if (c !== undefined) off = writeExtra(out, off, c);
  }
  return out;
}

/** The child at nibble `nib`, decoded from the record; undefined when empty. */
export function childAt(rec: Buffer, nib: number): NodeRef | undefined {
  const mask = nodeMask(rec);
  const bit = 1 << nib;
  if (!(mask & bit)) return undefined;
  const below = mask & (bit - 1);
  const n = popcount16(mask);
  const hashAt = 3 + popcount16(below) * HASH_BYTES;
  const leafMaskAt = 3 + n * HASH_BYTES;
  const leafMask = (rec[leafMaskAt]! << 8) | rec[leafMaskAt + 1]!;
  const leavesBelow = leafMask & below;
  const extraAt =
    leafMaskAt +
    2 +
    popcount16(below & ~leafMask) * INTERNAL_EXTRA_BYTES +
    popcount16(leavesBelow) * LEAF_EXTRA_BYTES;
  const hash = rec.toString('latin1', hashAt, hashAt + HASH_BYTES);
  if (!(leafMask & bit)) return { kind: 1, hash, loc: readLoc(rec, extraAt) };
  return {
    kind: 0,
    hash,
    keyHash: rec.toString('latin1', extraAt, extraAt + HASH_BYTES),
    valueHash: rec.toString('latin1', extraAt + HASH_BYTES, extraAt + 2 * HASH_BYTES),
    chunk: readU48(rec, extraAt + 2 * HASH_BYTES),
    offset: rec.readUInt32BE(extraAt + 2 * HASH_BYTES + ID_BYTES),
  };
}

function readLoc(b: Uint8Array, off: number): number {
  return nodeLocator(readU48(b, off), (b[off + ID_BYTES]! << 8) | b[off + ID_BYTES + 1]!);
}

/** Copies the node record at `offset` of a node page read from disk, checking it first. */
export function nodeFromPage(page: Uint8Array, offset: number): Buffer {
  if (offset + 5 > page.length || page[offset] !== TAG_INTERNAL) throw corrupt('bad node header');
  const mask = (page[offset + 1]! << 8) | page[offset + 2]!;
  const leafAt = offset + preimageBytes(mask);
  if (leafAt + 2 > page.length) throw corrupt('truncated node');
  const leafMask = (page[leafAt]! << 8) | page[leafAt + 1]!;
  if (mask === 0 || (leafMask & ~mask) !== 0) throw corrupt('bad node masks');
  const end = offset + nodeSize(mask, leafMask);
  if (end > page.length) throw corrupt('node runs past its page');
  const rec = Buffer.allocUnsafe(end - offset);
  rec.set(page.subarray(offset, end));
  return rec;
}

/** Reads the value at `offset` of a value chunk record. */
export function readValue(chunk: Buffer, offset: number): Uint8Array {
  if (offset + 4 > chunk.length) throw corrupt('value offset outside its chunk');
  const len = chunk.readUInt32BE(offset);
  if (offset + 4 + len > chunk.length) throw corrupt('value length outside its chunk');
  return new Uint8Array(chunk.subarray(offset + 4, offset + 4 + len));
}

const ROOT_EMPTY = 0;
const ROOT_LEAF = 1;
const ROOT_INTERNAL = 2;

export function encodeRoot(root: NodeRef | undefined): Uint8Array {
  if (root === undefined) return new Uint8Array([ROOT_EMPTY]);
  const out = Buffer.allocUnsafe(1 + HASH_BYTES + extraBytes(root.kind === 0));
  out[0] = root.kind === 0 ? ROOT_LEAF : ROOT_INTERNAL;
  out.write(root.hash, 1, 'latin1');
  writeExtra(out, 1 + HASH_BYTES, root);
  return new Uint8Array(out);
}

export function decodeRoot(bytes: Uint8Array): NodeRef | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = b[0];
  if (tag === ROOT_EMPTY && b.length === 1) return undefined;
  const leaf = tag === ROOT_LEAF;
  if ((!leaf && tag !== ROOT_INTERNAL) || b.length !== 1 + HASH_BYTES + extraBytes(leaf))
    throw corrupt('bad root record');
  const hash = b.toString('latin1', 1, 1 + HASH_BYTES);
  const at = 1 + HASH_BYTES;
  if (!leaf) return { kind: 1, hash, loc: readLoc(b, at) };
  return {
    kind: 0,
    hash,
    keyHash: b.toString('latin1', at, at + HASH_BYTES),
    valueHash: b.toString('latin1', at + HASH_BYTES, at + 2 * HASH_BYTES),
    chunk: readU48(b, at + 2 * HASH_BYTES),
    offset: b.readUInt32BE(at + 2 * HASH_BYTES + ID_BYTES),
  };
}
