import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ContractHarness } from '@lattice/contract-sdk';
import { isLatticeError } from '@lattice/utils';
import { example } from './helpers.ts';

describe('counter (through the real app)', () => {
  let h: ContractHarness;
  let codeId: bigint;
  before(async () => {
    h = ContractHarness.create(['alice', 'bob']);
    codeId = h.storeCode('alice', await example('counter'));
  });
  after(() => h.close());

  test('instantiate, increment, query; the receipt shows the wasm events and gas', () => {
    const counter = h.instantiate('alice', codeId, { count: 41 }, { label: 'my counter' });
    const r = h.execute('bob', counter, { increment: {} });
    assert.ok(r.gasUsed > 0n);
    const wasm = r.events.find((e) => e.type === 'wasm');
    assert.equal(wasm?.attributes._contract_address, counter);
    assert.equal(wasm?.attributes.action, 'increment');
    assert.equal(r.events.find((e) => e.type === 'wasm-counter')?.attributes.count, '42');
    assert.deepEqual(h.query(counter, { count: {} }), { count: 42 });
  });

  test('only the owner resets; a failed call changes nothing and still reports gas', () => {
    const counter = h.instantiate('alice', codeId, { count: 1 });
    assert.throws(
      () => h.execute('bob', counter, { reset: { count: 100 } }),
      (e: unknown) =>
        isLatticeError(e, 'WASM_ABORTED') && /only the owner/.test(e.message) && Number(e.meta.gasUsed) > 0,
    );
    assert.deepEqual(h.query(counter, { count: {} }), { count: 1 });
    h.execute('alice', counter, { reset: { count: 100 } });
    assert.deepEqual(h.query(counter, { count: {} }), { count: 100 });
  });

  test('a contract that does not exist, or code that does not, is a clear error', () => {
    assert.throws(
      () => h.instantiate('alice', 999n, {}),
      (e: unknown) => isLatticeError(e, 'NOT_FOUND'),
    );
    assert.throws(
      () => h.execute('alice', h.address('bob'), { increment: {} }),
      (e: unknown) => isLatticeError(e, 'NOT_FOUND'),
    );
  });
});
