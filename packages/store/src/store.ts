import { assert, LatticeError } from '@lattice/utils';
import { type Database, open, type RootDatabase } from 'lmdb';
import { BinaryDb } from './binary-db.ts';
import { BlockStore } from './blocks.ts';
import { MetaStore } from './meta.ts';
import { ResultsStore } from './results.ts';
import { TxIndex } from './tx-index.ts';

export interface StoreOptions {
  path: string;
  /** Skips fsync on commit: only for tests and throw-away data. */
  noSync?: boolean;
  /** Initial map size; without it lmdb-js starts small and grows the map as needed. */
  mapSizeBytes?: number;
}

/** Sub-databases owned by the store itself; other packages pick other names. */
const RESERVED_DB_NAMES = new Set(['blocks', 'commits', 'block_hashes', 'results', 'tx_index', 'meta']);
/** LMDB's named-database table is fixed at open time; this leaves room for other packages. */
const MAX_DBS = 32;

/**
 * The node's LMDB environment. Every write goes through one synchronous write transaction
 * (`transaction`), so a block, its results, its index entries and its state changes land
 * together or not at all, even if the process is killed mid-write.
 */
export class Store {
  readonly blocks: BlockStore;
  readonly txIndex: TxIndex;
  readonly results: ResultsStore;
  readonly meta: MetaStore;
  readonly #env: RootDatabase<Uint8Array, Uint8Array>;
  readonly #dbs = new Map<string, BinaryDb>();
  #depth = 0;
  #hooks: ((committed: boolean) => void)[] = [];
  #closed = false;

  private constructor(env: RootDatabase<Uint8Array, Uint8Array>) {
    this.#env = env;
    this.blocks = new BlockStore(this, this.#db('blocks'), this.#db('commits'), this.#db('block_hashes'));
    this.txIndex = new TxIndex(this.#db('tx_index'));
    this.results = new ResultsStore(this.#db('results'));
    this.meta = new MetaStore(this.#db('meta'));
  }

  static open(opts: StoreOptions): Store {
    let env: RootDatabase<Uint8Array, Uint8Array>;
    try {
      env = open<Uint8Array, Uint8Array>({
        path: opts.path,
        encoding: 'binary',
        keyEncoding: 'binary',
        maxDbs: MAX_DBS,
        // Durable on return from transaction(): commit fsyncs before it returns, instead of
        // lmdb-js's default of flushing after the write lock is released.
        overlappingSync: false,
        noSync: opts.noSync === true,
        cache: false,
        useWritemap: false,
        ...(opts.mapSizeBytes !== undefined ? { mapSize: opts.mapSizeBytes } : {}),
      });
    } catch (e) {
      throw new LatticeError(
        'IO',
        `cannot open store at ${opts.path}: ${(e as Error).message}`,
        {},
        { cause: e },
      );
    }
    return new Store(env);
  }

  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  /**
   * Runs fn inside one synchronous LMDB write transaction and commits it (durably unless noSync).
   * If fn throws, nothing it wrote is kept. A nested call joins the outer transaction: its writes
   * commit or roll back with the outer one.
   */
  transaction<T>(fn: () => T): T {
    assert(!this.#closed, 'store is closed');
    if (this.#depth > 0) return fn();
    this.#depth = 1;
    let committed = false;
    try {
      const result = this.#env.transactionSync(() => {
        const r = fn();
        assert(!(r instanceof Promise), 'store.transaction callbacks must be synchronous');
        return r;
      });
      committed = true;
      return result;
    } finally {
      this.#depth = 0;
      const hooks = this.#hooks;
      this.#hooks = [];
      for (const hook of hooks) hook(committed);
    }
  }

  /**
   * Registers fn to run once the open transaction has ended, with whether it committed. Lets
   * in-memory caches follow what is on disk when a transaction is rolled back.
   */
  afterTransaction(fn: (committed: boolean) => void): void {
    assert(this.#depth > 0, 'afterTransaction must be called inside store.transaction()');
    this.#hooks.push(fn);
  }

  /** A named sub-database with binary keys and values, sharing this store's transactions. */
  openBinaryDb(name: string): BinaryDb {
    assert(!RESERVED_DB_NAMES.has(name), `database name ${name} is reserved by the store`);
    return this.#db(name);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    assert(this.#depth === 0, 'cannot close the store inside a transaction');
    this.#closed = true;
    await this.#env.close();
  }

  #db(name: string): BinaryDb {
    let db = this.#dbs.get(name);
    if (db === undefined) {
      const raw: Database<Uint8Array, Uint8Array> = this.#env.openDB<Uint8Array, Uint8Array>(name, {
        encoding: 'binary',
        keyEncoding: 'binary',
      });
      db = new BinaryDb(
        name,
        raw,
        (fn) => this.transaction(fn),
        () => this.#depth > 0,
      );
      this.#dbs.set(name, db);
    }
    return db;
  }
}
