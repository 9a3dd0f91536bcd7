import { assert } from '@lattice/utils';
import type { Database } from 'lmdb';
import { LMDB_KEY_MAX_BYTES, plain } from './keys.ts';

export interface RangeOptions {
  /** Inclusive bound where iteration starts (the upper bound when `reverse`). */
  start?: Uint8Array;
  /** Exclusive bound where iteration stops (the lower bound when `reverse`). */
  end?: Uint8Array;
  reverse?: boolean;
  limit?: number;
}

export interface BinaryEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface PutOptions {
  /** The key is greater than every key in the database: LMDB appends without a search, and rejects it otherwise. */
  append?: boolean;
}

type Transact = <T>(fn: () => T) => T;

/**
 * A named LMDB sub-database with binary keys and values. Writes join the store's open transaction;
 * a write outside any transaction runs in a transaction of its own.
 */
export class BinaryDb {
  readonly name: string;
  readonly #db: Database<Uint8Array, Uint8Array>;
  readonly #transact: Transact;
  readonly #inTransaction: () => boolean;

  constructor(
    name: string,
    db: Database<Uint8Array, Uint8Array>,
    transact: Transact,
    inTransaction: () => boolean,
  ) {
    this.name = name;
    this.#db = db;
    this.#transact = transact;
    this.#inTransaction = inTransaction;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    if (!storableKey(key)) return undefined;
    const v = this.#db.getBinaryFast(key);
    if (v === undefined) return undefined;
    // getBinaryFast fills one reusable buffer (faster than get()): its own `length` property is
    // the value's size but its typed-array length is the whole buffer, so copy exactly that many.
    const n = v.length;
    const out = new Uint8Array(n);
    out.set(v.subarray(0, n));
    return out;
  }

  /**
   * Calls fn with the stored value without copying it, and returns what fn returns. The view is
   * only valid during fn, which must not read the store again: copy out what you keep.
   */
  read<T>(key: Uint8Array, fn: (value: Uint8Array) => T): T | undefined {
    if (!storableKey(key)) return undefined;
    const v = this.#db.getBinaryFast(key);
    return v === undefined ? undefined : fn(v.subarray(0, v.length));
  }

  has(key: Uint8Array): boolean {
    if (!storableKey(key)) return false;
    return this.#db.getBinaryFast(key) !== undefined;
  }

  put(key: Uint8Array, value: Uint8Array, options?: PutOptions): void {
    assert(storableKey(key), `key length ${key.length} is outside 1..${LMDB_KEY_MAX_BYTES}`);
    if (!this.#inTransaction()) {
      this.#transact(() => this.put(key, value, options));
      return;
    }
    if (options?.append) {
      // lmdb-js reports MDB_KEYEXIST from an out-of-order append as a false return, not a throw.
      assert(this.#db.putSync(key, value, { append: true }), `append to ${this.name} is out of key order`);
    } else this.#db.putSync(key, value);
  }

  remove(key: Uint8Array): boolean {
    if (!storableKey(key)) return false;
    if (!this.#inTransaction()) return this.#transact(() => this.remove(key));
    return this.#db.removeSync(key);
  }

  /** Entries sorted by key bytes (descending with `reverse`). Keys and values are copies. */
  *getRange(options: RangeOptions = {}): Generator<BinaryEntry> {
    const lmdbOptions: { start?: Uint8Array; end?: Uint8Array; reverse?: boolean; limit?: number } = {};
    if (options.start !== undefined) lmdbOptions.start = options.start;
    if (options.end !== undefined) lmdbOptions.end = options.end;
    if (options.reverse) lmdbOptions.reverse = true;
    if (options.limit !== undefined) lmdbOptions.limit = options.limit;
    for (const { key, value } of this.#db.getRange(lmdbOptions)) {
      yield { key: plain(key), value: plain(value) };
    }
  }

  /** The first key in iteration order (the last one with `reverse`), without reading values. */
  firstKey(reverse = false): Uint8Array | undefined {
    for (const key of this.#db.getKeys({ reverse, limit: 1 })) return plain(key);
    return undefined;
  }
}

function storableKey(key: Uint8Array): boolean {
  return key.length > 0 && key.length <= LMDB_KEY_MAX_BYTES;
}
