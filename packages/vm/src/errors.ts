import { LatticeError } from '@lattice/utils';

/**
 * Why a module was refused at upload: a stable word clients and the conformance harness can
 * count on. Features are named as in the WebAssembly proposals.
 */
export type RejectReason =
  | 'malformed'
  | 'invalid'
  | 'float'
  | 'simd'
  | 'threads'
  | 'bulk-memory'
  | 'reference-types'
  | 'exceptions'
  | 'tail-call'
  | 'gc'
  | 'memory64'
  | 'multi-memory'
  | 'multi-value'
  | 'extended-const'
  | 'start-function'
  | 'memory'
  | 'limit'
  | 'import'
  | 'export';

export function invalid(reason: RejectReason, message: string): LatticeError {
  return new LatticeError('WASM_INVALID', `invalid contract module (${reason}): ${message}`, { reason });
}

/**
 * Raised when execution hits something that must never decide a result, such as V8's native
 * stack overflow: the node stops instead of committing a platform-dependent outcome.
 */
export class VmFault extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VmFault';
  }
}
