import { STATE_KEY_MAX_BYTES, STATE_NODE_CACHE_SIZE, STATE_VALUE_MAX_BYTES } from '@lattice/params';
import { type BinaryDb, heightKey, readHeightKey, type Store } from '@lattice/store';
import { assert, compareBytes, GenerationalCache, LatticeError } from '@lattice/utils';
import { EMPTY_ROOT, RADIX } from './format.ts';
import { hashBytes, leafHash, nibbleOf, sha256 } from './hash.ts';
import { keyString } from './key-string.ts';
import {
  childAt,
  decodeRoot,
  encodeRoot,
  type InternalNode,
  locatorOffset,
  locatorPage,
  type NodeRef,
  nodeFromPage,
  nodeMask,
  readRecordKey,
  readValue,
  recordKey,
} from './node-codec.ts';
import type { StateProof, StateProofLevel } from './proof.ts';
import { applyWrites, type PreparedWrite, type TreeUpdate } from './tree.ts';
import type { KeyRange, StateReader, StateWrite } from './types.ts';
import { CommittedValueCache } from './value-cache.ts';

/** A new state computed on top of the latest committed one, not yet written. */
export interface StagedState {
  readonly height: number;
  /** The app hash this state will have once committed. */
  readonly root: Uint8Array;
}

export interface StateProofResult {
  height: number;
  root: Uint8Array;
  value: Uint8Array | undefined;
  proof: StateProof;
}

export interface AuthenticatedStateOptions {
  store: Store;
  /** Internal node records kept in memory (count); the top levels are touched by every block. */
  nodeCacheSize?: number;
}

/** What is durably committed: replaced as a whole, only after the LMDB transaction commits. */
interface Version {
  readonly height: number;
  readonly root: NodeRef | undefined;
  readonly nextPage: number;
  readonly nextChunk: number;
}

interface Staged {
  readonly base: Version;
  readonly height: number;
  /** Deduplicated writes in the order the caller gave them (sorted input stays sorted for LMDB). */
  readonly kv: readonly PreparedWrite[];
  readonly tree: TreeUpdate;
}

const KV_DB = 'state/kv';
const NODES_DB = 'state/nodes';
const VALUES_DB = 'state/values';
const ROOTS_DB = 'state/roots';

/**
 * The application state: a flat key space for reads of the latest state plus a radix-16 sparse
 * Merkle tree committing to it (format.ts), with a root per height and proofs at any height.
 */
export class AuthenticatedState implements StateReader {
  readonly #store: Store;
  readonly #kv: BinaryDb;
  readonly #nodes: BinaryDb;
  readonly #values: BinaryDb;
  readonly #roots: BinaryDb;
  readonly #cache: GenerationalCache<number, Buffer>;
  readonly #valueCache = new CommittedValueCache();
  readonly #staged = new WeakMap<StagedState, Staged>();
  #version: Version;
  /** Set between commit() and the end of its transaction. */
  #pending: Staged | undefined;

  constructor(opts: AuthenticatedStateOptions) {
    this.#store = opts.store;
    this.#kv = opts.store.openBinaryDb(KV_DB);
    this.#nodes = opts.store.openBinaryDb(NODES_DB);
    this.#values = opts.store.openBinaryDb(VALUES_DB);
    this.#roots = opts.store.openBinaryDb(ROOTS_DB);
    this.#cache = new GenerationalCache(opts.nodeCacheSize ?? STATE_NODE_CACHE_SIZE);
    this.#version = this.#loadVersion();
  }

