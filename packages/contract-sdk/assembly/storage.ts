// Typed storage over the contract's own key space. Keys of a Map are its namespace, length-
// prefixed (u16 big-endian), followed by the entry's key, so namespaces never overlap and a
// namespace is one contiguous, ordered range (storage-plus's layout).

import { db_next, db_read, db_remove, db_scan, db_write } from "./host";
import { readRegion, writeRegion } from "./region";
import { fail } from "./errors";

function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function namespaced(ns: string): Uint8Array {
  const n = utf8(ns);
  if (n.length > 0xffff) fail("storage namespace too long");
  const out = new Uint8Array(2 + n.length);
  out[0] = <u8>(n.length >> 8);
  out[1] = <u8>(n.length & 0xff);
  out.set(n, 2);
  return out;
}

/** Raw access: the bytes under `key`, or null. */
export function storageGet(key: Uint8Array): Uint8Array | null {
  const r = db_read(writeRegion(key));
  return r == 0 ? null : readRegion(r);
}

export function storageSet(key: Uint8Array, value: Uint8Array): void {
  db_write(writeRegion(key), writeRegion(value));
}

export function storageRemove(key: Uint8Array): void {
  db_remove(writeRegion(key));
}

function encode<T>(v: T): Uint8Array {
  if (isString<T>()) return utf8(changetype<string>(v));
  if (isBoolean<T>()) {
    const b = new Uint8Array(1);
    b[0] = v ? 1 : 0;
    return b;
  }
  if (isInteger<T>()) {
    const b = new Uint8Array(8);
    store<u64>(b.dataStart, bswap<u64>(<u64>v));
    return b;
  }
  if (idof<T>() == idof<Uint8Array>()) return changetype<Uint8Array>(v);
  ERROR("storage values are strings, integers, booleans or Uint8Array");
  return new Uint8Array(0);
}

function decode<T>(b: Uint8Array): T {
  if (isString<T>()) return changetype<T>(String.UTF8.decode(b.buffer));
  if (isBoolean<T>()) return <T>(b.length > 0 && b[0] != 0);
  if (isInteger<T>()) {
    if (b.length != 8) fail("stored integer has the wrong length");
    return <T>bswap<u64>(load<u64>(b.dataStart));
  }
  if (idof<T>() == idof<Uint8Array>()) return changetype<T>(b);
  ERROR("storage values are strings, integers, booleans or Uint8Array");
  return changetype<T>(0);
}

/** One value under a fixed key. */
export class Item<T> {
  key: Uint8Array;
  constructor(key: string) {
    this.key = namespaced(key);
  }

  has(): bool {
    return storageGet(this.key) !== null;
  }

  /** The value, or `fallback` when none is stored. */
  load(fallback: T): T {
    const b = storageGet(this.key);
    return b === null ? fallback : decode<T>(b);
  }

  save(v: T): void {
    storageSet(this.key, encode<T>(v));
  }

  remove(): void {
    storageRemove(this.key);
  }
}

/** An entry of a Map's range. */
export class Entry<T> {
  constructor(public key: string, public value: T) {}
}

/** Values of type T under string keys, in one namespace, iterable in key order (storage-plus Map). */
export class StorageMap<T> {
  prefix: Uint8Array;
  constructor(namespace: string) {
    this.prefix = namespaced(namespace);
  }

  private full(k: string): Uint8Array {
    return concat(this.prefix, utf8(k));
  }

  has(k: string): bool {
    return storageGet(this.full(k)) !== null;
  }

  load(k: string, fallback: T): T {
    const b = storageGet(this.full(k));
    return b === null ? fallback : decode<T>(b);
  }

  save(k: string, v: T): void {
    storageSet(this.full(k), encode<T>(v));
  }

  remove(k: string): void {
    storageRemove(this.full(k));
  }

  /**
   * Up to `limit` entries whose keys start with `keyPrefix`, after `startAfter` (exclusive; ""
   * for the beginning), ascending or descending.
   */
  range(keyPrefix: string, startAfter: string, limit: i32, descending: bool = false): Entry<T>[] {
    const base = concat(this.prefix, utf8(keyPrefix));
    let start = base;
    let end = prefixEnd(base);
    if (startAfter.length > 0) {
      const after = this.full(startAfter);
      if (descending) end = after;
      else start = concat(after, new Uint8Array(1));
    }
    const it = db_scan(writeRegion(start), end === null ? 0 : writeRegion(end!), descending ? 2 : 1);
    const out: Entry<T>[] = [];
    while (out.length < limit) {
      const r = db_next(it);
      if (r == 0) break;
      const pair = readRegion(r);
      const keyLen = <i32>load<u32>(pair.dataStart);
      const key = pair.subarray(4 + this.prefix.length, 4 + keyLen);
      const value = pair.slice(4 + keyLen);
      out.push(new Entry<T>(String.UTF8.decode(key.slice().buffer), decode<T>(value)));
    }
    return out;
  }
}

/** The first key after every key starting with `p`, or null if there is none (all 0xff). */
function prefixEnd(p: Uint8Array): Uint8Array | null {
  const out = p.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] != 0xff) {
      out[i]++;
      return out.slice(0, i + 1);
    }
  }
  return null;
}
