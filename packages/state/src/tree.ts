import { assert } from '@lattice/utils';
import { HASH_BYTES, popcount16, RADIX, TREE_MAX_DEPTH } from './format.ts';
import { nibbleOf, sha256 } from './hash.ts';
import {
  childAt,
  encodeNode,
  extraBytes,
  type InternalNode,
  type LeafNode,
  NODE_PAGE_BYTES,
  type NodeRef,
  nodeLocator,
  nodeSize,
  PAGE_ID_MAX,
  preimageBytes,
  RECORD_ID_MAX,
  VALUE_CHUNK_BYTES,
  writeExtra,
  writeLeafMask,
  writeNodeHeader,
} from './node-codec.ts';

/** One write after hashing (hashes as latin1 strings); valueHash/leafHash are set iff value is not null. */
export interface PreparedWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  readonly keyHash: string;
  valueHash: string;
  leafHash: string;
}

export interface NewRecord {
  readonly id: number;
  readonly bytes: Buffer;
}

export interface TreeUpdate {
  readonly root: NodeRef | undefined;
  /** New internal node records by locator, to warm the node cache once they are durable. */
  readonly nodes: { loc: number; bytes: Buffer }[];
  /** New node pages, in increasing id order (so they can be appended). */
  readonly pages: NewRecord[];
  /** New value chunks, in increasing id order. */
  readonly chunks: NewRecord[];
  /** Locators of committed nodes this update replaces: no longer reachable from the new root. */
  readonly replaced: number[];
  readonly nextPage: number;
  readonly nextChunk: number;
}

/** Returns the record of a committed internal node. */
export type NodeLoader = (node: InternalNode) => Buffer;

/**
 * Applies a batch of writes, sorted by keyHash with no duplicate keys, to the tree under `root`.
 * Descends once for the whole batch: every touched node is loaded and rehashed once, untouched
 * subtrees are reused by reference, and the result depends only on the resulting key set.
 */
export function applyWrites(
  load: NodeLoader,
  root: NodeRef | undefined,
  writes: readonly PreparedWrite[],
  nextPage: number,
  nextChunk: number,
): TreeUpdate {
  const u = new Updater(load, writes, nextPage, nextChunk);
  const newRoot = u.update(root, 0, 0, writes.length);
  u.flushChunk();
  u.flushPage();
  assert(u.nextPage <= PAGE_ID_MAX && u.nextChunk <= RECORD_ID_MAX, 'state record ids exhausted');
  return {
    root: newRoot,
    nodes: u.nodes,
    pages: u.pages,
    chunks: u.chunks,
    replaced: u.replaced,
    nextPage: u.nextPage,
    nextChunk: u.nextChunk,
  };
}

class Updater {
  readonly nodes: { loc: number; bytes: Buffer }[] = [];
  readonly pages: NewRecord[] = [];
  readonly chunks: NewRecord[] = [];
  readonly replaced: number[] = [];
  nextPage: number;
  nextChunk: number;
  #pageId = -1;
  #pageBytes = 0;
  #pageFirstNode = 0;
  readonly #load: NodeLoader;
  readonly #w: readonly PreparedWrite[];
  #chunkId = -1;
  #chunkBytes = 0;
  #chunkValues: Uint8Array[] = [];
  /** One scratch array per depth for a node's replaced children; only changedMask's slots are read. */
  readonly #changed: (NodeRef | undefined)[][] = [];

  constructor(load: NodeLoader, writes: readonly PreparedWrite[], nextPage: number, nextChunk: number) {
    this.#load = load;
    this.#w = writes;
    this.nextPage = nextPage;
    this.nextChunk = nextChunk;
  }

