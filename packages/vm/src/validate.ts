import {
  WASM_CODE_BYTES_MAX,
  WASM_DATA_SEGMENTS_MAX,
  WASM_ELEMENT_SEGMENTS_MAX,
  WASM_EXPORTS_MAX,
  WASM_FUNCTION_BODY_BYTES_MAX,
  WASM_FUNCTION_LOCALS_MAX,
  WASM_FUNCTION_PARAMS_MAX,
  WASM_FUNCTIONS_MAX,
  WASM_GLOBALS_MAX,
  WASM_IMPORTS_MAX,
  WASM_MEMORY_INITIAL_PAGES_MAX,
  WASM_TABLE_ELEMENTS_MAX,
  WASM_TYPES_MAX,
} from '@lattice/params';
import { invalid } from './errors.ts';
import { checkValueType, scanCode } from './opcodes.ts';
import { WasmReader } from './reader.ts';
import { compileModule } from './runtime.ts';
import { type FuncSig, formatSig, sameSig, type ValType } from './types.ts';

export type ExportKind = 'func' | 'table' | 'memory' | 'global';

export interface RequiredExport {
  name: string;
  kind: ExportKind;
  /** For functions: the exact signature the host calls it with. */
  sig?: FuncSig;
  /** May be absent; if present it must match. */
  optional?: boolean;
}

export interface ValidationPolicy {
  /** The host functions a module may import, keyed `module.name`, with their exact signatures. */
  imports: ReadonlyMap<string, FuncSig>;
  requiredExports: readonly RequiredExport[];
  /**
   * For test harnesses only (the WebAssembly spec scripts): a module may lack a memory, and
   * import any function (contracts must define one memory and import only the host's).
   */
  harness?: boolean;
}

export interface ModuleSummary {
  imports: { module: string; name: string }[];
  exports: { name: string; kind: ExportKind }[];
  /** Functions defined by the module (imports excluded). */
  functions: number;
  memoryInitialPages: number;
}

const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

const EXPORT_KINDS: readonly ExportKind[] = ['func', 'table', 'memory', 'global'];

interface Parsed {
  types: FuncSig[];
  /** Type index of every function, imports first (the function index space). */
  funcTypes: number[];
  imports: { module: string; name: string }[];
  exports: { name: string; kind: ExportKind; index: number }[];
  definedFunctions: number;
  codeBodies: number;
  memoryInitialPages: number | undefined;
  tableMin: number | undefined;
}

/**
 * Upload validation: the WebAssembly MVP plus mutable globals and sign extension, without
 * floats, one memory the module defines without a maximum, bounded sizes, whitelisted imports
 * with exact signatures, the required exports, and no start function. Structure and features
 * are checked here byte by byte; typing is V8's own validation of the whole module.
 * Throws WASM_INVALID with a `reason` (see RejectReason).
 */
export function validateModule(bytes: Uint8Array, policy: ValidationPolicy): ModuleSummary {
  if (bytes.length > WASM_CODE_BYTES_MAX) {
    throw invalid('limit', `module is ${bytes.length} bytes, at most ${WASM_CODE_BYTES_MAX}`);
  }
  const p = parse(bytes, policy);
  if (p.memoryInitialPages === undefined && !policy.harness) {
    throw invalid('memory', 'the module must define one memory');
  }
  if (p.codeBodies !== p.definedFunctions) {
    throw invalid('malformed', 'function and code section counts differ');
  }
  checkExports(p, policy);
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) throw invalid('invalid', v8Reason(bytes));
  return {
    imports: p.imports,
    exports: p.exports.map(({ name, kind }) => ({ name, kind })),
    functions: p.definedFunctions,
    memoryInitialPages: p.memoryInitialPages ?? 0,
  };
}

/** V8's own message for a module it refuses (type errors and the like). */
function v8Reason(bytes: Uint8Array): string {
  try {
    compileModule(bytes);
    return 'refused by the WebAssembly validator';
  } catch (e) {
    return (e as Error).message.replace(/^WebAssembly\.Module\(\): /, '');
  }
}

