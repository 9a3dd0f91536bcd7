import { assert } from '@lattice/utils';
import { WasmReader } from './reader.ts';

const MEMORY_SECTION = 5;

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

/**
 * Rewrites the (validated) module's one memory, declared with a minimum only, to also declare
 * `maxPages`: V8 then refuses to grow it further and memory.grow returns -1, as the spec says.
 */
export function withMemoryMaximum(bytes: Uint8Array, maxPages: number): Uint8Array {
  const r = new WasmReader(bytes, 8);
  while (!r.done) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const contentStart = r.pos;
    if (id !== MEMORY_SECTION) {
      r.pos += size;
      continue;
    }
    const count = r.u32();
    const flags = r.u32();
    assert(count === 1 && flags === 0, 'withMemoryMaximum needs one memory without a maximum');
    const min = r.u32();
    assert(r.pos === contentStart + size, 'memory section has trailing bytes');
    const content = [1, 1, ...leb(min), ...leb(maxPages)];
    const section = new Uint8Array([MEMORY_SECTION, ...leb(content.length), ...content]);
    const out = new Uint8Array(bytes.length - (r.pos - start) + section.length);
    out.set(bytes.subarray(0, start), 0);
    out.set(section, start);
    out.set(bytes.subarray(r.pos), start + section.length);
    return out;
  }
  throw new Error('withMemoryMaximum: the module has no memory section');
}
