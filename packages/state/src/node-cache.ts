import { assert } from '@lattice/utils';

/**
 * A bounded cache with two generations instead of LRU order: a hit in the young map costs one
 * Map lookup, a hit in the old map moves the entry to the young one, and when the young map is
 * full it becomes the old one (the previous old map is dropped). utils' LruCache deletes and
 * re-inserts on every hit, which on a Map of ~10^5 entries kept rehashing and cost ~25 ms per
 * block in the tree update (≈ 17k hits). Holds at most `max` entries.
 */
export class NodeCache<V> {
  readonly #half: number;
  #young = new Map<number, V>();
  #old = new Map<number, V>();

  constructor(max: number) {
    assert(Number.isInteger(max) && max >= 2, 'node cache size must be an integer ≥ 2');
    this.#half = max >> 1;
  }

  get(key: number): V | undefined {
    const v = this.#young.get(key);
    if (v !== undefined) return v;
    const old = this.#old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: number, value: V): void {
    if (this.#young.size >= this.#half && !this.#young.has(key)) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  delete(key: number): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
