import { assert, utf8 } from '@lattice/utils';
import type { BinaryDb } from './binary-db.ts';

/** Small named values (chain id, last-signed state, schema version, …) keyed by string. */
export class MetaStore {
  readonly #db: BinaryDb;

  constructor(db: BinaryDb) {
    this.#db = db;
  }

  get(key: string): Uint8Array | undefined {
    return key.length === 0 ? undefined : this.#db.get(utf8(key));
  }

  put(key: string, value: Uint8Array): void {
    assert(key.length > 0, 'meta key must not be empty');
    this.#db.put(utf8(key), value);
  }

  remove(key: string): boolean {
    return key.length === 0 ? false : this.#db.remove(utf8(key));
  }
}
