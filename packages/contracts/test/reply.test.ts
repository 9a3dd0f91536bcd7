import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ContractHarness } from '@lattice/contract-sdk';
import { isLatticeError } from '@lattice/utils';
import { example } from './helpers.ts';

describe('sub-messages and reply', () => {
  let h: ContractHarness;
  let proxy: string;
  let counter: string;
  const call = (msg: unknown, replyOn: string) =>
    h.execute('alice', proxy, { call: { contract: counter, msg, reply_on: replyOn } });
  const count = () => (h.query(counter, { count: {} }) as { count: number }).count;

  before(async () => {
    h = ContractHarness.create(['alice', 'bob']);
    const counterCode = h.storeCode('alice', await example('counter'));
    // bob owns the counter, so the proxy (and alice) cannot reset it.
    counter = h.instantiate('bob', counterCode, { count: 10 });
    proxy = h.instantiate('alice', h.storeCode('alice', await example('proxy')), {});
  });
  after(() => h.close());

  test('success with reply_on success: the call and the reply both happen, events included', () => {
    const r = call({ increment: {} }, 'success');
    assert.equal(count(), 11);
    assert.deepEqual(h.query(proxy, { last_reply: {} }), { id: 1, ok: true, error: '' });
    const types = r.events.map((e) => e.type);
    assert.ok(types.includes('wasm-counter'), 'the sub-call events are in the receipt');
    assert.ok(r.events.some((e) => e.type === 'wasm' && e.attributes.reply === '1'));
  });

  test('failure with reply_on error: only the sub-message reverts, the reply records it', () => {
    h.execute('alice', proxy, {
      call: { contract: counter, msg: { reset: { count: 0 } }, reply_on: 'error' },
    });
    assert.equal(count(), 11, 'the failed sub-call changed nothing');
    const last = h.query(proxy, { last_reply: {} }) as { id: number; ok: boolean; error: string };
    assert.equal(last.ok, false);
    assert.equal(last.id, 2);
    assert.match(last.error, /only the owner/);
    assert.deepEqual(h.query(proxy, { calls: {} }), { calls: 2 }, "the proxy's own write stays");
  });

  test('failure with reply_on never (or success): the whole call reverts', () => {
    for (const replyOn of ['never', 'success']) {
      assert.throws(
        () => call({ reset: { count: 0 } }, replyOn),
        (e: unknown) => isLatticeError(e, 'WASM_ABORTED') && /only the owner/.test(e.message),
      );
    }
    assert.deepEqual(h.query(proxy, { calls: {} }), { calls: 2 }, 'the failed calls left no trace');
  });

  test('reply_on always hears a success too', () => {
    call({ increment: {} }, 'always');
    assert.deepEqual(h.query(proxy, { last_reply: {} }), { id: 3, ok: true, error: '' });
  });
});
