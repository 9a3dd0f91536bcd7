export * from './assert.ts';
export * from './bech32.ts';
export * from './bigint.ts';
export * from './bytes.ts';
export * from './errors.ts';
export * from './generational-cache.ts';
export * from './logger.ts';
export * from './lru.ts';
