import { LatticeError } from '@lattice/utils';
import { VmFault } from './errors.ts';
import {
  DEPTH_GLOBAL_EXPORT,
  GAS_GLOBAL_EXPORT,
  HOST_MODULE_INTERNAL,
  OUT_OF_GAS_IMPORT,
  STACK_LIMIT_IMPORT,
} from './instrument.ts';
import { MEMORY_IMPORT_NAME } from './memory-import.ts';
import { importedMemoryPages, returnMemory, takeMemory } from './memory-pool.ts';

export type WasmValue = number | bigint;

/** Compiles module bytes (V8 accepts any byte view; the DOM typings want an ArrayBuffer one). */
export function compileModule(bytes: Uint8Array): WebAssembly.Module {
  return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
}

/** An instrumented module, compiled, with the size of the memory it imports (none: test modules). */
export interface CompiledContract {
  module: WebAssembly.Module;
  memoryPages: number | undefined;
}

export function compileContract(instrumented: Uint8Array): CompiledContract {
  return { module: compileModule(instrumented), memoryPages: importedMemoryPages(instrumented) };
}

export interface HostFunction {
  /** Charged (in wasm gas) before the function runs; per-byte costs are its own charge() calls. */
  baseGas: bigint;
  fn: (instance: ContractInstance, ...args: WasmValue[]) => WasmValue | undefined;
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
 * One instance of an instrumented module, made fresh for each contract call (fresh memory and
 * globals), with the gas global seeded with the limit. Host functions charge that same global,
 * so a host call costs exactly what it charges, and several exports may be called in turn
 * (allocate, then the entry point) against one budget.
 *
 * Failures are deterministic LatticeErrors carrying `meta.gasUsed`: out of gas → TX_OUT_OF_GAS,
 * the instrumented stack limit → WASM_STACK_LIMIT, a trap → WASM_TRAP with a canonical message,
 * an error raised by a host function → that error. V8's own stack overflow, or any other
 * JavaScript error, is a VmFault: the node must stop rather than commit a result that another
 * machine might not reproduce.
 */
export class ContractInstance {
  readonly #exports: WebAssembly.Exports;
  readonly #gas: WebAssembly.Global;
  readonly #stackDepth: WebAssembly.Global;
  readonly #limit: bigint;
  /** Exports being executed (host functions may call allocate while the entry point runs). */
  #calls = 0;

  #memory: WebAssembly.Memory | undefined;
  readonly #pages: number;

  private constructor(
    exports: WebAssembly.Exports,
    limit: bigint,
    memory: WebAssembly.Memory | undefined,
    pages: number,
    stackDepth: number,
  ) {
    this.#exports = exports;
    this.#memory = memory;
    this.#pages = pages;
    this.#gas = exports[GAS_GLOBAL_EXPORT] as WebAssembly.Global;
    this.#stackDepth = exports[DEPTH_GLOBAL_EXPORT] as WebAssembly.Global;
    this.#limit = limit;
    this.#gas.value = limit;
    this.#stackDepth.value = stackDepth;
  }

