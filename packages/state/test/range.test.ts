import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Overlay, type StateWrite } from '../src/index.ts';
import { cleanupTempDirs, commitBlock, hex, openState, prng } from './helpers.ts';

after(cleanupTempDirs);

/** Keys over a small alphabet so ranges, prefixes and overlaps are frequent. */
function randomKey(random: () => number): Uint8Array {
  const n = 1 + Math.floor(random() * 3);
  return new Uint8Array(
    Array.from({ length: n }, () => [0x00, 0x01, 0x7f, 0x80, 0xff][Math.floor(random() * 5)]!),
  );
}

describe('ordered ranges', () => {
  it('committed state and stacked overlays list exactly the keys a sorted model holds', () => {
    const random = prng(42);
    const t = openState();
    const model = new Map<string, Uint8Array>();
    const writes: StateWrite[] = [];
    for (let i = 0; i < 60; i++) {
      const key = randomKey(random);
      const value = new Uint8Array([i]);
      writes.push({ key, value });
    }
    // Later writes to the same key win, as in a block's sorted write set.
    const dedup = new Map(writes.map((w) => [hex(w.key), w]));
    const sorted = [...dedup.values()].sort((a, b) => (hex(a.key) < hex(b.key) ? -1 : 1));
    commitBlock(t, 1, sorted);
    for (const w of sorted) model.set(hex(w.key), w.value!);

    const block = new Overlay(t.state);
    const tx = new Overlay(block);
    const keys = new Set([...model.keys()]);
    for (let i = 0; i < 40; i++) {
      const layer = random() < 0.5 ? block : tx;
      const key = randomKey(random);
      keys.add(hex(key));
      if (random() < 0.3) {
        layer.delete(key);
      } else {
        layer.set(key, new Uint8Array([100 + i]));
      }
    }
    // The model of what tx sees: tx.get of every key the state or any layer holds.
    const seen = new Map<string, Uint8Array>();
    for (const k of keys) {
      const v = tx.get(new Uint8Array(Buffer.from(k, 'hex')));
      if (v !== undefined) seen.set(k, v);
    }
    const all = [...seen.keys()].sort();
    for (let i = 0; i < 200; i++) {
      const start = random() < 0.2 ? undefined : randomKey(random);
      const end = random() < 0.2 ? undefined : randomKey(random);
      const reverse = random() < 0.5;
      const want = all.filter(
        (k) => (start === undefined || k >= hex(start)) && (end === undefined || k < hex(end)),
      );
      if (reverse) want.reverse();
      const got = [...tx.range({ start, end, reverse })].map(([k, v]) => [hex(k), v] as const);
      assert.deepEqual(
        got.map(([k]) => k),
        want,
        `range ${start && hex(start)}..${end && hex(end)} ${reverse ? 'reverse' : ''}`,
      );
      for (const [k, v] of got) assert.deepEqual(v, seen.get(k));
    }
    t.close();
  });
});
