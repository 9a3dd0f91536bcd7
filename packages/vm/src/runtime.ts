import { LatticeError } from '@lattice/utils';
import { VmFault } from './errors.ts';
import {
  GAS_GLOBAL_EXPORT,
  HOST_MODULE_INTERNAL,
  OUT_OF_GAS_IMPORT,
  STACK_LIMIT_IMPORT,
} from './instrument.ts';

export type WasmValue = number | bigint;

/** Compiles module bytes (V8 accepts any byte view; the DOM typings want an ArrayBuffer one). */
export function compileModule(bytes: Uint8Array): WebAssembly.Module {
  return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
}

/** What a host function can do with the instance that called it. */
export interface HostContext {
  /** The caller's linear memory (re-read after every call: memory.grow replaces the buffer). */
  readonly memory: WebAssembly.Memory;
  /** Charges the caller's gas; throws TX_OUT_OF_GAS when it runs short. */
  charge(gas: bigint): void;
  readonly gasLeft: bigint;
}

export interface HostFunction {
  /** Charged before the function runs; per-byte costs are the function's own charge() calls. */
  baseGas: bigint;
  fn: (ctx: HostContext, ...args: WasmValue[]) => WasmValue | undefined;
}

/** Host functions by import module and name (the validator's whitelist holds their signatures). */
export type HostImports = Readonly<Record<string, Readonly<Record<string, HostFunction>>>>;

export interface CallOutcome {
  value: WasmValue | undefined;
  gasUsed: bigint;
}

/** Thrown through wasm frames by the instrumentation's host imports; turned into errors at the top. */
class OutOfGas {}
class StackLimit {}

/**
 * One execution of an instrumented module: a fresh instance (fresh memory and globals) per call,
 * the gas global seeded with the limit and read back when it returns. Host functions read and
 * write that same global, so a host call costs exactly what it charges.
 *
 * Results are deterministic: out of gas → TX_OUT_OF_GAS, the instrumented stack limit →
 * WASM_STACK_LIMIT, a trap → WASM_TRAP with a canonical message, an error raised by a host
 * function → that error. V8's own stack overflow, or any other JavaScript error, is a VmFault:
 * the node must stop rather than commit a result that another machine might not reproduce.
 */
export function callContract(
  module: WebAssembly.Module,
  host: HostImports,
  entry: string,
  args: readonly WasmValue[],
  gasLimit: bigint,
): CallOutcome {
  let exports: WebAssembly.Exports | undefined;
  const gasGlobal = (): WebAssembly.Global => exports![GAS_GLOBAL_EXPORT] as WebAssembly.Global;
  const ctx: HostContext = {
    get memory() {
      return exports!.memory as WebAssembly.Memory;
    },
    charge(gas: bigint) {
      const g = gasGlobal();
      const left = g.value as bigint;
      if (left < gas) {
        g.value = 0n;
        throw new OutOfGas();
      }
      g.value = left - gas;
    },
    get gasLeft() {
      return gasGlobal().value as bigint;
    },
  };
  const imports: WebAssembly.Imports = {
    [HOST_MODULE_INTERNAL]: {
      [OUT_OF_GAS_IMPORT]: () => {
        gasGlobal().value = 0n;
        throw new OutOfGas();
      },
      [STACK_LIMIT_IMPORT]: () => {
        throw new StackLimit();
      },
    },
  };
  for (const [mod, fns] of Object.entries(host)) {
    const wrapped: Record<string, (...a: WasmValue[]) => WasmValue | undefined> = {};
    for (const [name, h] of Object.entries(fns)) {
      wrapped[name] = (...a: WasmValue[]) => {
        ctx.charge(h.baseGas);
        return h.fn(ctx, ...a);
      };
    }
    imports[mod] = wrapped;
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    throw new VmFault(`instantiating a validated contract module failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
  exports = instance.exports;
  const fn = exports[entry];
  if (typeof fn !== 'function') {
    throw new LatticeError('WASM_TRAP', `the contract does not export "${entry}"`);
  }
  gasGlobal().value = gasLimit;
  const used = () => gasLimit - (gasGlobal().value as bigint);
  try {
    const value = (fn as (...a: WasmValue[]) => WasmValue | undefined)(...args);
    return { value, gasUsed: used() };
  } catch (e) {
    throw withGas(outcomeError(e, gasLimit), used());
  }
}

/** The error a failed call reports, with the gas it used (all of it when out of gas). */
function withGas(e: LatticeError, gasUsed: bigint): LatticeError {
  return new LatticeError(e.code, e.message, { ...e.meta, gasUsed: gasUsed.toString() });
}

function outcomeError(e: unknown, gasLimit: bigint): LatticeError {
  if (e instanceof OutOfGas) {
    return new LatticeError('TX_OUT_OF_GAS', `contract ran out of gas (limit ${gasLimit})`);
  }
  if (e instanceof StackLimit) {
    return new LatticeError('WASM_STACK_LIMIT', 'contract exceeded the call stack limit');
  }
  if (e instanceof LatticeError) return e;
  if (e instanceof WebAssembly.RuntimeError) {
    return new LatticeError('WASM_TRAP', `contract trapped: ${canonicalTrap(e.message)}`);
  }
  if (e instanceof RangeError) {
    throw new VmFault('native stack overflow inside a contract: the stack limiter should have stopped it', {
      cause: e,
    });
  }
  throw new VmFault(`host function failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

/**
 * V8's trap messages, reduced to a fixed vocabulary: receipts must not depend on how a V8
 * version words them.
 */
const TRAPS: [RegExp, string][] = [
  [/unreachable/i, 'unreachable executed'],
  [/divide by zero|remainder by zero/i, 'integer divide by zero'],
  [/unrepresentable|overflow/i, 'integer overflow'],
  [/memory access out of bounds/i, 'out of bounds memory access'],
  [/table index is out of bounds|table.*out of bounds/i, 'undefined table element'],
  [/null function|signature mismatch/i, 'indirect call type mismatch'],
];

export function canonicalTrap(message: string): string {
  for (const [re, canonical] of TRAPS) if (re.test(message)) return canonical;
  return 'trap';
}
