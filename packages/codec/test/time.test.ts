import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, TimestampSchema, timestampFromMs, timestampToMs } from '../src/index.ts';

describe('timestamps', () => {
  it('convert milliseconds both ways', () => {
    const ts = timestampFromMs(1_700_000_000_123n);
    assert.equal(ts.seconds, 1_700_000_000n);
    assert.equal(ts.nanos, 123_000_000);
    assert.equal(timestampToMs(ts), 1_700_000_000_123n);
    assert.equal(timestampToMs(timestampFromMs(1_700_000_000_123)), 1_700_000_000_123n);
    assert.equal(timestampToMs(timestampFromMs(0)), 0n);
  });

  it('keep nanos non-negative before the epoch', () => {
    const ts = timestampFromMs(-1n);
    assert.equal(ts.seconds, -1n);
    assert.equal(ts.nanos, 999_000_000);
    assert.equal(timestampToMs(ts), -1n);
  });

  it('truncate sub-millisecond nanos', () => {
    assert.equal(timestampToMs(create(TimestampSchema, { seconds: 1n, nanos: 1_999_999 })), 1001n);
  });

  it('reject non-integers, out-of-range values and bad nanos', () => {
    assert.throws(() => timestampFromMs(1.5), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => timestampFromMs(Number.NaN), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => timestampFromMs(1n << 80n), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => timestampToMs(create(TimestampSchema, { nanos: -1 })), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => timestampToMs(create(TimestampSchema, { nanos: 1_000_000_000 })), {
      code: 'INVALID_ARGUMENT',
    });
  });
});
