export * from './address.ts';
export {
  SIGN_CONTEXT_MAX_BYTES,
  SIGN_CONTEXT_MESSAGE,
  SIGN_CONTEXT_PROPOSAL,
  SIGN_CONTEXT_TX,
  SIGN_CONTEXT_VOTE,
  type SignContext,
} from './contexts.ts';
export * from './hash.ts';
export * from './keys.ts';
export * from './keystore.ts';
export * from './mnemonic.ts';
export type { PrivateKey } from './private-key.ts';
export * from './schemes.ts';
export * from './verifier.ts';
export * from './verify.ts';
export * from './worker-pool.ts';
