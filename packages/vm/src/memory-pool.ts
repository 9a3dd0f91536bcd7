import { WASM_MEMORY_PAGES_MAX } from '@lattice/params';
import { assert } from '@lattice/utils';
import { MEMORY_IMPORT_MODULE, MEMORY_IMPORT_NAME } from './memory-import.ts';
import { WasmReader } from './reader.ts';

const PAGE_BYTES = 65_536;
/** Idle memories kept per initial size: enough for the nested calls of one tx and a few spare. */
const POOL_PER_SIZE_MAX = 16;

/**
 * Contract memories for reuse. A new WebAssembly.Memory reserves its guard region (measured
 * ~75 µs, most of an instantiation); one handed back ungrown and zeroed is indistinguishable
 * from a fresh one to the next call: same size, same maximum, all zeros, and the data segments
 * are written again at instantiation.
 */
const pool = new Map<number, WebAssembly.Memory[]>();

export function takeMemory(pages: number): WebAssembly.Memory {
  const idle = pool.get(pages)?.pop();
  if (idle !== undefined) {
    new Uint8Array(idle.buffer).fill(0);
    return idle;
  }
  return new WebAssembly.Memory({ initial: pages, maximum: WASM_MEMORY_PAGES_MAX });
}

/** Takes a memory back unless it grew (a memory cannot shrink back to its initial size). */
export function returnMemory(memory: WebAssembly.Memory, pages: number): void {
  if (memory.buffer.byteLength !== pages * PAGE_BYTES) return;
  let list = pool.get(pages);
  if (list === undefined) pool.set(pages, (list = []));
  if (list.length < POOL_PER_SIZE_MAX) list.push(memory);
}

/** The initial pages of the `__lattice.memory` import of an instrumented module (undefined: none). */
export function importedMemoryPages(instrumented: Uint8Array): number | undefined {
  const r = new WasmReader(instrumented, 8);
  while (!r.done) {
    const id = r.byte();
    const end = r.u32() + r.pos;
    if (id !== 2) {
      r.pos = end;
      continue;
    }
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      const module = r.name();
      const name = r.name();
      const kind = r.byte();
      if (kind === 0x02) {
        const flags = r.u32();
        const initial = r.u32();
        if (flags & 1) r.u32();
        if (module === MEMORY_IMPORT_MODULE && name === MEMORY_IMPORT_NAME) return initial;
      } else if (kind === 0x00) r.u32();
      else assert(false, 'instrumented modules import only functions and their memory');
    }
    break;
  }
  return undefined;
}
