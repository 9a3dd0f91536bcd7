import { isLatticeError, LatticeError } from '@lattice/utils';
import initWabt from 'wabt';
import { instrument } from './instrument.ts';
import {
  ContractInstance,
  canonicalTrap,
  compileContract,
  compileModule,
  type HostImports,
  type WasmValue,
} from './runtime.ts';
import { validateModule } from './validate.ts';
import { head, isList, parseScript, type SExpr, type SList } from './wast.ts';

/**
 * Runs WebAssembly spec scripts through the upload validator and the instrumenter: every module
 * the validator accepts is run both as assembled and instrumented, and every assertion's outcome
 * must be the same in both; refused modules are counted by reason. Outcomes are also checked
 * against what the script expects (informational: the assembler, not the vm, can be the cause).
 */
export interface ConformanceCounts {
  scripts: number;
  modules: number;
  accepted: number;
  refused: Record<string, number>;
  /** Modules the text assembler (binaryen) could not turn into bytes. */
  unassembled: number;
  /** Modules the script says are invalid or malformed that the validator accepted. */
  invalidAccepted: number;
  invalidAcceptedExamples: string[];
  assertions: { compared: number; same: number; different: number; unlikeSpec: number; skipped: number };
  differences: string[];
  unlikeSpecExamples: string[];
}

export function emptyCounts(): ConformanceCounts {
  return {
    scripts: 0,
    modules: 0,
    accepted: 0,
    refused: {},
    unassembled: 0,
    invalidAccepted: 0,
    invalidAcceptedExamples: [],
    assertions: { compared: 0, same: 0, different: 0, unlikeSpec: 0, skipped: 0 },
    differences: [],
    unlikeSpecExamples: [],
  };
}

const HARNESS_POLICY = { imports: new Map(), requiredExports: [], harness: true };
const GAS = 10n ** 15n;
type Wabt = Awaited<ReturnType<typeof initWabt>>;
/** wabt assembles text faithfully, invalid modules included (it validates only when asked). */
let wabt: Wabt | undefined;
export async function loadAssembler(): Promise<void> {
  wabt ??= await initWabt();
}
/** The features a contract may use: a module assembles with these first, so it encodes as one would. */
const ALLOWED = { mutable_globals: true, sign_extension: true, sat_float_to_int: true };
const EVERYTHING = {
  ...ALLOWED,
  exceptions: true,
  simd: true,
  threads: true,
  multi_value: true,
  tail_call: true,
  bulk_memory: true,
  reference_types: true,
  memory64: true,
  multi_memory: true,
  extended_const: true,
  relaxed_simd: true,
  function_references: true,
  gc: true,
};

function wat2wasm(text: string): Uint8Array | undefined {
  for (const features of [ALLOWED, EVERYTHING]) {
    let mod: ReturnType<Wabt['parseWat']> | undefined;
    try {
      mod = wabt!.parseWat('module.wat', text, features);
      mod.resolveNames();
      return mod.toBinary({}).buffer;
    } catch {
      // Next feature set, or unassemblable.
    } finally {
      mod?.destroy();
    }
  }
  return undefined;
}

type Outcome =
  | { kind: 'return'; values: string }
  | { kind: 'trap'; message: string }
  | { kind: 'exhaustion' }
  | { kind: 'error'; message: string };

const atom = (e: SExpr | undefined): string | undefined =>
  e === undefined || isList(e) ? undefined : e.atom;

