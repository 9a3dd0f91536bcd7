import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ContractHarness } from '@lattice/contract-sdk';
import { isLatticeError } from '@lattice/utils';
import { wat } from '../../vm/test/helpers.ts';
import { example } from './helpers.ts';

const ABI = `(memory (export "memory") 1)
  (func (export "interface_version_1"))
  (func (export "allocate") (param i32) (result i32) (i32.const 0))
  (func (export "deallocate") (param i32))
  (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const 0))`;

describe('uploads that must be refused are, with a clear error, and the chain goes on', () => {
  let h: ContractHarness;
  before(() => {
    h = ContractHarness.create(['alice']);
  });
  after(() => h.close());

  const cases: [string, Uint8Array, string][] = [
    ['floats', wat(`(module ${ABI} (func (result f64) (f64.const 1.5)))`), 'float'],
    ['SIMD', wat(`(module ${ABI} (func (drop (v128.const i64x2 0 0))))`), 'simd'],
    ['threads', wat(`(module ${ABI} (func (drop (i32.atomic.load (i32.const 0)))))`), 'threads'],
    [
      'bulk memory',
      wat(`(module ${ABI} (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 1))))`),
      'bulk-memory',
    ],
    ['an unknown import', wat(`(module (import "env" "launch_missiles" (func)) ${ABI})`), 'import'],
    ['missing exports', wat('(module (memory (export "memory") 1))'), 'export'],
    ['malformed bytes', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff, 0xff]), 'malformed'],
  ];
  for (const [what, bytes, reason] of cases) {
    test(`a module with ${what} → WASM_INVALID (${reason})`, () => {
      assert.throws(
        () => h.storeCode('alice', bytes),
        (e: unknown) => isLatticeError(e, 'WASM_INVALID') && e.message.includes(`(${reason})`),
      );
    });
  }

  test('after every refusal a valid contract still uploads and runs', async () => {
    const id = h.storeCode('alice', await example('counter'));
    const c = h.instantiate('alice', id, { count: 3 });
    assert.deepEqual(h.query(c, { count: {} }), { count: 3 });
  });
});
