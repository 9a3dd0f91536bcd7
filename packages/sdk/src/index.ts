export * from './client.ts';
export * from './coins.ts';
export * from './rpc.ts';
export type * from './signer.ts';
export * from './subscriptions.ts';
export type * from './types.ts';
export * from './wallet.ts';
export * from './wasm.ts';
