import type { StateReader } from '@lattice/state';

/** The read/write view a module works on: an overlay over committed state, possibly gas-metered. */
export interface KVStore extends StateReader {
  has(key: Uint8Array): boolean;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}
