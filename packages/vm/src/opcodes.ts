import { WASM_BLOCK_DEPTH_MAX, WASM_BR_TABLE_TARGETS_MAX, WASM_NESTING_DEPTH_MAX } from '@lattice/params';
import { invalid, type RejectReason } from './errors.ts';
import type { WasmReader } from './reader.ts';
import type { FuncSig } from './types.ts';

/** What follows an allowed opcode in the instruction stream. */
const Imm = {
  None: 0,
  BlockType: 1,
  Label: 2,
  BrTable: 3,
  Func: 4,
  CallIndirect: 5,
  Index: 6,
  MemArg: 7,
  MemIndex: 8,
  I32: 9,
  I64: 10,
} as const;
type Imm = (typeof Imm)[keyof typeof Imm];

type Entry = { imm: Imm } | { reject: RejectReason };

/** One entry per single-byte opcode: allowed (with its immediates) or the feature that refuses it. */
const TABLE: Entry[] = new Array(256).fill({ reject: 'malformed' });

function allow(from: number, to: number, imm: Imm = Imm.None): void {
  for (let op = from; op <= to; op++) TABLE[op] = { imm };
}

function refuse(from: number, to: number, reason: RejectReason): void {
  for (let op = from; op <= to; op++) TABLE[op] = { reject: reason };
}

// Control
allow(0x00, 0x01); // unreachable, nop
allow(0x02, 0x04, Imm.BlockType); // block, loop, if
allow(0x05, 0x05); // else
refuse(0x06, 0x0a, 'exceptions'); // try, catch, throw, rethrow, throw_ref
allow(0x0b, 0x0b); // end
allow(0x0c, 0x0d, Imm.Label); // br, br_if
allow(0x0e, 0x0e, Imm.BrTable);
allow(0x0f, 0x0f); // return
allow(0x10, 0x10, Imm.Func); // call
allow(0x11, 0x11, Imm.CallIndirect);
refuse(0x12, 0x13, 'tail-call'); // return_call, return_call_indirect
refuse(0x14, 0x15, 'gc'); // call_ref, return_call_ref (typed function references)
refuse(0x18, 0x19, 'exceptions'); // delegate, catch_all
allow(0x1a, 0x1b); // drop, select
refuse(0x1c, 0x1c, 'reference-types'); // typed select
refuse(0x1f, 0x1f, 'exceptions'); // try_table
// Variables
allow(0x20, 0x24, Imm.Index); // local.get/set/tee, global.get/set
refuse(0x25, 0x26, 'reference-types'); // table.get, table.set
// Memory: integer loads and stores only
allow(0x28, 0x29, Imm.MemArg); // i32.load, i64.load
refuse(0x2a, 0x2b, 'float'); // f32.load, f64.load
allow(0x2c, 0x37, Imm.MemArg); // narrow integer loads, i32.store, i64.store
refuse(0x38, 0x39, 'float'); // f32.store, f64.store
allow(0x3a, 0x3e, Imm.MemArg); // narrow integer stores
allow(0x3f, 0x40, Imm.MemIndex); // memory.size, memory.grow
// Constants
allow(0x41, 0x41, Imm.I32);
allow(0x42, 0x42, Imm.I64);
refuse(0x43, 0x44, 'float');
// Integer comparisons, then float comparisons
allow(0x45, 0x5a);
refuse(0x5b, 0x66, 'float');
// Integer arithmetic, then float arithmetic
allow(0x67, 0x8a);
refuse(0x8b, 0xa6, 'float');
// Conversions: only those between integer types
allow(0xa7, 0xa7); // i32.wrap_i64
refuse(0xa8, 0xab, 'float');
allow(0xac, 0xad); // i64.extend_i32_s/u
refuse(0xae, 0xbf, 'float'); // truncations, conversions, demote/promote, reinterpretations
// Sign extension
allow(0xc0, 0xc4);
// Reference types, typed function references, GC
refuse(0xd0, 0xd2, 'reference-types');
refuse(0xd3, 0xd6, 'gc');
refuse(0xfb, 0xfb, 'gc');
refuse(0xfd, 0xfd, 'simd');
refuse(0xfe, 0xfe, 'threads');

