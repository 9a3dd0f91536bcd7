import { assert, concatBytes } from '@lattice/utils';
import { WasmReader } from './reader.ts';

const IMPORT_SECTION = 2;
const MEMORY_SECTION = 5;

/** Where the instrumented module finds its memory: the host supplies it (from a pool). */
export const MEMORY_IMPORT_MODULE = '__lattice';
export const MEMORY_IMPORT_NAME = 'memory';

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function name(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...leb(b.length), ...b];
}

function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

/** Whether the module defines a memory (contracts always do; spec-test modules may not). */
export function hasMemory(bytes: Uint8Array): boolean {
  const r = new WasmReader(bytes, 8);
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    if (id === MEMORY_SECTION) return true;
    r.pos += size;
  }
  return false;
}

/**
 * Rewrites the (validated) module's one memory, defined with a minimum only, into an import of
 * `__lattice.memory` with that minimum and a maximum of `maxPages`. The host then supplies the
 * memory: V8 refuses to grow it past the maximum (memory.grow returns -1, as the spec says), and
 * a zeroed memory from a pool costs a fraction of a fresh one (which reserves its guard region).
 * The memory stays index 0 and its export stays valid; function indices do not move.
 * Returns the new bytes and the initial page count.
 */
export function withImportedMemory(
  bytes: Uint8Array,
  maxPages: number,
): { bytes: Uint8Array; initialPages: number } {
  const r = new WasmReader(bytes, 8);
  const sections: { id: number; start: number; end: number; contentStart: number }[] = [];
  while (!r.done) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, start, end: r.pos + size, contentStart: r.pos });
    r.pos += size;
  }
  const mem = sections.find((s) => s.id === MEMORY_SECTION);
  assert(mem !== undefined, 'withImportedMemory needs a module that defines its memory');
  const m = new WasmReader(bytes, mem.contentStart, mem.end);
  assert(m.u32() === 1 && m.u32() === 0, 'withImportedMemory needs one memory without a maximum');
  const initialPages = m.u32();
  const entry = [
    ...name(MEMORY_IMPORT_MODULE),
    ...name(MEMORY_IMPORT_NAME),
    0x02,
    0x01,
    ...leb(initialPages),
    ...leb(maxPages),
  ];
  const out: Uint8Array[] = [bytes.subarray(0, 8)];
  const imports = sections.find((s) => s.id === IMPORT_SECTION);
  let importsDone = false;
  const emitImports = () => {
    if (importsDone) return;
    importsDone = true;
    if (imports === undefined) {
      out.push(new Uint8Array(section(IMPORT_SECTION, [1, ...entry])));
      return;
    }
    const ir = new WasmReader(bytes, imports.contentStart, imports.end);
    const count = ir.u32();
    // The import section is small (WASM_IMPORTS_MAX entries): spreading it is fine.
    out.push(
      new Uint8Array(
        section(IMPORT_SECTION, [...leb(count + 1), ...bytes.subarray(ir.pos, imports.end), ...entry]),
      ),
    );
  };
  for (const s of sections) {
    // Custom sections keep their place; the import section goes where it belongs (after types).
    if (s.id !== 0 && s.id > IMPORT_SECTION) emitImports();
    if (s.id === IMPORT_SECTION) {
      emitImports();
      continue;
    }
    if (s.id === MEMORY_SECTION) continue;
    out.push(bytes.subarray(s.start, s.end));
  }
  emitImports();
  return { bytes: concatBytes(...out), initialPages };
}
