import { assert } from '@lattice/utils';
import { keyBytes, keyString } from './key-string.ts';
import type { KeyRange, RangeReader, StateReader, StateWrite } from './types.ts';

/**
 * A write cache over a parent reader: tx-level overlays sit on a block-level overlay, which sits
 * on the committed state. Values are kept by reference; callers must not mutate them afterwards.
 */
export class Overlay implements StateReader {
  readonly #parent: StateReader;
  /** null marks a deletion that hides the parent's value. */
  #changes = new Map<string, Uint8Array | null>();

  constructor(parent: StateReader) {
    this.#parent = parent;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#lookup(keyString(key), key);
  }

  /** Walks down stacked overlays converting the key to a string only once. */
  #lookup(ks: string, key: Uint8Array): Uint8Array | undefined {
    const v = this.#changes.get(ks);
    if (v !== undefined) return v ?? undefined;
    const parent = this.#parent;
    if (parent instanceof Overlay) return parent.#lookup(ks, key);
    return parent.getKeyed ? parent.getKeyed(ks, key) : parent.get(key);
  }

  has(key: Uint8Array): boolean {
    return this.#has(keyString(key), key);
  }

  #has(ks: string, key: Uint8Array): boolean {
    const v = this.#changes.get(ks);
    if (v !== undefined) return v !== null;
    const parent = this.#parent;
    if (parent instanceof Overlay) return parent.#has(ks, key);
    return parent.has ? parent.has(key) : parent.get(key) !== undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#changes.set(keyString(key), value);
  }

  delete(key: Uint8Array): void {
    this.#changes.set(keyString(key), null);
  }

  /**
   * Keys in the range as this overlay sees them: its own changes (as they are when the range is
   * opened) merged over the parent's. The parent must be an Overlay or a RangeReader.
   */
  *range(r: KeyRange): Generator<[Uint8Array, Uint8Array]> {
    const parent = this.#parent as Partial<RangeReader>;
    assert(typeof parent.range === 'function', 'Overlay.range needs a parent that can list ranges');
    const lo = r.start === undefined ? undefined : keyString(r.start);
    const hi = r.end === undefined ? undefined : keyString(r.end);
    const own = [...this.#changes.entries()].filter(
      ([k]) => (lo === undefined || k >= lo) && (hi === undefined || k < hi),
    );
    own.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (r.reverse) own.reverse();
    const before = (a: string, b: string) => (r.reverse ? a > b : a < b);
    const below = parent.range(r);
    let next = below.next();
    let i = 0;
    while (i < own.length || !next.done) {
      const mine = own[i];
      const theirs = next.done ? undefined : next.value;
      const theirKey = theirs === undefined ? undefined : keyString(theirs[0]);
      if (mine !== undefined && (theirKey === undefined || !before(theirKey, mine[0]))) {
        if (theirKey === mine[0]) next = below.next();
        i++;
        if (mine[1] !== null) yield [keyBytes(mine[0]), mine[1]];
        continue;
      }
      yield theirs!;
      next = below.next();
    }
  }

  /** Moves this overlay's changes into its parent overlay and leaves this one empty. */
  commitToParent(): void {
    const parent = this.#parent;
    assert(parent instanceof Overlay, 'commitToParent needs an Overlay as parent');
    const target = parent.#changes;
    if (target.size === 0) {
      parent.#changes = this.#changes;
      this.#changes = new Map();
      return;
    }
    for (const [k, v] of this.#changes) target.set(k, v);
    this.#changes.clear();
  }

  discard(): void {
    this.#changes.clear();
  }

  /** The changes (deletions as null values), sorted by key bytes. */
  writes(): StateWrite[] {
    const keys = [...this.#changes.keys()].sort();
    const out: StateWrite[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      out[i] = { key: keyBytes(k), value: this.#changes.get(k) as Uint8Array | null };
    }
    return out;
  }

  get size(): number {
    return this.#changes.size;
  }

  /**
   * Whether every key this overlay changed (set or deleted) starts with one of `prefixes` or is
   * one of `keys`. Checked on the overlay's own key form, without converting its keys back to
   * bytes (this runs for every admitted tx).
   */
  changedOnly(prefixes: readonly number[], keys: readonly Uint8Array[]): boolean {
    const allowed = keys.map(keyString);
    for (const k of this.#changes.keys()) {
      if (!prefixes.includes(k.charCodeAt(0)) && !allowed.includes(k)) return false;
    }
    return true;
  }
}
