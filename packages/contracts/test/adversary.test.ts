import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ContractHarness } from '@lattice/contract-sdk';
import {
  WASM_CALL_DEPTH_MAX,
  WASM_GAS_MULTIPLIER,
  WASM_GAS_PER_PAGE,
  WASM_MEMORY_PAGES_MAX,
} from '@lattice/params';
import { isLatticeError, type LatticeError } from '@lattice/utils';
import { example } from './helpers.ts';

function failure(fn: () => unknown): LatticeError {
  try {
    fn();
  } catch (e) {
    assert.ok(isLatticeError(e), String(e));
    return e;
  }
  assert.fail('expected the tx to fail');
}

describe('adversarial contracts end in a deterministic error, and the chain goes on', () => {
  let h: ContractHarness;
  let bad: string;
  before(async () => {
    h = ContractHarness.create(['alice']);
    const codeId = h.storeCode('alice', await example('adversary'));
    bad = h.instantiate('alice', codeId, {});
  });
  after(() => h.close());

  test('an infinite loop runs out of gas exactly at the tx gas limit', () => {
    const e = failure(() => h.execute('alice', bad, { loop: {} }, { gas: 2_000_000n }));
    assert.equal(e.code, 'TX_OUT_OF_GAS');
    assert.equal(e.meta.gasUsed, '2000000');
  });

  test('unbounded recursion stops at the deterministic stack limit, at the same gas each time', () => {
    const a = failure(() => h.execute('alice', bad, { recurse: {} }));
    const b = failure(() => h.execute('alice', bad, { recurse: {} }));
    assert.equal(a.code, 'WASM_STACK_LIMIT');
    assert.equal(a.meta.gasUsed, b.meta.gasUsed);
  });

  test('a memory.grow loop is stopped by the page limit, and by gas when that is short', () => {
    const r = h.execute('alice', bad, { grow: {} }, { gas: 20_000_000n });
    const pages = Number(r.events.find((e) => e.type === 'wasm')!.attributes.pages);
    assert.ok(pages > 0 && pages < WASM_MEMORY_PAGES_MAX, `grew ${pages} pages before the limit`);
    assert.ok(r.gasUsed >= (BigInt(pages) * WASM_GAS_PER_PAGE) / WASM_GAS_MULTIPLIER);
    assert.equal(
      failure(() => h.execute('alice', bad, { grow: {} }, { gas: 1_000_000n })).code,
      'TX_OUT_OF_GAS',
    );
  });

  test('huge storage writes run out of gas and leave nothing behind', () => {
    const e = failure(() => h.execute('alice', bad, { write: {} }, { gas: 50_000_000n }));
    assert.equal(e.code, 'TX_OUT_OF_GAS');
    const key = new Uint8Array(4);
    assert.equal(h.raw(bad, key), undefined, 'writes of a failed call are dropped');
  });

  test('a contract calling itself stops at the call depth limit and reverts every level', () => {
    const e = failure(() => h.execute('alice', bad, { self: {} }, { gas: 50_000_000n }));
    assert.equal(e.code, 'WASM_CALL_DEPTH');
    assert.match(e.message, new RegExp(`deeper than ${WASM_CALL_DEPTH_MAX}`));
    assert.deepEqual(h.query(bad, { spins: {} }), { spins: 0 });
  });

  test('events multiplied through sub-calls stop at the per-tx bound', () => {
    const e = failure(() => h.execute('alice', bad, { spam: {} }, { gas: 90_000_000n }));
    assert.equal(e.code, 'WASM_CONTRACT_ERROR');
    assert.match(e.message, /more than \d+ events/);
  });

  test('a contract querying itself stops at the query depth limit', () => {
    assert.throws(
      () => h.query(bad, { self: {} }),
      (e: unknown) => isLatticeError(e, 'WASM_ABORTED') && /deeper/.test(e.message),
    );
  });

  test('contracts querying each other share one stack budget: the limit, never a native overflow', () => {
    assert.throws(
      () => h.query(bad, { deep_query: {} }),
      (e: unknown) => isLatticeError(e, 'WASM_ABORTED') && /call stack limit/.test(e.message),
    );
  });

  test('a contract queried in the middle of a call sees the block being executed', () => {
    const r = h.execute('alice', bad, { ask_height: {} });
    assert.equal(r.events.find((e) => e.type === 'wasm')?.attributes.height, String(r.height));
  });

  test('after all of it, ordinary calls still work', () => {
    assert.deepEqual(h.query(bad, { spins: {} }), { spins: 0 });
    const before = h.height;
    h.advance(2);
    assert.equal(h.height, before + 2);
  });
});
