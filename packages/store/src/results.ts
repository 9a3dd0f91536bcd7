import { assert } from '@lattice/utils';
import type { BinaryDb } from './binary-db.ts';
import { heightKey } from './keys.ts';

/** Encoded block results (tx receipts, events, validator updates) by height. */
export class ResultsStore {
  readonly #db: BinaryDb;

  constructor(db: BinaryDb) {
    this.#db = db;
  }

  put(height: number, encodedBlockResults: Uint8Array): void {
    assert(Number.isSafeInteger(height) && height >= 1, `results height must be positive, got ${height}`);
    this.#db.put(heightKey(height), encodedBlockResults);
  }

  get(height: number): Uint8Array | undefined {
    if (!Number.isSafeInteger(height) || height < 0) return undefined;
    return this.#db.get(heightKey(height));
  }
}