function parse(bytes: Uint8Array, policy: ValidationPolicy): Parsed {
  const r = new WasmReader(bytes);
  const magic = r.take(4);
  if (magic[0] !== 0x00 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) {
    throw invalid('malformed', 'not a WebAssembly module (bad magic number)');
  }
  const version = r.take(4);
  if (version[0] !== 1 || version[1] !== 0 || version[2] !== 0 || version[3] !== 0) {
    throw invalid('malformed', 'unsupported WebAssembly binary version');
  }
  const p: Parsed = {
    types: [],
    funcTypes: [],
    imports: [],
    exports: [],
    definedFunctions: 0,
    codeBodies: 0,
    memoryInitialPages: undefined,
    tableMin: undefined,
  };
  let last = 0;
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const s = new WasmReader(bytes, r.pos, r.pos + size);
    if (size > r.end - r.pos) throw invalid('malformed', 'section runs past the end of the module');
    r.pos += size;
    if (id !== SECTION.custom) {
      if (id > SECTION.tag) throw invalid('malformed', `unknown section id ${id}`);
      if (id <= last) throw invalid('malformed', 'sections out of order or repeated');
      last = id;
    }
    section(id, s, p, policy);
    if (!s.done) throw invalid('malformed', `section ${id} is longer than its contents`);
  }
  return p;
}

function section(id: number, s: WasmReader, p: Parsed, policy: ValidationPolicy): void {
  switch (id) {
    case SECTION.custom:
      s.name();
      s.pos = s.end;
      return;
    case SECTION.type:
      typeSection(s, p);
      return;
    case SECTION.import:
      importSection(s, p, policy);
      return;
    case SECTION.function: {
      const n = count(s, WASM_FUNCTIONS_MAX, 'functions');
      if (p.funcTypes.length + n > WASM_FUNCTIONS_MAX) {
        throw invalid('limit', `more than ${WASM_FUNCTIONS_MAX} functions`);
      }
      for (let i = 0; i < n; i++) p.funcTypes.push(typeIndex(s, p));
      p.definedFunctions = n;
      return;
    }
    case SECTION.table:
      tableSection(s, p);
      return;
    case SECTION.memory:
      memorySection(s, p);
      return;
    case SECTION.global: {
      const n = count(s, WASM_GLOBALS_MAX, 'globals');
      for (let i = 0; i < n; i++) {
        checkValueType(s.byte());
        const mut = s.byte();
        if (mut > 1) throw invalid('malformed', 'bad global mutability flag');
        constExpr(s);
      }
      return;
    }
    case SECTION.export:
      exportSection(s, p);
      return;
    case SECTION.start:
      throw invalid('start-function', 'a start function would run code at instantiation');
    case SECTION.element:
      elementSection(s, p);
      return;
    case SECTION.dataCount:
      throw invalid('bulk-memory', 'the data count section belongs to bulk memory');
    case SECTION.code:
      codeSection(s, p);
      return;
    case SECTION.data:
      dataSection(s, p);
      return;
    case SECTION.tag:
      throw invalid('exceptions', 'tags belong to exception handling');
  }
}

function count(s: WasmReader, max: number, what: string): number {
  const n = s.u32();
  if (n > max) throw invalid('limit', `more than ${max} ${what}`);
  return n;
}

function typeIndex(s: WasmReader, p: Parsed): number {
  const i = s.u32();
  if (i >= p.types.length) throw invalid('invalid', `unknown type index ${i}`);
  return i;
}

function valTypes(s: WasmReader, max: number, what: string): ValType[] {
  const n = count(s, max, what);
  const out: ValType[] = [];
  for (let i = 0; i < n; i++) {
    const t = s.byte();
    checkValueType(t);
    out.push(t === 0x7f ? 'i32' : 'i64');
  }
  return out;
}

function typeSection(s: WasmReader, p: Parsed): void {
  const n = count(s, WASM_TYPES_MAX, 'types');
  for (let i = 0; i < n; i++) {
    const form = s.byte();
    if (form >= 0x4e && form < 0x60) throw invalid('gc', 'GC type definitions are not allowed');
    if (form !== 0x60) throw invalid('malformed', `unknown type form 0x${form.toString(16)}`);
    const params = valTypes(s, WASM_FUNCTION_PARAMS_MAX, 'parameters in a function type');
    const results = valTypes(s, WASM_FUNCTION_PARAMS_MAX, 'results in a function type');
    if (results.length > 1) throw invalid('multi-value', 'functions may return at most one value');
    p.types.push({ params, results });
  }
}

