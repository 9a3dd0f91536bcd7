import { assert } from '@lattice/utils';
import type { BinaryDb } from './binary-db.ts';
import { LMDB_KEY_MAX_BYTES, readHeightKey } from './keys.ts';

export interface TxLocation {
  height: number;
  /** Position of the transaction in its block. */
  index: number;
}

const LOCATION_BYTES = 12;

/** Transaction hash → (height, index in block). */
export class TxIndex {
  readonly #db: BinaryDb;

  constructor(db: BinaryDb) {
    this.#db = db;
  }

  put(txHash: Uint8Array, loc: TxLocation): void {
    assert(txHash.length > 0 && txHash.length <= LMDB_KEY_MAX_BYTES, 'tx hash length out of range');
    assert(
      Number.isSafeInteger(loc.height) && loc.height >= 1,
      `tx height must be positive, got ${loc.height}`,
    );
    assert(
      Number.isInteger(loc.index) && loc.index >= 0 && loc.index <= 0xffffffff,
      `bad tx index ${loc.index}`,
    );
    const value = new Uint8Array(LOCATION_BYTES);
    const view = new DataView(value.buffer);
    view.setBigUint64(0, BigInt(loc.height));
    view.setUint32(8, loc.index);
    this.#db.put(txHash, value);
  }

  get(txHash: Uint8Array): TxLocation | undefined {
    if (txHash.length === 0 || txHash.length > LMDB_KEY_MAX_BYTES) return undefined;
    const value = this.#db.get(txHash);
    if (value === undefined) return undefined;
    assert(value.length === LOCATION_BYTES, 'corrupt tx index entry');
    return {
      height: readHeightKey(value.subarray(0, 8)),
      index: new DataView(value.buffer, value.byteOffset, LOCATION_BYTES).getUint32(8),
    };
  }
}
