import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WASM_CODE_BYTES_MAX, WASM_FUNCTION_LOCALS_MAX } from '@lattice/params';
import { validateModule } from '../src/index.ts';
import { assertRejects, contract, TEST_POLICY, wat } from './helpers.ts';

const validate = (bytes: Uint8Array) => validateModule(bytes, TEST_POLICY);

describe('upload validation', () => {
  test('accepts an integer-only module with whitelisted imports, a table and data', () => {
    const s = validate(
      wat(
        contract(`
          (import "env" "log" (func $log (param i32 i32)))
          (import "env" "add" (func $add (param i64 i64) (result i64)))
          (global $g (mut i32) (i32.const 7))
          (table 2 funcref)
          (elem (i32.const 0) $f $f)
          (data (i32.const 16) "hello")
          (func $f (param i64) (result i64)
            (i64.extend32_s (call $add (local.get 0) (i64.const -1))))`),
      ),
    );
    assert.deepEqual(
      s.imports.map((i) => `${i.module}.${i.name}`),
      ['env.log', 'env.add'],
    );
    assert.equal(s.memoryInitialPages, 1);
    assert.equal(s.functions, 2);
  });

  test('refuses malformed bytes', () => {
    assertRejects(() => validate(new Uint8Array([1, 2, 3])), 'malformed');
    assertRejects(() => validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), 'malformed');
    const good = wat(contract(''));
    assertRejects(() => validate(good.subarray(0, good.length - 3)), 'malformed');
    const trailing = new Uint8Array([...good, 0x0b]);
    assertRejects(() => validate(trailing), 'malformed');
  });

  test('refuses floats in every form', () => {
    assertRejects(() => validate(wat(contract('(func (param f32))'))), 'float');
    assertRejects(() => validate(wat(contract('(func (local f64))'))), 'float');
    assertRejects(() => validate(wat(contract('(global f64 (f64.const 1))'))), 'float');
    assertRejects(() => validate(wat(contract('(func (drop (f32.const 1)))'))), 'float');
    assertRejects(
      () => validate(wat(contract('(func (result i32) (i32.trunc_sat_f32_s (f32.const 1)))'))),
      'float',
    );
    assertRejects(
      () => validate(wat(contract('(func (result i64) (i64.reinterpret_f64 (f64.const 1)))'))),
      'float',
    );
    assertRejects(() => validate(wat(contract('(func (drop (f64.load (i32.const 0))))'))), 'float');
  });

  test('refuses SIMD, threads, bulk memory, reference types, exceptions, tail calls and multi-value', () => {
    assertRejects(() => validate(wat(contract('(func (drop (v128.const i64x2 0 0)))'))), 'simd');
    assertRejects(
      () =>
        validate(
          wat(
            '(module (memory (export "memory") 1 2 shared) (func (export "run") (param i32) (result i32) (local.get 0)))',
          ),
        ),
      'threads',
    );
    assertRejects(() => validate(wat(contract('(func (drop (i32.atomic.load (i32.const 0))))'))), 'threads');
    assertRejects(
      () => validate(wat(contract('(func (memory.fill (i32.const 0) (i32.const 0) (i32.const 1)))'))),
      'bulk-memory',
    );
    assertRejects(() => validate(wat(contract('(data "passive")'))), 'bulk-memory');
    assertRejects(() => validate(wat(contract('(func (param externref))'))), 'reference-types');
    assertRejects(() => validate(wat(contract('(tag $t) (func (throw $t))'))), 'exceptions');
    assertRejects(() => validate(wat(contract('(func $f (return_call $f))'))), 'tail-call');
    assertRejects(
      () => validate(wat(contract('(func (result i32 i32) (i32.const 1) (i32.const 2))'))),
      'multi-value',
    );
  });

  test('refuses a start function and a memory that is missing, imported, shared or bounded', () => {
    assertRejects(() => validate(wat(contract('(func $s) (start $s)'))), 'start-function');
    assertRejects(
      () => validate(wat('(module (func (export "run") (param i32) (result i32) (local.get 0)))')),
      'memory',
    );
    assertRejects(
      () =>
        validate(
          wat(
            '(module (memory (export "memory") 1 4) (func (export "run") (param i32) (result i32) (local.get 0)))',
          ),
        ),
      'memory',
    );
    assertRejects(
      () =>
        validate(
          wat(
            '(module (import "env" "mem" (memory 1)) (export "memory" (memory 0)) (func (export "run") (param i32) (result i32) (local.get 0)))',
          ),
        ),
      'memory',
    );
  });

  test('refuses unknown imports and imports with the wrong signature', () => {
    assertRejects(() => validate(wat(contract('(import "env" "evil" (func))'))), 'import');
    assertRejects(() => validate(wat(contract('(import "wasi" "log" (func (param i32 i32)))'))), 'import');
    assertRejects(() => validate(wat(contract('(import "env" "log" (func (param i32)))'))), 'import');
    assertRejects(() => validate(wat(contract('(import "env" "g" (global i32))'))), 'import');
  });

  test('refuses missing or mistyped required exports', () => {
    assertRejects(() => validate(wat('(module (memory (export "memory") 1))')), 'export');
    assertRejects(
      () => validate(wat('(module (memory 1) (func (export "run") (param i32) (result i32) (local.get 0)))')),
      'export',
    );
    assertRejects(
      () =>
        validate(
          wat(
            '(module (memory (export "memory") 1) (func (export "run") (param i64) (result i32) (i32.const 0)))',
          ),
        ),
      'export',
    );
  });

  test('enforces size limits', () => {
    const locals = Array(WASM_FUNCTION_LOCALS_MAX + 1)
      .fill('i32')
      .join(' ');
    assertRejects(() => validate(wat(contract(`(func (local ${locals}))`))), 'limit');
    assertRejects(() => validate(new Uint8Array(WASM_CODE_BYTES_MAX + 1)), 'limit');
    assertRejects(
      () =>
        validate(
          wat(
            '(module (memory (export "memory") 33) (func (export "run") (param i32) (result i32) (local.get 0)))',
          ),
        ),
      'limit',
    );
  });

  test('refuses segments that could not be instantiated', () => {
    assertRejects(() => validate(wat(contract('(data (i32.const 65530) "0123456789")'))), 'invalid');
    assertRejects(() => validate(wat(contract('(data (i32.const -1) "x")'))), 'invalid');
    assertRejects(
      () => validate(wat(contract('(table 1 funcref) (elem (i32.const 1) $f) (func $f)'))),
      'invalid',
    );
  });

  test('leaves typing to V8 and reports its reason', () => {
    // Structurally fine, but i64.add on an i32 operand.
    assertRejects(() => validate(fixTypeError()), 'invalid');
  });
});

/** A module whose only fault is a type error (assembled by hand: text assemblers refuse it). */
function fixTypeError(): Uint8Array {
  const ok = wat(contract('(func (result i64) (i64.add (i64.const 1) (i64.const 2)))'));
  // Turn the first `i64.const 1` (0x42 0x01) into `i32.const 1` (0x41 0x01).
  for (let i = ok.length - 1; i > 0; i--) {
    if (ok[i - 1] === 0x42 && ok[i] === 0x01 && ok[i + 1] === 0x42) {
      const out = ok.slice();
      out[i - 1] = 0x41;
      return out;
    }
  }
  throw new Error('pattern not found');
}