function importSection(s: WasmReader, p: Parsed, policy: ValidationPolicy): void {
  const n = count(s, WASM_IMPORTS_MAX, 'imports');
  for (let i = 0; i < n; i++) {
    const module = s.name();
    const name = s.name();
    const kind = s.byte();
    if (kind === 0x02) throw invalid('memory', 'memory may not be imported: the module defines its own');
    if (kind === 0x04) throw invalid('exceptions', 'tags belong to exception handling');
    if (kind !== 0x00) throw invalid('import', `${module}.${name}: only functions may be imported`);
    const type = typeIndex(s, p);
    const sig = p.types[type]!;
    const expected = policy.harness ? sig : policy.imports.get(`${module}.${name}`);
    if (expected === undefined) throw invalid('import', `unknown import ${module}.${name}`);
    if (!sameSig(sig, expected)) {
      throw invalid(
        'import',
        `${module}.${name} is imported as ${formatSig(sig)}, the host provides ${formatSig(expected)}`,
      );
    }
    p.imports.push({ module, name });
    p.funcTypes.push(type);
  }
}

/** Limits of a table or memory: flags 0 (minimum) or 1 (minimum and maximum). */
function limits(s: WasmReader): { min: number; max: number | undefined; flags: number } {
  const flags = s.u32();
  if (flags === 2 || flags === 3) throw invalid('threads', 'shared memories and tables are not allowed');
  if (flags >= 4 && flags <= 7) throw invalid('memory64', '64-bit memories and tables are not allowed');
  if (flags > 7) throw invalid('malformed', 'bad limits flags');
  const min = s.u32();
  const max = flags === 1 ? s.u32() : undefined;
  return { min, max, flags };
}

function tableSection(s: WasmReader, p: Parsed): void {
  const n = s.u32();
  if (n > 1) throw invalid('reference-types', 'at most one table');
  if (n === 0) return;
  const type = s.byte();
  if (type !== 0x70) throw invalid('reference-types', 'the table must hold funcref');
  const { min, max } = limits(s);
  if (min > WASM_TABLE_ELEMENTS_MAX || (max ?? 0) > WASM_TABLE_ELEMENTS_MAX) {
    throw invalid('limit', `tables hold at most ${WASM_TABLE_ELEMENTS_MAX} elements`);
  }
  p.tableMin = min;
}

function memorySection(s: WasmReader, p: Parsed): void {
  const n = s.u32();
  if (n > 1) throw invalid('multi-memory', 'exactly one memory');
  if (n === 0) return;
  const { min, max } = limits(s);
  if (max !== undefined) throw invalid('memory', 'the memory may not declare a maximum: the host sets it');
  if (min > WASM_MEMORY_INITIAL_PAGES_MAX) {
    throw invalid('limit', `initial memory of ${min} pages, at most ${WASM_MEMORY_INITIAL_PAGES_MAX}`);
  }
  p.memoryInitialPages = min;
}

/** An initialiser: one i32/i64 constant (globals cannot be imported, so global.get has nothing to read). */
/** An initialiser's value (i32 constants read as unsigned, as segment offsets are). */
function constExpr(s: WasmReader): bigint {
  const op = s.byte();
  let value: bigint;
  if (op === 0x41) value = BigInt.asUintN(32, s.signed(32));
  else if (op === 0x42) value = s.signed(64);
  else if (op === 0x43 || op === 0x44) throw invalid('float', 'float constants are not allowed');
  else if (op === 0xd0 || op === 0xd2)
    throw invalid('reference-types', 'reference initialisers are not allowed');
  else if (op === 0x23) throw invalid('invalid', 'global.get in an initialiser needs an imported global');
  else throw invalid('malformed', `opcode 0x${op.toString(16)} in a constant expression`);
  const end = s.byte();
  if (end === 0x6a || end === 0x6b || end === 0x6c || end === 0x7c || end === 0x7d || end === 0x7e) {
    throw invalid('extended-const', 'arithmetic in constant expressions is not allowed');
  }
  if (end !== 0x0b) throw invalid('malformed', 'constant expression must end after one constant');
  return value;
}