/** Sub-opcodes after the 0xFC prefix. */
function prefixedFC(sub: number): RejectReason {
  if (sub <= 7) return 'float'; // the saturating float-to-int truncations need a float operand
  if (sub <= 11) return 'bulk-memory'; // memory.init, data.drop, memory.copy, memory.fill
  if (sub <= 17) return 'reference-types'; // table.init/drop/copy/grow/size/fill
  return 'malformed';
}

/** Value types allowed anywhere (params, results, locals, globals, block types). */
export function checkValueType(t: number): void {
  if (t === 0x7f || t === 0x7e) return; // i32, i64
  if (t === 0x7d || t === 0x7c) throw invalid('float', 'f32 and f64 values are not allowed');
  if (t === 0x7b) throw invalid('simd', 'v128 values are not allowed');
  if (t === 0x70 || t === 0x6f || t === 0x64 || t === 0x63) {
    throw invalid('reference-types', 'reference values are not allowed');
  }
  if (t >= 0x69 && t <= 0x74) throw invalid('gc', 'GC reference types are not allowed');
  throw invalid('malformed', `unknown value type 0x${t.toString(16)}`);
}

/** Reads a block type; returns how many results the block has (0 or 1). */
function blockType(r: WasmReader): number {
  const b = r.bytes[r.pos];
  if (b === 0x40) {
    r.pos++;
    return 0;
  }
  if (b !== undefined && (b & 0xc0) === 0x40) {
    r.pos++;
    checkValueType(b);
    return 1;
  }
  // A non-negative s33 is a type index: blocks with parameters or several results.
  r.signed(33);
  throw invalid('multi-value', 'blocks with parameters or several results are not allowed');
}

/** Operands popped and results pushed by the fixed-arity allowed opcodes. */
function arity(op: number): [number, number] {
  if (op === 0x01) return [0, 0]; // nop
  if (op === 0x1a) return [1, 0]; // drop
  if (op === 0x1b) return [3, 1]; // select
  if (op === 0x20 || op === 0x23) return [0, 1]; // local.get, global.get
  if (op === 0x21 || op === 0x24) return [1, 0]; // local.set, global.set
  if (op === 0x22) return [1, 1]; // local.tee
  if (op >= 0x28 && op <= 0x35) return [1, 1]; // loads
  if (op >= 0x36 && op <= 0x3e) return [2, 0]; // stores
  if (op === 0x3f) return [0, 1]; // memory.size
  if (op === 0x40) return [1, 1]; // memory.grow
  if (op === 0x41 || op === 0x42) return [0, 1]; // constants
  if (op === 0x45 || op === 0x50) return [1, 1]; // eqz
  if ((op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b)) return [1, 1]; // clz, ctz, popcnt
  if (op === 0xa7 || op === 0xac || op === 0xad || (op >= 0xc0 && op <= 0xc4)) return [1, 1]; // conversions
  return [2, 1]; // comparisons and binary arithmetic
}

/** Types a function body needs to follow values through calls. */
export interface CodeContext {
  types: readonly FuncSig[];
  /** Type index of every function in the index space. */
  funcTypes: readonly number[];
  /** Results of the function being scanned (0 or 1). */
  results: number;
}

interface Frame {
  results: number;
  loop: boolean;
  /** Value-stack height when the frame was entered. */
  height: number;
  /** Deepest statement inside so far. */
  deepest: number;
}

/**
 * Walks one function body's instructions up to its final `end`, refusing every opcode outside
 * the allowed feature set and code that nests deeper than WASM_NESTING_DEPTH_MAX once turned
 * into an expression tree (operands inside their operator, statements inside their block), as
 * binaryen does: its recursive passes run on the native stack, so depth must be bounded here,
 * deterministically, before the instrumenter sees the module. Typing is left to V8.
 */
