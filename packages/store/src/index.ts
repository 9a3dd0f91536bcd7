export { BinaryDb, type BinaryEntry, type PutOptions, type RangeOptions } from './binary-db.ts';
export { BlockStore, type StoredBlock } from './blocks.ts';
export { heightKey, LMDB_KEY_MAX_BYTES, readHeightKey } from './keys.ts';
export { MetaStore } from './meta.ts';
export { ResultsStore } from './results.ts';
export { Store, type StoreOptions } from './store.ts';
export { TxIndex, type TxLocation } from './tx-index.ts';
