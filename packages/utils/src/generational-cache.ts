import { assert } from './assert.ts';

/**
 * A bounded cache with two generations instead of strict LRU order, for caches hit thousands of
 * times per block: a hit in the young map costs one Map lookup, a hit in the old map copies the
 * entry to the young one, and when the young map is full it becomes the old one (the previous
 * old map is dropped). LruCache deletes and re-inserts on every hit, which on a Map of ~10^5
 * entries keeps rehashing (measured: ~25 ms per block in the state tree update alone).
 * Holds at most `max` entries; a key set again always reads back its latest value.
 */
export class GenerationalCache<K, V> {
  readonly #half: number;
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(max: number) {
    assert(Number.isInteger(max) && max >= 2, 'a generational cache holds an integer ≥ 2 of entries');
    this.#half = max >> 1;
  }

  get(key: K): V | undefined {
    const v = this.#young.get(key);
    if (v !== undefined) return v;
    const old = this.#old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    if (this.#young.size >= this.#half && !this.#young.has(key)) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }

  /** Entries held, counting a key present in both generations twice. */
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
