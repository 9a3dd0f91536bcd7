import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ContractHarness } from '@lattice/contract-sdk';
import { aborted, example } from './helpers.ts';

describe('token', () => {
  let h: ContractHarness;
  let token: string;
  let alice: string;
  let bob: string;
  let carol: string;
  const balance = (who: string) =>
    (h.query(token, { balance: { address: who } }) as { balance: string }).balance;

  before(async () => {
    h = ContractHarness.create(['alice', 'bob', 'carol']);
    [alice, bob, carol] = [h.address('alice'), h.address('bob'), h.address('carol')];
    const codeId = h.storeCode('alice', await example('token'));
    token = h.instantiate('alice', codeId, {
      name: 'Lattice Test Token',
      symbol: 'LTT',
      decimals: 6,
      initial_balances: [{ address: alice, amount: '1000' }],
      minter: alice,
    });
  });
  after(() => h.close());

  test('token info and total supply', () => {
    assert.deepEqual(h.query(token, { token_info: {} }), {
      name: 'Lattice Test Token',
      symbol: 'LTT',
      decimals: 6,
      total_supply: '1000',
    });
    assert.deepEqual(h.query(token, { minter: {} }), { minter: alice });
  });

  test('transfer moves balances and emits the transfer attributes', () => {
    const r = h.execute('alice', token, { transfer: { recipient: bob, amount: '250' } });
    const wasm = r.events.find((e) => e.type === 'wasm')!;
    assert.deepEqual(wasm.attributes, {
      _contract_address: token,
      action: 'transfer',
      from: alice,
      to: bob,
      amount: '250',
    });
    assert.equal(balance(alice), '750');
    assert.equal(balance(bob), '250');
    assert.throws(
      () => h.execute('bob', token, { transfer: { recipient: carol, amount: '251' } }),
      aborted(/insufficient balance/),
    );
    assert.throws(
      () => h.execute('bob', token, { transfer: { recipient: 'lat1nope', amount: '1' } }),
      aborted(/not a valid address/),
    );
    assert.throws(
      () => h.execute('bob', token, { transfer: { recipient: carol, amount: '0' } }),
      aborted(/positive/),
    );
    assert.equal(balance(bob), '250', 'failed transfers change nothing');
  });

  test('approve and transfer_from spend the allowance exactly', () => {
    h.execute('alice', token, { approve: { spender: bob, amount: '100' } });
    assert.deepEqual(h.query(token, { allowance: { owner: alice, spender: bob } }), { allowance: '100' });
    assert.throws(
      () => h.execute('bob', token, { transfer_from: { owner: alice, recipient: carol, amount: '101' } }),
      aborted(/allowance/),
    );
    h.execute('bob', token, { transfer_from: { owner: alice, recipient: carol, amount: '60' } });
    assert.deepEqual(h.query(token, { allowance: { owner: alice, spender: bob } }), { allowance: '40' });
    assert.equal(balance(carol), '60');
    assert.throws(
      () => h.execute('carol', token, { transfer_from: { owner: alice, recipient: carol, amount: '1' } }),
      aborted(/allowance/),
    );
  });

  test('only the minter mints; mint and burn move the total supply', () => {
    assert.throws(
      () => h.execute('bob', token, { mint: { recipient: bob, amount: '5' } }),
      aborted(/only the minter/),
    );
    const r = h.execute('alice', token, { mint: { recipient: bob, amount: '5' } });
    assert.equal(r.events.find((e) => e.type === 'wasm-supply')?.attributes.total_supply, '1005');
    h.execute('bob', token, { burn: { amount: '5' } });
    assert.equal((h.query(token, { token_info: {} }) as { total_supply: string }).total_supply, '1000');
    assert.throws(
      () => h.execute('alice', token, { mint: { recipient: bob, amount: '18446744073709551615' } }),
      aborted(/overflows/),
    );
  });

  test('balances add up to the total supply', () => {
    const sum = [alice, bob, carol].map((a) => BigInt(balance(a))).reduce((x, y) => x + y, 0n);
    assert.equal(
      sum.toString(),
      (h.query(token, { token_info: {} }) as { total_supply: string }).total_supply,
    );
  });
});
