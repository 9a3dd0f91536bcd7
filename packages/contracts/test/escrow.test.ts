import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ContractHarness } from '@lattice/contract-sdk';
import { aborted, example } from './helpers.ts';

describe('time-locked escrow', () => {
  let h: ContractHarness;
  let codeId: bigint;
  before(async () => {
    h = ContractHarness.create(['alice', 'bob', 'judge']);
    codeId = h.storeCode('alice', await example('escrow'));
  });
  after(() => h.close());

  const open = (releaseIn: number) =>
    h.instantiate(
      'alice',
      codeId,
      {
        arbiter: h.address('judge'),
        recipient: h.address('bob'),
        release_height: String(h.height + releaseIn),
      },
      { funds: [{ denom: 'udrt', amount: 5_000n }] },
    );

  test('holds the funds until the release height, then pays the recipient once', () => {
    const escrow = open(5);
    assert.equal(h.balance(escrow), 5_000n);
    assert.throws(() => h.execute('bob', escrow, { release: {} }), aborted(/locked until height/));
    h.advance(5);
    const bobBefore = h.balance(h.address('bob'));
    const r = h.execute('alice', escrow, { release: {} });
    assert.ok(r.events.some((e) => e.type === 'transfer' && e.attributes.recipient === h.address('bob')));
    assert.equal(h.balance(h.address('bob')) - bobBefore, 5_000n);
    assert.equal(h.balance(escrow), 0n);
    assert.equal((h.query(escrow, { config: {} }) as { state: string }).state, 'released');
    assert.throws(() => h.execute('bob', escrow, { release: {} }), aborted(/already released/));
  });

  test('the arbiter, and only the arbiter, refunds the funder before release', () => {
    const escrow = open(100);
    assert.throws(() => h.execute('bob', escrow, { refund: {} }), aborted(/only the arbiter/));
    const aliceBefore = h.balance(h.address('alice'));
    h.execute('judge', escrow, { refund: {} });
    assert.equal(h.balance(h.address('alice')) - aliceBefore, 5_000n);
    h.advance(100);
    assert.throws(() => h.execute('bob', escrow, { release: {} }), aborted(/already refunded/));
  });

  test('an unfunded or already-due escrow is refused at instantiation', () => {
    assert.throws(
      () =>
        h.instantiate('alice', codeId, {
          arbiter: h.address('judge'),
          recipient: h.address('bob'),
          release_height: '999',
        }),
      aborted(/must be funded/),
    );
    assert.throws(
      () =>
        h.instantiate(
          'alice',
          codeId,
          { arbiter: h.address('judge'), recipient: h.address('bob'), release_height: String(h.height) },
          { funds: [{ denom: 'udrt', amount: 1n }] },
        ),
      aborted(/in the future/),
    );
  });
});
