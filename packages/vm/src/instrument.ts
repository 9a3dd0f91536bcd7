import {
  WASM_FRAME_BASE_UNITS,
  WASM_GAS_PER_PAGE,
  WASM_MEMORY_PAGES_MAX,
  WASM_STACK_UNITS_MAX,
} from '@lattice/params';
import binaryen from 'binaryen';
import { expressionCost } from './costs.ts';
import { hasMemory, withImportedMemory } from './memory-import.ts';

/** Names the instrumented module and the runtime agree on. */
export const GAS_GLOBAL_EXPORT = '__lattice_gas';
/** The stack-depth counter, exported so a contract queried from inside another starts where it stands. */
export const DEPTH_GLOBAL_EXPORT = '__lattice_depth';
export const HOST_MODULE_INTERNAL = '__lattice';
export const OUT_OF_GAS_IMPORT = 'out_of_gas';
export const STACK_LIMIT_IMPORT = 'stack_limit';

const GAS = '__lattice$gas';
const DEPTH = '__lattice$depth';
const OUT_OF_GAS = '__lattice$out_of_gas';
const STACK_LIMIT = '__lattice$stack_limit';
const GROW_CHARGE = '__lattice$grow_charge';
const INNER_SUFFIX = '$lattice_body';

const FEATURES = binaryen.Features.MutableGlobals | binaryen.Features.SignExt;

type Expr = number;

/** Expression and function setters binaryen.js has but its type declarations leave out. */
interface Setters {
  Loop: { getBody(loop: Expr): Expr; setBody(loop: Expr, body: Expr): void };
  Function: { setBody(func: number, body: Expr): void };
  MemoryGrow: { setDelta(grow: Expr, delta: Expr): void };
}
const set = binaryen as unknown as Setters;
type Info = ReturnType<typeof binaryen.getExpressionInfo> & Record<string, unknown>;

/**
 * Instruments a validated module, once, at upload:
 * - gas: an i64 global, exported as __lattice_gas, is charged at every function entry and loop
 *   header with the cost of the worst path through the region that starts there (up to the next
 *   loop header), so no host call happens per block; running short calls the host's
 *   out_of_gas, which throws. memory.grow is charged per page before it runs.
 * - stack: every function gets a thunk under its own name (so calls, exports and table entries
 *   all go through it) that adds the function's static frame cost to a depth global, calls the
 *   host's stack_limit past WASM_STACK_UNITS_MAX, and subtracts it on return. binaryen then
 *   inlines each body into its thunk (it has exactly one caller), so the cost is not a second call.
 * - memory: imported from the host (`__lattice.memory`, still exported as `memory`) with a
 *   maximum of WASM_MEMORY_PAGES_MAX (modules may not declare one): see withImportedMemory.
 * The output depends only on the input bytes and the pinned binaryen version.
 */
export function instrument(bytes: Uint8Array): Uint8Array {
  const m = binaryen.readBinary(
    hasMemory(bytes) ? withImportedMemory(bytes, WASM_MEMORY_PAGES_MAX).bytes : bytes,
  );
  try {
    m.setFeatures(FEATURES);
    const originals = definedFunctions(m);
    addRuntime(m);
    for (const f of originals) meterFunction(m, addStackThunk(m, f));
    inlineBodies(m);
    if (!m.validate()) throw new Error('instrumented module does not validate');
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

function definedFunctions(m: binaryen.Module): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const f = m.getFunctionByIndex(i);
    if (binaryen.getFunctionInfo(f).module === '') out.push(f);
  }
  return out;
}

/** The globals and helpers the instrumentation calls. */
function addRuntime(m: binaryen.Module): void {
  m.addGlobal(GAS, binaryen.i64, true, m.i64.const(0n));
  m.addGlobalExport(GAS, GAS_GLOBAL_EXPORT);
  m.addGlobal(DEPTH, binaryen.i32, true, m.i32.const(0));
  m.addGlobalExport(DEPTH, DEPTH_GLOBAL_EXPORT);
  m.addFunctionImport(OUT_OF_GAS, HOST_MODULE_INTERNAL, OUT_OF_GAS_IMPORT, binaryen.none, binaryen.none);
  m.addFunctionImport(STACK_LIMIT, HOST_MODULE_INTERNAL, STACK_LIMIT_IMPORT, binaryen.none, binaryen.none);
  // grow_charge(pages) -> pages: charges pages × WASM_GAS_PER_PAGE, then memory.grow runs.
  const pages = () => m.local.get(0, binaryen.i32);
  m.addFunction(
    GROW_CHARGE,
    binaryen.i32,
    binaryen.i32,
    [binaryen.i64],
    m.block(
      null,
      [chargeDynamic(m, m.i64.mul(m.i64.extend_u(pages()), m.i64.const(WASM_GAS_PER_PAGE)), 1), pages()],
      binaryen.i32,
    ),
  );
}

