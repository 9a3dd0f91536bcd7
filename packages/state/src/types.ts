/** A state change; value null deletes the key. */
export type StateWrite = { key: Uint8Array; value: Uint8Array | null };

export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Existence without copying the value out; readers without it fall back to get(). */
  has?(key: Uint8Array): boolean;
  /** get() for a caller that already holds the key's latin1 string form (key-string.ts). */
  getKeyed?(ks: string, key: Uint8Array): Uint8Array | undefined;
}

/** A key range: keys in [start, end), either bound absent for unbounded, in key-byte order or its reverse. */
export interface KeyRange {
  start?: Uint8Array;
  end?: Uint8Array;
  reverse?: boolean;
}

/** A reader that can also list keys in order (the committed state, and overlays above it). */
export interface RangeReader extends StateReader {
  range(r: KeyRange): Iterator<[Uint8Array, Uint8Array]>;
}