  /**
   * `stackDepth` is where the stack-depth counter starts: a contract run from inside another
   * (a query) shares its caller's native stack, so it shares the caller's budget too.
   */
  static create(
    contract: CompiledContract,
    host: HostImports,
    gasLimit: bigint,
    stackDepth = 0,
  ): ContractInstance {
    let self: ContractInstance | undefined;
    const pages = contract.memoryPages;
    const memory = pages === undefined ? undefined : takeMemory(pages);
    const imports: WebAssembly.Imports = {
      [HOST_MODULE_INTERNAL]: {
        ...(memory === undefined ? {} : { [MEMORY_IMPORT_NAME]: memory }),
        [OUT_OF_GAS_IMPORT]: () => self!.#exhaust(),
        [STACK_LIMIT_IMPORT]: () => {
          throw new StackLimit();
        },
      },
    };
    for (const [mod, fns] of Object.entries(host)) {
      const wrapped: Record<string, (...a: WasmValue[]) => WasmValue | undefined> = {};
      for (const [name, h] of Object.entries(fns)) {
        wrapped[name] = (...a: WasmValue[]) => {
          self!.charge(h.baseGas);
          return h.fn(self!, ...a);
        };
      }
      imports[mod] = wrapped;
    }
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(contract.module, imports);
    } catch (e) {
      if (memory !== undefined && pages !== undefined) returnMemory(memory, pages);
      // Upload validation keeps segments in bounds; should a module still fail to link or
      // instantiate, that is its own deterministic failure, not the node's.
      if (e instanceof WebAssembly.RuntimeError || e instanceof WebAssembly.LinkError) {
        throw new LatticeError('WASM_TRAP', `contract failed to instantiate: ${canonicalTrap(e.message)}`, {
          gasUsed: '0',
        });
      }
      throw new VmFault(`instantiating a validated contract module failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
    self = new ContractInstance(instance.exports, gasLimit, memory, pages ?? 0, stackDepth);
    return self;
  }

  /** The call is over: its memory goes back to the pool if it never grew. */
  dispose(): void {
    if (this.#memory === undefined) return;
    returnMemory(this.#memory, this.#pages);
    this.#memory = undefined;
  }

  get gasUsed(): bigint {
    return this.#limit - (this.#gas.value as bigint);
  }

  /** The stack-depth counter now (in frame-cost units). */
  get stackDepth(): number {
    return this.#stackDepth.value as number;
  }

  get gasLeft(): bigint {
    return this.#gas.value as bigint;
  }

  /** Charges wasm gas from a host function; throws (through the contract) when it runs short. */
  charge(gas: bigint): void {
    const left = this.#gas.value as bigint;
    if (left < gas) this.#exhaust();
    this.#gas.value = left - gas;
  }

  #exhaust(): never {
    this.#gas.value = 0n;
    // Inside wasm the sentinel unwinds the frames and call() reports it; outside, report directly.
    if (this.#calls > 0) throw new OutOfGas();
    throw outcomeError(new OutOfGas(), this.#limit, this.gasUsed);
  }

  /** The contract's linear memory, as it is now (memory.grow replaces the buffer). */
  get memory(): Uint8Array {
    return new Uint8Array((this.#exports.memory as WebAssembly.Memory).buffer);
  }

  /** The value of an exported global (test harnesses). */
  globalValue(name: string): WasmValue {
    const g = this.#exports[name];
    if (!(g instanceof WebAssembly.Global))
      throw new LatticeError('NOT_FOUND', `no exported global "${name}"`);
    return g.value as WasmValue;
  }

  has(name: string): boolean {
    return typeof this.#exports[name] === 'function';
  }

  /** Calls an export; a failure comes out as a LatticeError with the gas used so far. */
  call(name: string, args: readonly WasmValue[]): WasmValue | undefined {
    const fn = this.#exports[name];
    if (typeof fn !== 'function')
      throw new LatticeError('WASM_TRAP', `the contract does not export "${name}"`);
    this.#calls++;
    try {
      return (fn as (...a: WasmValue[]) => WasmValue | undefined)(...args);
    } catch (e) {
      // A nested call (allocate from a host function) already reported; keep its error.
      if (this.#calls > 1) throw e;
      throw outcomeError(e, this.#limit, this.gasUsed);
    } finally {
      this.#calls--;
    }
  }
}

/** One export called on a fresh instance: the whole of a call for modules without an ABI. */
export function callContract(
  contract: CompiledContract,
  host: HostImports,
  entry: string,
  args: readonly WasmValue[],
  gasLimit: bigint,
): CallOutcome {
  const instance = ContractInstance.create(contract, host, gasLimit);
  try {
    const value = instance.call(entry, args);
    return { value, gasUsed: instance.gasUsed };
  } finally {
    instance.dispose();
  }
}

/** The LatticeError a failed call reports, with the gas it used. */
function outcomeError(e: unknown, gasLimit: bigint, gasUsed: bigint): LatticeError {
  const err = classify(e, gasLimit);
  return new LatticeError(err.code, err.message, { ...err.meta, gasUsed: gasUsed.toString() });
}

function classify(e: unknown, gasLimit: bigint): LatticeError {
  if (e instanceof OutOfGas) {
    return new LatticeError('TX_OUT_OF_GAS', `contract ran out of gas (limit ${gasLimit})`);
  }
  if (e instanceof StackLimit) {
    return new LatticeError('WASM_STACK_LIMIT', 'contract exceeded the call stack limit');
  }
  if (e instanceof LatticeError) return e;
  if (e instanceof VmFault) throw e;
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