  /** The subtree at `slot` (at `depth`) after writes [lo, hi), which all share its path prefix. */
  update(slot: NodeRef | undefined, depth: number, lo: number, hi: number): NodeRef | undefined {
    if (lo === hi) return slot;
    if (slot === undefined || slot.kind === 0) return this.#build(depth, lo, hi, slot);
    const rec = this.#load(slot);
    let changedMask = 0;
    const changed = (this.#changed[depth] ??= new Array(RADIX));
    const w = this.#w;
    for (let i = lo; i < hi; ) {
      const nib = nibbleOf(w[i]!.keyHash, depth);
      let j = i + 1;
      while (j < hi && nibbleOf(w[j]!.keyHash, depth) === nib) j++;
      const before = childAt(rec, nib);
      const after = this.update(before, depth + 1, i, j);
      if (after !== before) {
        changed[nib] = after;
        changedMask |= 1 << nib;
      }
      i = j;
    }
    if (changedMask === 0) return slot;
    this.replaced.push(slot.loc);
    return this.#rebuild(rec, changedMask, changed);
  }

  /**
   * The subtree at a position that is empty or holds the single leaf `existing`, after writes
   * [lo, hi). A write with the existing leaf's keyHash replaces or deletes it.
   */
  #build(depth: number, lo: number, hi: number, existing: LeafNode | undefined): NodeRef | undefined {
    assert(depth <= TREE_MAX_DEPTH, 'state tree deeper than the key hash');
    const w = this.#w;
    let survivors = 0;
    let lastSet = -1;
    let replaced = false;
    for (let i = lo; i < hi; i++) {
      const x = w[i]!;
      if (existing !== undefined && x.keyHash === existing.keyHash) replaced = true;
      if (x.value !== null) {
        survivors++;
        lastSet = i;
      }
    }
    const keepExisting = existing !== undefined && !replaced;
    if (keepExisting) survivors++;
    if (survivors === 0) return undefined;
    if (survivors === 1) {
      if (keepExisting) return existing;
      const x = w[lastSet]!;
      // Rewriting a key with its current value leaves the leaf (and everything above) unchanged.
      if (existing !== undefined && x.leafHash === existing.hash) return existing;
      return this.#leaf(x);
    }
    const children: (NodeRef | undefined)[] = new Array(RADIX).fill(undefined);
    const existingNib = existing === undefined ? -1 : nibbleOf(existing.keyHash, depth);
    if (existing !== undefined) children[existingNib] = existing;
    for (let i = lo; i < hi; ) {
      const nib = nibbleOf(w[i]!.keyHash, depth);
      let j = i + 1;
      while (j < hi && nibbleOf(w[j]!.keyHash, depth) === nib) j++;
      children[nib] = this.#build(depth + 1, i, j, nib === existingNib ? existing : undefined);
      i = j;
    }
    return this.#fresh(children);
  }