function charge(m: binaryen.Module, cost: bigint, scratch: number): Expr {
  return chargeDynamic(m, m.i64.const(cost), scratch);
}

/**
 * gas -= cost, then out_of_gas() (which throws) if that went below zero. The gas global holds at
 * most a tx gas limit, far from i64 overflow, so the signed test is exact. `scratch` is an i64
 * local of the function, which spares a second read of the global.
 */
function chargeDynamic(m: binaryen.Module, cost: Expr, scratch: number): Expr {
  return m.block(null, [
    m.global.set(GAS, m.local.tee(scratch, m.i64.sub(m.global.get(GAS, binaryen.i64), cost), binaryen.i64)),
    m.if(
      m.i64.lt_s(m.local.get(scratch, binaryen.i64), m.i64.const(0n)),
      m.call(OUT_OF_GAS, [], binaryen.none),
    ),
  ]);
}

/** Charges the function's entry region and every loop header's region; its last local is the scratch. */
function meterFunction(m: binaryen.Module, f: number): void {
  const info = binaryen.getFunctionInfo(f);
  const scratch = binaryen.expandType(info.params).length + info.vars.length - 1;
  const loops: { loop: Expr; cost: bigint }[] = [];
  const entryCost = regionCost(info.body, loops, m);
  for (const { loop, cost } of loops) {
    const body = set.Loop.getBody(loop);
    set.Loop.setBody(loop, m.block(null, [charge(m, cost, scratch), body], binaryen.getExpressionType(body)));
  }
  set.Function.setBody(
    f,
    m.block(null, [charge(m, entryCost, scratch), info.body], binaryen.getExpressionType(info.body)),
  );
}

/**
 * The cost of the worst path through the region rooted at `e`: every expression counts once
 * (forward branches only skip code), an if counts its dearer arm, and a loop counts only its own
 * instruction, its body being the region charged at its header (collected into `loops`).
 * memory.grow deltas are routed through grow_charge on the way.
 */
function regionCost(e: Expr, loops: { loop: Expr; cost: bigint }[], m: binaryen.Module): bigint {
  return fold<bigint>(e, (expr, info, vals) => {
    const own = expressionCost(info);
    if (info.id === binaryen.LoopId) {
      loops.push({ loop: expr, cost: vals[0] ?? 0n });
      return own;
    }
    if (info.id === binaryen.IfId) {
      const yes = vals[1] ?? 0n;
      const no = vals[2] ?? 0n;
      return own + vals[0]! + (yes > no ? yes : no);
    }
    if (info.id === binaryen.MemoryGrowId) {
      set.MemoryGrow.setDelta(expr, m.call(GROW_CHARGE, [info.delta as Expr], binaryen.i32));
    }
    let sum = own;
    for (const v of vals) sum += v;
    return sum;
  });
}

/**
 * Post-order fold over an expression tree without recursion: stack-machine code such as a long
 * chain of additions nests as deep as it is long.
 */
function fold<T>(root: Expr, combine: (e: Expr, info: Info, childValues: T[]) => T): T {
  interface Frame {
    e: Expr;
    info: Info;
    kids: Expr[];
    vals: T[];
  }
  const open = (e: Expr): Frame => {
    const info = expressionInfo(e);
    return { e, info, kids: children(info), vals: [] };
  };
  const stack: Frame[] = [open(root)];
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (top.vals.length < top.kids.length) {
      stack.push(open(top.kids[top.vals.length]!));
      continue;
    }
    const v = combine(top.e, top.info, top.vals);
    stack.pop();
    const parent = stack[stack.length - 1];
    if (parent === undefined) return v;
    parent.vals.push(v);
  }
}

/** binaryen's getExpressionInfo, which throws on the childless nop and unreachable. */
function expressionInfo(e: Expr): Info {
  const id = binaryen.getExpressionId(e);
  if (id === binaryen.UnreachableId || id === binaryen.NopId) {
    return { id, type: binaryen.getExpressionType(e) } as Info;
  }
  return binaryen.getExpressionInfo(e) as Info;
}

