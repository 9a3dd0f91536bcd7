import assert from 'node:assert/strict';
import { isLatticeError } from '@lattice/utils';
import binaryen from 'binaryen';
import type { ValidationPolicy } from '../src/index.ts';
import { sig } from '../src/index.ts';

/**
 * Assembles WebAssembly text with every standard feature enabled, so tests can build what upload
 * must refuse. Left out: binaryen's experimental compact imports, and bulk memory, whose only
 * effect on encoding is a data count section (its instructions are still emitted).
 */
export function wat(text: string): Uint8Array {
  const m = binaryen.parseText(text);
  try {
    const F = binaryen.Features as typeof binaryen.Features & { CompactImports: number };
    m.setFeatures(F.All & ~(F.CompactImports | F.BulkMemory | F.BulkMemoryOpt));
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/** A small host surface for tests: env.log(ptr, len) and env.add(i64, i64) -> i64. */
export const TEST_POLICY: ValidationPolicy = {
  imports: new Map([
    ['env.log', sig(['i32', 'i32'])],
    ['env.add', sig(['i64', 'i64'], ['i64'])],
  ]),
  requiredExports: [
    { name: 'memory', kind: 'memory' },
    { name: 'run', kind: 'func', sig: sig(['i32'], ['i32']) },
  ],
};

/** A module body wrapped with what TEST_POLICY requires (memory and run). */
export function contract(
  body: string,
  run = '(func (export "run") (param i32) (result i32) (local.get 0))',
): string {
  return `(module ${body} (memory (export "memory") 1) ${run})`;
}

export function assertRejects(fn: () => unknown, reason: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isLatticeError(e, 'WASM_INVALID'), `expected WASM_INVALID, got ${String(e)}`);
    assert.equal(e.meta.reason, reason, e.message);
    return true;
  });
}

function leb(x: number): number[] {
  const out: number[] = [];
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return out;
}

/**
 * `run(x) = x + 1 + 1 + …` as `depth` additions in stack-machine form, which reads as an
 * expression tree `depth` levels deep. Encoded by hand: text assemblers recurse over it too.
 */
export function additionChain(depth: number): Uint8Array {
  const body = [0x00, 0x20, 0x00];
  for (let i = 0; i < depth; i++) body.push(0x41, 0x01, 0x6a);
  body.push(0x0b);
  const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
  const name = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('run'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}
