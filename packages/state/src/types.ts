/** A state change; value null deletes the key. */
export type StateWrite = { key: Uint8Array; value: Uint8Array | null };

export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Existence without copying the value out; readers without it fall back to get(). */
  has?(key: Uint8Array): boolean;
  /** get() for a caller that already holds the key's latin1 string form (key-string.ts). */
  getKeyed?(ks: string, key: Uint8Array): Uint8Array | undefined;
}