/** Module bytes from `(module …)`, `(module binary "…")` or `(module quote "…")`; undefined if unassemblable. */
function assemble(m: SList): Uint8Array | undefined {
  const items = m.items.slice(1).filter((x) => !(atom(x)?.startsWith('$') ?? false));
  const kind = atom(items[0]);
  if (kind === 'binary') {
    const parts = items.slice(1).map((x) => ('bytes' in x && x.bytes) || new Uint8Array());
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  const text =
    kind === 'quote'
      ? `(module ${items
          .slice(1)
          .map((x) => new TextDecoder().decode(('bytes' in x && x.bytes) || new Uint8Array()))
          .join(' ')})`
      : m.text;
  return wat2wasm(text);
}

function parseConst(e: SExpr): WasmValue | undefined {
  if (!isList(e)) return undefined;
  const op = head(e);
  const raw = atom(e.items[1])?.replaceAll('_', '');
  if (raw === undefined) return undefined;
  const negative = raw.startsWith('-');
  const digits = negative || raw.startsWith('+') ? raw.slice(1) : raw;
  let v: bigint;
  try {
    v = BigInt(digits);
  } catch {
    return undefined;
  }
  if (negative) v = -v;
  if (op === 'i32.const') return Number(BigInt.asIntN(32, v));
  if (op === 'i64.const') return BigInt.asIntN(64, v);
  return undefined;
}

function show(v: WasmValue | undefined): string {
  return v === undefined ? '' : typeof v === 'bigint' ? `${v}n` : String(v);
}

interface Instances {
  plain: WebAssembly.Exports;
  metered: ContractInstance;
}

/** Runs one script, adding to `counts` (call loadAssembler first). */
export function runScript(name: string, src: string, counts: ConformanceCounts): void {
  counts.scripts++;
  const named = new Map<string, Instances | null>();
  let current: Instances | null = null;
  const registeredPlain: Record<string, WebAssembly.ModuleImports> = {};
  const registeredMetered: Record<
    string,
    Record<string, { baseGas: bigint; fn: (i: ContractInstance, ...a: WasmValue[]) => WasmValue | undefined }>
  > = {};
  const noop = () => undefined;
  const spectest = {
    print: noop,
    print_i32: noop,
    print_i64: noop,
    print_f32: noop,
    print_f64: noop,
    print_i32_f32: noop,
    print_f64_f64: noop,
  };
  const refuse = (reason: string) => {
    counts.refused[reason] = (counts.refused[reason] ?? 0) + 1;
  };

  const load = (m: SList): Instances | null => {
    counts.modules++;
    const bytes = assemble(m);
    if (bytes === undefined) {
      counts.unassembled++;
      return null;
    }
    try {
      validateModule(bytes, HARNESS_POLICY);
    } catch (e) {
      if (!isLatticeError(e, 'WASM_INVALID')) throw e;
      refuse(String(e.meta.reason));
      return null;
    }
    try {
      const plain = new WebAssembly.Instance(compileModule(bytes), { spectest, ...registeredPlain }).exports;
      const host: HostImports = {
        spectest: Object.fromEntries(Object.keys(spectest).map((k) => [k, { baseGas: 0n, fn: noop }])),
        ...registeredMetered,
      };
      const metered = ContractInstance.create(compileContract(instrument(bytes)), host, GAS);
      counts.accepted++;
      return { plain, metered };
    } catch {
      refuse('uninstantiable');
      return null;
    }
  };

  const outcomePlain = (inst: Instances, field: string, args: WasmValue[], isGet: boolean): Outcome => {
    try {
      const x = inst.plain[field];
      const v = isGet
        ? ((x as WebAssembly.Global).value as WasmValue)
        : (x as (...a: WasmValue[]) => WasmValue)(...args);
      return { kind: 'return', values: show(v) };
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) return { kind: 'trap', message: canonicalTrap(e.message) };
      if (e instanceof RangeError) return { kind: 'exhaustion' };
      return { kind: 'error', message: (e as Error).message };
    }
  };
  const outcomeMetered = (inst: Instances, field: string, args: WasmValue[], isGet: boolean): Outcome => {
    try {
      const v = isGet ? inst.metered.globalValue(field) : inst.metered.call(field, args);
      return { kind: 'return', values: show(v) };
    } catch (e) {
      if (e instanceof LatticeError && e.code === 'WASM_TRAP') {
        return { kind: 'trap', message: e.message.replace(/^contract trapped: /, '') };
      }
      if (e instanceof LatticeError && e.code === 'WASM_STACK_LIMIT') return { kind: 'exhaustion' };
      return { kind: 'error', message: (e as Error).message };
    }
  };

  /** Runs an action `(invoke $m? "f" args…)` or `(get $m? "g")` on both; undefined when skipped. */
  const act = (a: SExpr | undefined): { plain: Outcome; metered: Outcome } | undefined => {
    if (!isList(a)) return undefined;
    const items = a.items.slice(1);
    const modName = atom(items[0])?.startsWith('$') ? atom(items.shift()) : undefined;
    const target = modName === undefined ? current : named.get(modName);
    const fieldExpr = items.shift();
    const field =
      fieldExpr !== undefined && 'bytes' in fieldExpr && fieldExpr.bytes
        ? new TextDecoder().decode(fieldExpr.bytes)
        : undefined;
    if (!target || field === undefined) return undefined;
    const args = items.map(parseConst);
    if (args.some((x) => x === undefined)) return undefined;
    const isGet = head(a) === 'get';
    return {
      plain: outcomePlain(target, field, args as WasmValue[], isGet),
      metered: outcomeMetered(target, field, args as WasmValue[], isGet),
    };
  };

  const compare = (
    cmd: SList,
    r: { plain: Outcome; metered: Outcome } | undefined,
    expected: Outcome | undefined,
  ) => {
    if (r === undefined) {
      counts.assertions.skipped++;
      return;
    }
    counts.assertions.compared++;
    if (JSON.stringify(r.plain) === JSON.stringify(r.metered)) counts.assertions.same++;
    else {
      counts.assertions.different++;
      if (counts.differences.length < 20) {
        counts.differences.push(
          `${name}: ${cmd.text.slice(0, 100)} → plain ${JSON.stringify(r.plain)}, instrumented ${JSON.stringify(r.metered)}`,
        );
      }
    }
    const unlike =
      expected !== undefined &&
      (expected.kind !== r.metered.kind ||
        (expected.kind === 'return' && r.metered.kind === 'return' && expected.values !== r.metered.values));
    if (unlike) {
      counts.assertions.unlikeSpec++;
      if (counts.unlikeSpecExamples.length < 20) {
        counts.unlikeSpecExamples.push(`${name}: ${cmd.text.slice(0, 90)} → ${JSON.stringify(r.metered)}`);
      }
    }
  };

  for (const cmd of parseScript(src)) {
    const h = head(cmd);
    if (h === 'module') {
      const id = atom(cmd.items[1])?.startsWith('$') ? atom(cmd.items[1]) : undefined;
      current = load(cmd);
      if (id !== undefined) named.set(id, current);
    } else if (h === 'register') {
      const as = cmd.items[1];
      const regName =
        as !== undefined && 'bytes' in as && as.bytes ? new TextDecoder().decode(as.bytes) : undefined;
      const id = atom(cmd.items[2]);
      const inst = id === undefined ? current : named.get(id);
      if (regName === undefined || !inst) continue;
      registeredPlain[regName] = inst.plain as WebAssembly.ModuleImports;
      registeredMetered[regName] = Object.fromEntries(
        Object.keys(inst.plain)
          .filter((k) => typeof inst.plain[k] === 'function')
          .map((k) => [
            k,
            { baseGas: 0n, fn: (_i: ContractInstance, ...a: WasmValue[]) => inst.metered.call(k, a) },
          ]),
      );
    } else if (h === 'invoke' || h === 'get') {
      compare(cmd, act(cmd), undefined);
    } else if (h === 'assert_return') {
      const expected = cmd.items.slice(2).map(parseConst);
      const exp: Outcome | undefined = expected.some((x) => x === undefined)
        ? undefined
        : { kind: 'return', values: expected.length === 0 ? '' : expected.map(show).join(',') };
      compare(cmd, act(cmd.items[1]), exp);
    } else if (h === 'assert_trap' && head(cmd.items[1]) !== 'module') {
      compare(cmd, act(cmd.items[1]), { kind: 'trap', message: '' });
    } else if (h === 'assert_exhaustion') {
      compare(cmd, act(cmd.items[1]), { kind: 'exhaustion' });
    } else if (h === 'assert_invalid' || h === 'assert_malformed') {
      const m = cmd.items[1];
      if (!isList(m)) continue;
      counts.modules++;
      const bytes = assemble(m);
      if (bytes === undefined) {
        refuse('assembler');
        continue;
      }
      try {
        validateModule(bytes, HARNESS_POLICY);
        counts.invalidAccepted++;
        if (counts.invalidAcceptedExamples.length < 10)
          counts.invalidAcceptedExamples.push(`${name}: ${m.text.slice(0, 80)}`);
      } catch (e) {
        if (!isLatticeError(e, 'WASM_INVALID')) throw e;
        refuse(String(e.meta.reason));
      }
    } else {
      counts.assertions.skipped++;
    }
  }
}
