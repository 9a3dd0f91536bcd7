import { assert } from '@lattice/utils';
import type { BinaryDb } from './binary-db.ts';
import { heightKey, LMDB_KEY_MAX_BYTES, readHeightKey } from './keys.ts';

export interface StoredBlock {
  height: number;
  hash: Uint8Array;
  /** The encoded Block. */
  block: Uint8Array;
  /** The encoded commit seen for this height. */
  commit: Uint8Array;
}

interface Transactor {
  transaction<T>(fn: () => T): T;
}

/** Blocks by height, their seen commits, and a hash → height index. Heights are contiguous. */
export class BlockStore {
  readonly #store: Transactor;
  readonly #blocks: BinaryDb;
  readonly #commits: BinaryDb;
  readonly #hashes: BinaryDb;

  constructor(store: Transactor, blocks: BinaryDb, commits: BinaryDb, hashes: BinaryDb) {
    this.#store = store;
    this.#blocks = blocks;
    this.#commits = commits;
    this.#hashes = hashes;
  }

  put(entry: StoredBlock): void {
    const { height, hash } = entry;
    assert(
      Number.isSafeInteger(height) && height >= 1,
      `block height must be a positive integer, got ${height}`,
    );
    assert(hash.length > 0, 'block hash must not be empty');
    this.#store.transaction(() => {
      const latest = this.latestHeight();
      assert(latest === 0 || height === latest + 1, `block height ${height} does not follow ${latest}`);
      assert(this.#hashes.get(hash) === undefined, `block hash already stored (height ${height})`);
      const key = heightKey(height);
      this.#blocks.put(key, entry.block, { append: true });
      this.#commits.put(key, entry.commit, { append: true });
      this.#hashes.put(hash, key);
    });
  }

  getBlock(height: number): Uint8Array | undefined {
    if (!validHeight(height)) return undefined;
    return this.#blocks.get(heightKey(height));
  }

  getCommit(height: number): Uint8Array | undefined {
    if (!validHeight(height)) return undefined;
    return this.#commits.get(heightKey(height));
  }

  heightOf(hash: Uint8Array): number | undefined {
    if (hash.length === 0 || hash.length > LMDB_KEY_MAX_BYTES) return undefined;
    const key = this.#hashes.get(hash);
    return key === undefined ? undefined : readHeightKey(key);
  }

  getBlockByHash(hash: Uint8Array): Uint8Array | undefined {
    const height = this.heightOf(hash);
    return height === undefined ? undefined : this.getBlock(height);
  }

  /** The highest stored height, 0 when empty. */
  latestHeight(): number {
    const key = this.#blocks.firstKey(true);
    return key === undefined ? 0 : readHeightKey(key);
  }

  /** The lowest stored height, 0 when empty. */
  baseHeight(): number {
    const key = this.#blocks.firstKey(false);
    return key === undefined ? 0 : readHeightKey(key);
  }
}

function validHeight(height: number): boolean {
  return Number.isSafeInteger(height) && height >= 0;
}
