import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeCache } from '../src/node-cache.ts';

describe('NodeCache', () => {
  it('never holds more than its bound and keeps entries that are used', () => {
    const cache = new NodeCache<string>(10);
    for (let i = 0; i < 100; i++) {
      cache.set(i, `v${i}`);
      assert.equal(cache.get(0), 'v0', 'a key read every round survives rotations');
      assert.ok(cache.size <= 10);
    }
    assert.equal(cache.get(1), undefined, 'an old, unused key is evicted');
    assert.equal(cache.get(99), 'v99');
    cache.set(99, 'again');
    assert.equal(cache.get(99), 'again');
  });
});
