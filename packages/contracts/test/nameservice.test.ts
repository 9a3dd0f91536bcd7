import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ContractHarness } from '@lattice/contract-sdk';
import { aborted, example } from './helpers.ts';

const PRICE = [{ denom: 'udrt', amount: 100n }];

describe('name service', () => {
  let h: ContractHarness;
  let ns: string;
  before(async () => {
    h = ContractHarness.create(['alice', 'bob']);
    const codeId = h.storeCode('alice', await example('nameservice'));
    ns = h.instantiate('alice', codeId, { price: { denom: 'udrt', amount: '100' } });
  });
  after(() => h.close());

  test('register for the price, resolve, set the address, transfer', () => {
    assert.throws(() => h.execute('alice', ns, { register: { name: 'alice' } }), aborted(/costs 100udrt/));
    h.execute('alice', ns, { register: { name: 'alice' } }, { funds: PRICE });
    assert.equal(h.balance(ns), 100n);
    assert.deepEqual(h.query(ns, { resolve: { name: 'alice' } }), {
      owner: h.address('alice'),
      address: h.address('alice'),
    });
    assert.throws(
      () => h.execute('bob', ns, { register: { name: 'alice' } }, { funds: PRICE }),
      aborted(/taken/),
    );
    assert.throws(
      () => h.execute('bob', ns, { set_address: { name: 'alice', address: h.address('bob') } }),
      aborted(/only the owner/),
    );
    h.execute('alice', ns, { set_address: { name: 'alice', address: h.address('bob') } });
    h.execute('alice', ns, { transfer: { name: 'alice', to: h.address('bob') } });
    assert.deepEqual(h.query(ns, { resolve: { name: 'alice' } }), {
      owner: h.address('bob'),
      address: h.address('bob'),
    });
    assert.deepEqual(h.query(ns, { resolve: { name: 'nobody' } }), { owner: null, address: null });
  });

  test("names_of lists an owner's names in order, page by page (prefix iteration)", () => {
    for (const n of ['zeta', 'beta', 'gamma', 'alpha-1'])
      h.execute('bob', ns, { register: { name: n } }, { funds: PRICE });
    const owner = h.address('bob');
    assert.deepEqual(h.query(ns, { names_of: { owner } }), {
      names: ['alice', 'alpha-1', 'beta', 'gamma', 'zeta'],
    });
    assert.deepEqual(h.query(ns, { names_of: { owner, limit: 2 } }), { names: ['alice', 'alpha-1'] });
    assert.deepEqual(h.query(ns, { names_of: { owner, start_after: 'alpha-1', limit: 2 } }), {
      names: ['beta', 'gamma'],
    });
    assert.deepEqual(h.query(ns, { names_of: { owner: h.address('alice') } }), { names: [] });
  });

  test('names are validated', () => {
    assert.throws(
      () => h.execute('bob', ns, { register: { name: 'No' } }, { funds: PRICE }),
      aborted(/3 to 64/),
    );
    assert.throws(
      () => h.execute('bob', ns, { register: { name: 'Bad Name' } }, { funds: PRICE }),
      aborted(/a-z/),
    );
  });
});
