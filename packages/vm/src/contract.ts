import { WASM_MESSAGE_BYTES_MAX } from '@lattice/params';
import { assert, LatticeError } from '@lattice/utils';
import { ENTRY_ARITY, type EntryPoint, INITIALIZE_EXPORT } from './abi.ts';
import { type ContractBackend, contractHost } from './host-api.ts';
import { readRegion, writeRegion } from './regions.ts';
import { type CompiledContract, ContractInstance } from './runtime.ts';

export interface EntryResult {
  /** The contract's answer: `{"ok": …}` parsed to its value. */
  value: unknown;
  gasUsed: bigint;
}

/**
 * Runs one entry point of a contract on a fresh instance: the JSON inputs (env, info, message)
 * are copied into regions from the contract's allocator, and the JSON result region is read back.
 * `{"ok": v}` returns v; `{"error": "…"}` throws WASM_CONTRACT_ERROR with the contract's message.
 * Every failure carries `meta.gasUsed`.
 */
export function runEntryPoint(
  contract: CompiledContract,
  entry: EntryPoint,
  inputs: readonly Uint8Array[],
  backend: ContractBackend,
  gasLimit: bigint,
  stackDepth = 0,
): EntryResult {
  assert(inputs.length === ENTRY_ARITY[entry], `${entry} takes ${ENTRY_ARITY[entry]} inputs`);
  const instance = ContractInstance.create(contract, contractHost(backend), gasLimit, stackDepth);
  try {
    if (!instance.has(entry)) {
      throw new LatticeError('WASM_NO_ENTRY_POINT', `the contract has no ${entry} entry point`);
    }
    if (instance.has(INITIALIZE_EXPORT)) instance.call(INITIALIZE_EXPORT, []);
    const ptrs = inputs.map((b) => writeRegion(instance, b));
    const out = readRegion(instance, Number(instance.call(entry, ptrs)), WASM_MESSAGE_BYTES_MAX, 'result');
    return { value: parseResult(out), gasUsed: instance.gasUsed };
  } catch (e) {
    if (!(e instanceof LatticeError) || e.meta.gasUsed !== undefined) throw e;
    throw new LatticeError(e.code, e.message, { ...e.meta, gasUsed: instance.gasUsed.toString() });
  } finally {
    instance.dispose();
  }
}

function parseResult(bytes: Uint8Array): unknown {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new LatticeError('WASM_CONTRACT_ERROR', 'the contract returned a result that is not UTF-8 JSON');
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const keys = Object.keys(json);
    if (keys.length === 1 && keys[0] === 'ok') return (json as { ok: unknown }).ok;
    if (keys.length === 1 && keys[0] === 'error' && typeof (json as { error: unknown }).error === 'string') {
      throw new LatticeError('WASM_CONTRACT_ERROR', (json as { error: string }).error);
    }
  }
  throw new LatticeError('WASM_CONTRACT_ERROR', 'the contract result must be {"ok": …} or {"error": "…"}');
}
