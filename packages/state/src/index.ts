export {
  AuthenticatedState,
  type AuthenticatedStateOptions,
  type StagedState,
  type StateProofResult,
} from './authenticated-state.ts';
export { EMPTY_ROOT } from './format.ts';
export { Overlay } from './overlay.ts';
export {
  decodeProof,
  encodeProof,
  type StateProof,
  type StateProofLeaf,
  type StateProofLevel,
} from './proof.ts';
export type { KeyRange, RangeReader, StateReader, StateWrite } from './types.ts';
export { verifyStateProof } from './verify.ts';