  #leaf(x: PreparedWrite): LeafNode {
    const value = x.value!;
    const size = 4 + value.length;
    if (this.#chunkId < 0 || (this.#chunkBytes > 0 && this.#chunkBytes + size > VALUE_CHUNK_BYTES)) {
      this.flushChunk();
      this.#chunkId = this.nextChunk++;
    }
    const offset = this.#chunkBytes;
    this.#chunkValues.push(value);
    this.#chunkBytes += size;
    return {
      kind: 0,
      hash: x.leafHash,
      keyHash: x.keyHash,
      valueHash: x.valueHash,
      chunk: this.#chunkId,
      offset,
    };
  }

  flushChunk(): void {
    if (this.#chunkId < 0) return;
    const out = Buffer.allocUnsafe(this.#chunkBytes);
    let off = 0;
    for (const v of this.#chunkValues) {
      off = out.writeUInt32BE(v.length, off);
      // TypedArray#set costs more than a short loop for the small values most state holds.
      if (v.length > 64) out.set(v, off);
      else for (let i = 0; i < v.length; i++) out[off + i] = v[i]!;
      off += v.length;
    }
    this.chunks.push({ id: this.#chunkId, bytes: out });
    this.#chunkId = -1;
    this.#chunkBytes = 0;
    this.#chunkValues = [];
  }

  /** Canonical form: no children → empty; a lone leaf moves up; otherwise a new internal node. */
  #fresh(children: (NodeRef | undefined)[]): NodeRef | undefined {
    let count = 0;
    let only: NodeRef | undefined;
    for (let i = 0; i < RADIX; i++) {
      const c = children[i];
      if (c === undefined) continue;
      count++;
      only = c;
    }
    if (count === 0) return undefined;
    if (count === 1 && only!.kind === 0) return only;
    return this.#node(encodeNode(children));
  }

  /**
   * A committed node with some children replaced: unchanged children's hashes and extras are
   * copied from the old record as bytes.
   */
  #rebuild(rec: Buffer, changedMask: number, changed: (NodeRef | undefined)[]): NodeRef | undefined {
    const oldMask = (rec[1]! << 8) | rec[2]!;
    const oldLeafAt = preimageBytes(oldMask);
    const oldLeaves = (rec[oldLeafAt]! << 8) | rec[oldLeafAt + 1]!;
    let mask = 0;
    let leafMask = 0;
    for (let i = 0; i < RADIX; i++) {
      const bit = 1 << i;
      if (changedMask & bit) {
        const c = changed[i];
        if (c === undefined) continue;
        mask |= bit;
        if (c.kind === 0) leafMask |= bit;
      } else if (oldMask & bit) {
        mask |= bit;
        leafMask |= oldLeaves & bit;
      }
    }
    if (mask === 0) return undefined;
    if (popcount16(mask) === 1 && leafMask !== 0) {
      const only = 31 - Math.clz32(mask);
      return changedMask & mask ? changed[only] : childAt(rec, only);
    }
    const out = Buffer.allocUnsafe(nodeSize(mask, leafMask));
    writeNodeHeader(out, mask);
    // Unchanged children are copied in runs: one memcpy per run of hashes and one per run of extras.
    let h = 3;
    let oldH = 3;
    let run = -1;
    let runDst = 0;
    for (let i = 0; i < RADIX; i++) {
      const bit = 1 << i;
      if (changedMask & bit) {
        if (run >= 0) rec.copy(out, runDst, run, oldH);
        run = -1;
        const c = changed[i];
        if (c !== undefined) {
          out.write(c.hash, h, 'latin1');
          h += HASH_BYTES;
        }
        if (oldMask & bit) oldH += HASH_BYTES;
      } else if (oldMask & bit) {
        if (run < 0) {
          run = oldH;
          runDst = h;
        }
        h += HASH_BYTES;
        oldH += HASH_BYTES;
      }
    }
    if (run >= 0) rec.copy(out, runDst, run, oldH);
    let off = writeLeafMask(out, mask, leafMask);
    let oldOff = oldLeafAt + 2;
    run = -1;
    for (let i = 0; i < RADIX; i++) {
      const bit = 1 << i;
      const oldSize = oldMask & bit ? extraBytes((oldLeaves & bit) !== 0) : 0;
      if (changedMask & bit) {
        if (run >= 0) rec.copy(out, runDst, run, oldOff);
        run = -1;
        const c = changed[i];
        if (c !== undefined) off = writeExtra(out, off, c);
      } else if (oldSize > 0) {
        if (run < 0) {
          run = oldOff;
          runDst = off;
        }
        off += oldSize;
      }
      oldOff += oldSize;
    }
    if (run >= 0) rec.copy(out, runDst, run, oldOff);
    assert(off === out.length, 'state node size mismatch');
    return this.#node(out);
  }

  #node(rec: Buffer): InternalNode {
    if (this.#pageId < 0 || this.#pageBytes + rec.length > NODE_PAGE_BYTES) {
      this.flushPage();
      this.#pageId = this.nextPage++;
    }
    const loc = nodeLocator(this.#pageId, this.#pageBytes);
    this.#pageBytes += rec.length;
    this.nodes.push({ loc, bytes: rec });
    return { kind: 1, hash: sha256(rec.subarray(0, preimageBytes((rec[1]! << 8) | rec[2]!))), loc };
  }

  flushPage(): void {
    if (this.#pageId < 0) return;
    const out = Buffer.allocUnsafe(this.#pageBytes);
    let off = 0;
    for (let i = this.#pageFirstNode; i < this.nodes.length; i++) {
      const rec = this.nodes[i]!.bytes;
      rec.copy(out, off);
      off += rec.length;
    }
    this.pages.push({ id: this.#pageId, bytes: out });
    this.#pageId = -1;
    this.#pageBytes = 0;
    this.#pageFirstNode = this.nodes.length;
  }
}
