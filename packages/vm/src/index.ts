export {
  ABI_VERSION_EXPORT,
  CONTRACT_POLICY,
  ENTRY_ARITY,
  type EntryPoint,
  HOST_SIGNATURES,
  INITIALIZE_EXPORT,
} from './abi.ts';
export { type EntryResult, runEntryPoint } from './contract.ts';
export { invalid, type RejectReason, VmFault } from './errors.ts';
export { type ContractBackend, type ContractStorage, contractHost, type Order } from './host-api.ts';
export { GAS_GLOBAL_EXPORT, instrument } from './instrument.ts';
export { REGION_BYTES, readRegion, writeRegion } from './regions.ts';
export {
  type CallOutcome,
  type CompiledContract,
  ContractInstance,
  callContract,
  canonicalTrap,
  compileContract,
  compileModule,
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
