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
    // Written byte by byte: a DataView over this small array would make V8 move its bytes out
    // of the JS heap first (one malloc per committed tx).
    const value = new Uint8Array(LOCATION_BYTES);
    writeU32(value, 0, Math.floor(loc.height / 2 ** 32));
    writeU32(value, 4, loc.height >>> 0);
    writeU32(value, 8, loc.index);
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

function writeU32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}