  #loadVersion(): Version {
    const lastPage = this.#nodes.firstKey(true);
    const lastChunk = this.#values.firstKey(true);
    const nextPage = lastPage === undefined ? 1 : readRecordKey(lastPage) + 1;
    const nextChunk = lastChunk === undefined ? 1 : readRecordKey(lastChunk) + 1;
    for (const { key, value } of this.#roots.getRange({ reverse: true, limit: 1 })) {
      return { height: readHeightKey(key), root: decodeRoot(value), nextPage, nextChunk };
    }
    return { height: 0, root: undefined, nextPage, nextChunk };
  }

  /** Latest committed value (flat KV). */
  get(key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0 || key.length > STATE_KEY_MAX_BYTES) return undefined;
    return this.getKeyed(keyString(key), key);
  }

  getKeyed(ks: string, key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0 || key.length > STATE_KEY_MAX_BYTES) return undefined;
    const cached = this.#valueCache.get(ks);
    if (cached !== undefined) return cached ?? undefined;
    const value = this.#kv.get(key);
    // Inside a commit's open transaction LMDB already shows the new values, which are not
    // committed yet: nothing read then may be cached.
    if (this.#pending === undefined) this.#valueCache.remember(ks, value);
    return value;
  }

  has(key: Uint8Array): boolean {
    if (key.length === 0 || key.length > STATE_KEY_MAX_BYTES) return false;
    const cached = this.#valueCache.get(keyString(key));
    return cached !== undefined ? cached !== null : this.#kv.has(key);
  }

  /** Last committed height; 0 before the first (genesis) commit. */
  get height(): number {
    return this.#version.height;
  }

  /** Latest app hash; 32 zero bytes for an empty state. */
  get root(): Uint8Array {
    return rootHash(this.#version.root);
  }

  rootAt(height: number): Uint8Array | undefined {
    if (!Number.isSafeInteger(height) || height < 0) return undefined;
    const record = this.#roots.get(heightKey(height));
    return record === undefined ? undefined : rootHash(decodeRoot(record));
  }

  /**
   * Computes the state after `writes` on top of the latest committed state, writing nothing.
   * Order of writes does not matter except among duplicates of one key, where the last wins.
   */
  stage(height: number, writes: Iterable<StateWrite>): StagedState {
    assert(
      this.#pending === undefined,
      'cannot stage while a state commit is pending in the open transaction',
    );
    this.#assertNextHeight(height);
    const prepared: (PreparedWrite & { order: number })[] = [];
    for (const w of writes) {
      assertKey(w.key);
      if (w.value !== null) assertValue(w.value);
      prepared.push({
        key: w.key,
        value: w.value,
        keyHash: sha256(w.key),
        valueHash: '',
        leafHash: '',
        order: prepared.length,
      });
    }
    // keyHash strings are latin1, so string order is byte order; the sort is stable, so among
    // duplicates of a key the last one given stays last.
    prepared.sort((a, b) => (a.keyHash < b.keyHash ? -1 : a.keyHash > b.keyHash ? 1 : 0));
    const unique: (typeof prepared)[number][] = [];
    for (let i = 0; i < prepared.length; i++) {
      const w = prepared[i]!;
      if (i + 1 < prepared.length && prepared[i + 1]!.keyHash === w.keyHash) continue;
      if (w.value !== null) {
        w.valueHash = sha256(w.value);
        w.leafHash = leafHash(w.keyHash, w.valueHash);
      }
      unique.push(w);
    }
    const base = this.#version;
    const tree = applyWrites(this.#load, base.root, unique, base.nextPage, base.nextChunk);
    const kv = unique.slice().sort((a, b) => a.order - b.order);
    const staged: StagedState = Object.freeze({ height, root: rootHash(tree.root) });
    this.#staged.set(staged, { base, height, kv, tree });
    return staged;
  }

  /**
   * Persists a staged state inside the caller's open store transaction: flat KV, new tree records,
   * the root for its height. The in-memory view moves to it once that transaction commits.
   */
  commit(staged: StagedState): void {
    const s = this.#staged.get(staged);
    assert(s !== undefined, 'commit() takes a StagedState from this instance');
    assert(this.#store.inTransaction, 'state.commit() must run inside store.transaction()');
    assert(this.#pending === undefined, 'a state commit is already pending in this transaction');
    assert(s.base === this.#version, `state changed since height ${s.height} was staged`);
    this.#assertNextHeight(s.height);
    for (const w of s.kv) {
      assertKey(w.key);
      if (w.value === null) this.#kv.remove(w.key);
      else {
        assertValue(w.value);
        this.#kv.put(w.key, w.value);
      }
    }
    for (const r of s.tree.chunks) this.#values.put(recordKey(r.id), r.bytes, { append: true });
    for (const r of s.tree.pages) this.#nodes.put(recordKey(r.id), r.bytes, { append: true });
    this.#roots.put(heightKey(s.height), encodeRoot(s.tree.root), { append: true });
    this.#pending = s;
    this.#store.afterTransaction((committed) => {
      this.#pending = undefined;
      if (!committed) return;
      this.#staged.delete(staged);
      const t = s.tree;
      this.#version = { height: s.height, root: t.root, nextPage: t.nextPage, nextChunk: t.nextChunk };
      // Replaced nodes only serve historical proofs: drop them so the cache holds the live tree.
      for (const loc of t.replaced) this.#cache.delete(loc);
      for (const n of t.nodes) this.#cache.set(n.loc, n.bytes);
      for (const w of s.kv) this.#valueCache.update(keyString(w.key), w.value);
    });
  }

  /** Membership or non-membership proof for `key` at `height` (default: latest). */
  prove(key: Uint8Array, height?: number): StateProofResult {
    if (!(key instanceof Uint8Array) || key.length > STATE_KEY_MAX_BYTES) {
      throw new LatticeError('INVALID_ARGUMENT', `state key must be at most ${STATE_KEY_MAX_BYTES} bytes`);
    }
    const version = this.#version;
    const h = height ?? version.height;
    let root: NodeRef | undefined;
    if (h === version.height) root = version.root;
    else {
      if (!Number.isSafeInteger(h) || h < 0) throw new LatticeError('INVALID_ARGUMENT', `bad height ${h}`);
      const record = h > version.height ? undefined : this.#roots.get(heightKey(h));
      if (record === undefined) throw new LatticeError('NOT_FOUND', `no state at height ${h}`, { height: h });
      root = decodeRoot(record);
    }
    const keyHash = sha256(key);
    const levels: StateProofLevel[] = [];
    let at = root;
    for (let depth = 0; at !== undefined && at.kind === 1; depth++) {
      const rec = this.#load(at);
      const nib = nibbleOf(keyHash, depth);
      const mask = nodeMask(rec);
      const siblings: Uint8Array[] = [];
      for (let i = 0; i < RADIX; i++) {
        if (i !== nib && mask & (1 << i)) siblings.push(hashBytes(childAt(rec, i)!.hash));
      }
      levels.push({ mask, siblings });
      at = childAt(rec, nib);
    }
    let value: Uint8Array | undefined;
    if (at !== undefined && at.keyHash === keyHash) {
      // The flat KV holds the latest values (unless a commit is pending in the open transaction);
      // older ones come from the value chunk the leaf points to.
      if (h === version.height && this.#pending === undefined) value = this.#kv.get(key);
      else {
        const chunk = this.#values.get(recordKey(at.chunk));
        if (chunk === undefined) throw new LatticeError('STATE_CORRUPT', `missing value chunk ${at.chunk}`);
        value = readValue(asBuffer(chunk), at.offset);
      }
      if (value === undefined || sha256(value) !== at.valueHash) {
        throw new LatticeError('STATE_CORRUPT', 'stored value does not match its leaf', { height: h });
      }
    }
    const leaf =
      at === undefined ? null : { keyHash: hashBytes(at.keyHash), valueHash: hashBytes(at.valueHash) };
    return { height: h, root: rootHash(root), value, proof: { levels, leaf } };
  }

  /** Latest flat KV entries with keys in [start, end), in key order or reversed. */
  *range(r: KeyRange): Generator<[Uint8Array, Uint8Array]> {
    if (r.start !== undefined && r.end !== undefined && compareBytes(r.start, r.end) >= 0) return;
    // lmdb-js walks a reverse range down from its `start` (inclusive) and would exclude its
    // `end`: our exclusive upper bound is skipped and our inclusive lower bound checked by hand.
    const range = r.reverse
      ? { reverse: true, ...(r.end === undefined ? {} : { start: r.end }) }
      : {
          ...(r.start === undefined ? {} : { start: r.start }),
          ...(r.end === undefined ? {} : { end: r.end }),
        };
    for (const { key, value } of this.#kv.getRange(range)) {
      if (r.reverse && r.end !== undefined && compareBytes(key, r.end) >= 0) continue;
      if (r.reverse && r.start !== undefined && compareBytes(key, r.start) < 0) return;
      yield [key, value];
    }
  }

  /** Latest flat KV entries whose key starts with `prefix`, sorted by key bytes. */
  *iterate(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    const end = prefixEnd(prefix);
    const range = prefix.length === 0 ? {} : end === undefined ? { start: prefix } : { start: prefix, end };
    for (const { key, value } of this.#kv.getRange(range)) yield [key, value];
  }

  #load = (node: InternalNode): Buffer => {
    let rec = this.#cache.get(node.loc);
    if (rec === undefined) {
      const offset = locatorOffset(node.loc);
      rec = this.#nodes.read(recordKey(locatorPage(node.loc)), (page) => nodeFromPage(page, offset));
      if (rec === undefined)
        throw new LatticeError('STATE_CORRUPT', `missing node page ${locatorPage(node.loc)}`);
      this.#cache.set(node.loc, rec);
    }
    return rec;
  };

  #hasRoots(): boolean {
    for (const _ of this.#roots.getRange({ limit: 1 })) return true;
    return false;
  }

  #assertNextHeight(height: number): void {
    const current = this.#version.height;
    // The first commit (genesis) may be at any height, including 0 for a chain whose first block
    // is 1; after that heights are contiguous.
    assert(
      Number.isSafeInteger(height) && height >= 0,
      `state height must be a non-negative integer, got ${height}`,
    );
    assert(
      (this.#version.root === undefined && !this.#hasRoots()) || height === current + 1,
      `state height ${height} does not follow ${current}`,
    );
  }
}

function rootHash(root: NodeRef | undefined): Uint8Array {
  return root === undefined ? EMPTY_ROOT.slice() : hashBytes(root.hash);
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function assertKey(key: Uint8Array): void {
  assert(
    key instanceof Uint8Array && key.length >= 1 && key.length <= STATE_KEY_MAX_BYTES,
    `state key length must be 1..${STATE_KEY_MAX_BYTES}`,
  );
}

function assertValue(value: Uint8Array): void {
  assert(
    value instanceof Uint8Array && value.length <= STATE_VALUE_MAX_BYTES,
    `state value length must be at most ${STATE_VALUE_MAX_BYTES}`,
  );
}

/** The smallest key greater than every key starting with prefix; undefined when there is none. */
function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  let n = prefix.length;
  while (n > 0 && prefix[n - 1] === 0xff) n--;
  if (n === 0) return undefined;
  const end = prefix.slice(0, n);
  end[n - 1] = end[n - 1]! + 1;
  return end;
}
