import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WASM_GAS_PER_PAGE, WASM_MEMORY_PAGES_MAX, WASM_NESTING_DEPTH_MAX } from '@lattice/params';
import { isLatticeError, LatticeError } from '@lattice/utils';
import {
  callContract,
  compileContract,
  compileModule,
  type HostImports,
  instrument,
  VmFault,
  validateModule,
} from '../src/index.ts';
import { additionChain, assertRejects, TEST_POLICY, wat } from './helpers.ts';

const GAS = 10_000_000_000n;

const SOURCE = wat(`(module
  (import "env" "add" (func $add (param i64 i64) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $fib $ping)
  (global $counter (mut i32) (i32.const 0))
  (type $i2i (func (param i32) (result i32)))
  (func (export "run") (param i32) (result i32) (local.get 0))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
      (local.set $s (i32.add (local.get $s) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $s) (global.get $counter)))
  (func (export "indirect") (param i32) (result i32)
    (call_indirect (type $i2i) (local.get 0) (i32.const 0)))
  (func $ping (param i32) (result i32)
    (call_indirect (type $i2i) (local.get 0) (i32.const 1)))
  (func (export "ping") (param i32) (result i32) (call $ping (local.get 0)))
  (func $rec (export "rec") (param i32) (result i32) (i32.add (i32.const 1) (call $rec (local.get 0))))
  (func (export "spin") (param i32) (result i32) (loop $l (br $l)) (i32.const 0))
  (func (export "grow") (param i32) (result i32) (local $n i32)
    (block $full (loop $l
      (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $n))
  (func (export "hostadd") (param i32) (result i32)
    (i32.wrap_i64 (call $add (i64.extend_i32_u (local.get 0)) (i64.const 1))))
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 7) (local.get 0)))
  (func (export "oob") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "trap") (param i32) (result i32) (unreachable))
  (func (export "badindirect") (param i32) (result i32)
    (call_indirect (type $i2i) (i32.const 0) (local.get 0)))
)`);

const HOST: HostImports = {
  env: {
    log: { baseGas: 10n, fn: () => undefined },
    add: { baseGas: 1_000n, fn: (_ctx, a, b) => (a as bigint) + (b as bigint) },
  },
};

validateModule(SOURCE, TEST_POLICY);
const plain = compileModule(SOURCE);
const metered = compileContract(instrument(SOURCE));

function runPlain(entry: string, arg: number): number {
  const imports = { env: { log: () => undefined, add: (a: bigint, b: bigint) => a + b } };
  const exports = new WebAssembly.Instance(plain, imports).exports as Record<string, (x: number) => number>;
  return exports[entry]!(arg);
}

function run(entry: string, arg: number, gas = GAS, host: HostImports = HOST) {
  return callContract(metered, host, entry, [arg], gas);
}

function failure(fn: () => unknown): LatticeError {
  try {
    fn();
  } catch (e) {
    assert.ok(isLatticeError(e), `expected a LatticeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

describe('instrumented execution', () => {
  test('computes exactly what the plain module computes', () => {
    for (const [entry, arg] of [
      ['fib', 20],
      ['sum', 1000],
      ['indirect', 15],
      ['hostadd', 41],
      ['run', 7],
    ] as const) {
      assert.equal(run(entry, arg).value, runPlain(entry, arg), entry);
    }
  });

  test('gas is deterministic, grows with work and includes host charges', () => {
    const a = run('fib', 15).gasUsed;
    assert.equal(run('fib', 15).gasUsed, a);
    assert.ok(run('fib', 16).gasUsed > a);
    assert.ok(run('sum', 2000).gasUsed > run('sum', 1000).gasUsed);
    const withHost = run('hostadd', 1).gasUsed;
    assert.ok(withHost >= 1_000n, `host base gas is charged (${withHost})`);
    assert.deepEqual(instrument(SOURCE), instrument(SOURCE), 'instrumenting is deterministic');
  });

  test('an infinite loop runs out of gas exactly at the limit', () => {
    const e = failure(() => run('spin', 0, 5_000_000n));
    assert.equal(e.code, 'TX_OUT_OF_GAS');
    assert.equal(e.meta.gasUsed, '5000000');
  });

  test('any call fails with out of gas when the limit is below its cost', () => {
    const cost = run('fib', 10).gasUsed;
    assert.equal(run('fib', 10, cost).value, 55);
    assert.equal(failure(() => run('fib', 10, cost - 1n)).code, 'TX_OUT_OF_GAS');
  });

  test('unbounded recursion stops at the deterministic stack limit, directly or through the table', () => {
    const direct = failure(() => run('rec', 0));
    assert.equal(direct.code, 'WASM_STACK_LIMIT');
    assert.equal(
      failure(() => run('rec', 0)).meta.gasUsed,
      direct.meta.gasUsed,
      'at the same depth every time',
    );
    assert.equal(failure(() => run('ping', 0)).code, 'WASM_STACK_LIMIT');
  });

  test('memory.grow stops at the page limit and pays per page', () => {
    const r = run('grow', 0);
    assert.equal(r.value, WASM_MEMORY_PAGES_MAX - 1);
    assert.ok(r.gasUsed >= BigInt(WASM_MEMORY_PAGES_MAX - 1) * WASM_GAS_PER_PAGE);
    assert.equal(failure(() => run('grow', 0, 10n * WASM_GAS_PER_PAGE)).code, 'TX_OUT_OF_GAS');
  });

  test('traps become WASM_TRAP with a canonical message', () => {
    assert.match(failure(() => run('div', 0)).message, /integer divide by zero/);
    assert.match(failure(() => run('oob', 65_536)).message, /out of bounds memory access/);
    assert.match(failure(() => run('trap', 0)).message, /unreachable executed/);
    assert.match(failure(() => run('badindirect', 5)).message, /undefined table element/);
  });

  test('host errors pass through; a host bug is a VmFault, not a result', () => {
    const refusing: HostImports = {
      env: {
        ...HOST.env,
        add: {
          baseGas: 1n,
          fn: () => {
            throw new LatticeError('WASM_HOST_ERROR', 'no');
          },
        },
      },
    };
    assert.equal(failure(() => run('hostadd', 1, GAS, refusing)).code, 'WASM_HOST_ERROR');
    const buggy: HostImports = {
      env: {
        ...HOST.env,
        add: {
          baseGas: 1n,
          fn: () => {
            throw new TypeError('bug');
          },
        },
      },
    };
    assert.throws(() => run('hostadd', 1, GAS, buggy), VmFault);
  });

  test('code nesting is bounded at upload, and what passes instruments with stack to spare', () => {
    assertRejects(() => validateModule(additionChain(20_000), TEST_POLICY), 'limit');
    const deep = additionChain(WASM_NESTING_DEPTH_MAX - 8);
    validateModule(deep, TEST_POLICY);
    // Called from 3,000 JavaScript frames down, as a busy node might.
    const nested = (d: number): Uint8Array => (d === 0 ? instrument(deep) : nested(d - 1));
    const m = compileContract(nested(3_000));
    assert.equal(callContract(m, {}, 'run', [1], GAS).value, WASM_NESTING_DEPTH_MAX - 7);
  });
});