/** Child expressions of an MVP expression, in evaluation order. */
function children(info: Info): Expr[] {
  const kids: (Expr | undefined | null)[] = (() => {
    switch (info.id) {
      case binaryen.BlockId:
        return info.children as Expr[];
      case binaryen.IfId:
        return [info.condition, info.ifTrue, info.ifFalse] as Expr[];
      case binaryen.LoopId:
        return [info.body as Expr];
      case binaryen.BreakId:
      case binaryen.SwitchId:
        return [info.value, info.condition] as Expr[];
      case binaryen.CallId:
        return info.operands as Expr[];
      case binaryen.CallIndirectId:
        return [...(info.operands as Expr[]), info.target as Expr];
      case binaryen.LocalSetId:
      case binaryen.GlobalSetId:
      case binaryen.UnaryId:
      case binaryen.DropId:
      case binaryen.ReturnId:
        return [info.value as Expr];
      case binaryen.LoadId:
        return [info.ptr as Expr];
      case binaryen.StoreId:
        return [info.ptr, info.value] as Expr[];
      case binaryen.BinaryId:
        return [info.left, info.right] as Expr[];
      case binaryen.SelectId:
        return [info.ifTrue, info.ifFalse, info.condition] as Expr[];
      case binaryen.MemoryGrowId:
        return [info.delta as Expr];
      case binaryen.LocalGetId:
      case binaryen.GlobalGetId:
      case binaryen.ConstId:
      case binaryen.MemorySizeId:
      case binaryen.NopId:
      case binaryen.UnreachableId:
        return [];
      default:
        throw new Error(`instrumenter met expression kind ${info.id} outside the validated feature set`);
    }
  })();
  return kids.filter((k): k is Expr => typeof k === 'number' && k !== 0);
}

/**
 * The most operand-stack slots the expression needs: operands pile up left to right, while the
 * statements of a block and the arms of an if start from an empty stack.
 */
function stackHeight(e: Expr): number {
  return fold<number>(e, (_, info, vals) => {
    if (vals.length === 0) return 1;
    const sequential =
      info.id === binaryen.BlockId || info.id === binaryen.IfId || info.id === binaryen.LoopId;
    let h = 1;
    vals.forEach((v, i) => {
      const withBelow = v + (sequential ? 0 : i);
      if (withBelow > h) h = withBelow;
    });
    return h;
  });
}

/** The function's static frame cost: base + parameters + locals + operand stack. */
function frameCost(f: number): number {
  const info = binaryen.getFunctionInfo(f);
  return (
    WASM_FRAME_BASE_UNITS +
    binaryen.expandType(info.params).length +
    info.vars.length +
    stackHeight(info.body)
  );
}

/**
 * Moves f's body to f$lattice_body (with one more i64 local, the metering scratch) and makes f a
 * thunk that accounts the frame around the call. Returns the body's function.
 */
function addStackThunk(m: binaryen.Module, f: number): number {
  const info = binaryen.getFunctionInfo(f);
  const cost = frameCost(f);
  const params = binaryen.expandType(info.params);
  const inner = `${info.name}${INNER_SUFFIX}`;
  m.removeFunction(info.name);
  const innerFn = m.addFunction(inner, info.params, info.results, [...info.vars, binaryen.i64], info.body);
  const depth = () => m.global.get(DEPTH, binaryen.i32);
  const call = m.call(
    inner,
    params.map((t, i) => m.local.get(i, t)),
    info.results,
  );
  const enter = [
    m.global.set(DEPTH, m.i32.add(depth(), m.i32.const(cost))),
    m.if(m.i32.gt_u(depth(), m.i32.const(WASM_STACK_UNITS_MAX)), m.call(STACK_LIMIT, [], binaryen.none)),
  ];
  const leave = m.global.set(DEPTH, m.i32.sub(depth(), m.i32.const(cost)));
  const hasResult = info.results !== binaryen.none;
  const resultLocal = params.length;
  const body = hasResult
    ? m.block(
        null,
        [...enter, m.local.set(resultLocal, call), leave, m.local.get(resultLocal, info.results)],
        info.results,
      )
    : m.block(null, [...enter, call, leave]);
  m.addFunction(info.name, info.params, info.results, hasResult ? [info.results] : [], body);
  return innerFn;
}

/** Inlines every body into its thunk, and nothing else. */
function inlineBodies(m: binaryen.Module): void {
  const saved = {
    optimize: binaryen.getOptimizeLevel(),
    shrink: binaryen.getShrinkLevel(),
    always: binaryen.getAlwaysInlineMaxSize(),
    flexible: binaryen.getFlexibleInlineMaxSize(),
    oneCaller: binaryen.getOneCallerInlineMaxSize(),
  };
  try {
    binaryen.setOptimizeLevel(0);
    binaryen.setShrinkLevel(0);
    binaryen.setAlwaysInlineMaxSize(0);
    binaryen.setFlexibleInlineMaxSize(0);
    binaryen.setOneCallerInlineMaxSize(-1);
    m.runPasses(['inlining']);
  } finally {
    binaryen.setOptimizeLevel(saved.optimize);
    binaryen.setShrinkLevel(saved.shrink);
    binaryen.setAlwaysInlineMaxSize(saved.always);
    binaryen.setFlexibleInlineMaxSize(saved.flexible);
    binaryen.setOneCallerInlineMaxSize(saved.oneCaller);
  }
}