function exportSection(s: WasmReader, p: Parsed): void {
  const n = count(s, WASM_EXPORTS_MAX, 'exports');
  for (let i = 0; i < n; i++) {
    const name = s.name();
    const kind = s.byte();
    if (kind === 0x04) throw invalid('exceptions', 'tags belong to exception handling');
    const k = EXPORT_KINDS[kind];
    if (k === undefined) throw invalid('malformed', `unknown export kind ${kind}`);
    p.exports.push({ name, kind: k, index: s.u32() });
  }
}

function elementSection(s: WasmReader, p: Parsed): void {
  const n = count(s, WASM_ELEMENT_SEGMENTS_MAX, 'element segments');
  for (let i = 0; i < n; i++) {
    const flags = s.u32();
    if (flags === 1 || flags === 3) throw invalid('bulk-memory', 'passive and declarative element segments');
    if (flags !== 0) throw invalid('reference-types', 'element segments beyond the MVP form');
    const offset = constExpr(s);
    const len = count(s, WASM_TABLE_ELEMENTS_MAX, 'elements in a segment');
    for (let j = 0; j < len; j++) s.u32();
    // Checked here, not left to instantiation: a module that cannot instantiate must not upload.
    if (offset + BigInt(len) > BigInt(p.tableMin ?? 0)) {
      throw invalid('invalid', 'an element segment does not fit in the table');
    }
  }
}

function codeSection(s: WasmReader, p: Parsed): void {
  const n = count(s, WASM_FUNCTIONS_MAX, 'function bodies');
  for (let i = 0; i < n; i++) {
    const size = s.u32();
    if (size > WASM_FUNCTION_BODY_BYTES_MAX) {
      throw invalid('limit', `a function body is larger than ${WASM_FUNCTION_BODY_BYTES_MAX} bytes`);
    }
    if (size > s.end - s.pos) throw invalid('malformed', 'function body runs past its section');
    const body = new WasmReader(s.bytes, s.pos, s.pos + size);
    s.pos += size;
    let locals = 0;
    const groups = body.u32();
    for (let g = 0; g < groups; g++) {
      const c = body.u32();
      locals += c;
      if (locals > WASM_FUNCTION_LOCALS_MAX) {
        throw invalid('limit', `a function declares more than ${WASM_FUNCTION_LOCALS_MAX} locals`);
      }
      checkValueType(body.byte());
    }
    const type = p.types[p.funcTypes[p.funcTypes.length - n + i] ?? -1];
    scanCode(body, { types: p.types, funcTypes: p.funcTypes, results: type?.results.length ?? 0 });
    if (!body.done) throw invalid('malformed', 'bytes after the end of a function body');
  }
  p.codeBodies = n;
}

function dataSection(s: WasmReader, p: Parsed): void {
  const n = count(s, WASM_DATA_SEGMENTS_MAX, 'data segments');
  for (let i = 0; i < n; i++) {
    const flags = s.u32();
    if (flags === 1) throw invalid('bulk-memory', 'passive data segments');
    if (flags === 2) throw invalid('multi-memory', 'data segments for another memory');
    if (flags !== 0) throw invalid('malformed', 'bad data segment flags');
    const offset = constExpr(s);
    const len = s.u32();
    s.take(len);
    if (offset + BigInt(len) > BigInt(p.memoryInitialPages ?? 0) * 65_536n) {
      throw invalid('invalid', 'a data segment does not fit in the initial memory');
    }
  }
}

function checkExports(p: Parsed, policy: ValidationPolicy): void {
  for (const req of policy.requiredExports) {
    const e = p.exports.find((x) => x.name === req.name);
    if (e === undefined && req.optional) continue;
    if (e === undefined || e.kind !== req.kind) {
      throw invalid('export', `the module must export ${req.kind} "${req.name}"`);
    }
    if (req.sig !== undefined) {
      const sig = p.types[p.funcTypes[e.index] ?? -1];
      if (sig === undefined || !sameSig(sig, req.sig)) {
        throw invalid('export', `export "${req.name}" must have signature ${formatSig(req.sig)}`);
      }
    }
  }
}
