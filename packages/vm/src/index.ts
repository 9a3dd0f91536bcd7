export { invalid, type RejectReason, VmFault } from './errors.ts';
export { GAS_GLOBAL_EXPORT, instrument } from './instrument.ts';
export {
  type CallOutcome,
  callContract,
  canonicalTrap,
  compileModule,
  type HostContext,
  type HostFunction,
  type HostImports,
  type WasmValue,
} from './runtime.ts';
export { type FuncSig, formatSig, sameSig, sig, type ValType } from './types.ts';
export {
  type ExportKind,
  type ModuleSummary,
  type RequiredExport,
  type ValidationPolicy,
  validateModule,
} from './validate.ts';