export function scanCode(r: WasmReader, ctx: CodeContext): void {
  const values: number[] = [];
  const frames: Frame[] = [{ results: ctx.results, loop: false, height: 0, deepest: 0 }];
  const top = () => frames[frames.length - 1]!;
  const pop = (): number => (values.length > top().height ? values.pop()! : 0);
  const check = (depth: number) => {
    if (depth + frames.length > WASM_NESTING_DEPTH_MAX) {
      throw invalid('limit', `code nests deeper than ${WASM_NESTING_DEPTH_MAX} levels`);
    }
  };
  const apply = (pops: number, pushes: number) => {
    let deepest = 0;
    for (let i = 0; i < pops; i++) deepest = Math.max(deepest, pop());
    const depth = deepest + 1;
    check(depth);
    if (pushes > 0) values.push(depth);
    else top().deepest = Math.max(top().deepest, depth);
  };
  const unreachable = () => {
    values.length = top().height;
  };
  const labelArity = (label: number): number => {
    const f = frames[frames.length - 1 - label];
    return f === undefined || f.loop ? 0 : f.results;
  };
  const sigOf = (typeIndex: number | undefined) => ctx.types[typeIndex ?? -1];
  while (frames.length > 0) {
    const op = r.byte();
    const entry = TABLE[op]!;
    if ('reject' in entry) {
      if (op === 0xfc) throw invalid(prefixedFC(r.u32()), 'instruction 0xfc prefix is not allowed');
      throw invalid(entry.reject, `opcode 0x${op.toString(16).padStart(2, '0')} is not allowed`);
    }
    switch (op) {
      case 0x00: // unreachable
        apply(0, 0);
        unreachable();
        continue;
      case 0x02: // block
      case 0x03: // loop
      case 0x04: {
        // if
        const results = blockType(r);
        const cond = op === 0x04 ? pop() : 0;
        if (frames.length >= WASM_BLOCK_DEPTH_MAX) {
          throw invalid('limit', `blocks nest deeper than ${WASM_BLOCK_DEPTH_MAX}`);
        }
        frames.push({ results, loop: op === 0x03, height: values.length, deepest: cond });
        continue;
      }
      case 0x05: // else
        unreachable();
        continue;
      case 0x0b: {
        // end
        const f = frames.pop()!;
        let deepest = f.deepest;
        while (values.length > f.height) deepest = Math.max(deepest, values.pop()!);
        const depth = deepest + 1;
        check(depth);
        if (frames.length === 0) continue;
        if (f.results > 0) values.push(depth);
        else top().deepest = Math.max(top().deepest, depth);
        continue;
      }
      case 0x0c: // br
        apply(labelArity(r.u32()), 0);
        unreachable();
        continue;
      case 0x0d: {
        // br_if
        const n = labelArity(r.u32());
        apply(1 + n, n);
        continue;
      }
      case 0x0e: {
        // br_table
        const n = r.u32();
        if (n > WASM_BR_TABLE_TARGETS_MAX) {
          throw invalid('limit', `br_table has more than ${WASM_BR_TABLE_TARGETS_MAX} targets`);
        }
        for (let i = 0; i < n; i++) r.u32();
        apply(1 + labelArity(r.u32()), 0);
        unreachable();
        continue;
      }
      case 0x0f: // return
        apply(ctx.results, 0);
        unreachable();
        continue;
      case 0x10: {
        // call
        const t = sigOf(ctx.funcTypes[r.u32()]);
        apply(t?.params.length ?? 0, t?.results.length ?? 0);
        continue;
      }
      case 0x11: {
        // call_indirect
        const t = sigOf(r.u32());
        if (r.byte() !== 0x00) throw invalid('reference-types', 'call_indirect may only use table 0');
        apply(1 + (t?.params.length ?? 0), t?.results.length ?? 0);
        continue;
      }
    }
    switch (entry.imm) {
      case Imm.Index:
        r.u32();
        break;
      case Imm.MemArg: {
        const align = r.u32();
        if (align >= 64) throw invalid('multi-memory', 'memory instructions may only use memory 0');
        r.u32();
        break;
      }
      case Imm.MemIndex:
        if (r.byte() !== 0x00) throw invalid('multi-memory', 'memory instructions may only use memory 0');
        break;
      case Imm.I32:
        r.signed(32);
        break;
      case Imm.I64:
        r.signed(64);
        break;
    }
    const [pops, pushes] = arity(op);
    apply(pops, pushes);
  }
}
