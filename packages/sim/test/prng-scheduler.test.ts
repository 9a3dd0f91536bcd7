import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng, Scheduler } from '../src/index.ts';

test('the same seed gives the same stream, different seeds differ', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const c = new Prng(43);
  const xs = Array.from({ length: 8 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 8 }, () => b.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 8 }, () => c.next()),
  );
});

test('int stays in range and reaches both ends; chance honours 0 and 1000', () => {
  const r = new Prng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 2_000; i++) {
    const x = r.int(3, 9);
    assert.ok(x >= 3 && x <= 9);
    seen.add(x);
  }
  assert.equal(seen.size, 7);
  for (let i = 0; i < 100; i++) {
    assert.equal(r.chance(0), false);
    assert.equal(r.chance(1000), true);
  }
  assert.deepEqual(r.shuffle([1, 2, 3, 4]).sort(), [1, 2, 3, 4]);
});

test('the scheduler orders by time, then by insertion, and advances the clock', () => {
  const s = new Scheduler<string>(10);
  s.schedule(5, 'b');
  s.schedule(1, 'a');
  s.schedule(5, 'c');
  s.schedule(0, 'first');
  const order: string[] = [];
  for (let x = s.pop(); x !== undefined; x = s.pop()) order.push(`${x}@${s.now}`);
  assert.deepEqual(order, ['first@0', 'a@1', 'b@5', 'c@5']);
  s.schedule(2, 'later');
  assert.equal(s.pop(), 'later');
  assert.equal(s.now, 7);
});

test('the scheduler is bounded', () => {
  const s = new Scheduler<number>(2);
  assert.equal(s.schedule(1, 1), true);
  assert.equal(s.schedule(1, 2), true);
  assert.equal(s.schedule(1, 3), false);
  assert.equal(s.size, 2);
});
