import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssertionError, utf8 } from '@lattice/utils';
import { Overlay, type StateReader } from '../src/index.ts';

const base: StateReader = {
  get: (key) => {
    const k = Buffer.from(key).toString();
    return k === 'a' ? utf8('base-a') : k === 'b' ? utf8('base-b') : undefined;
  },
};
const s = (k: string) => utf8(k);

describe('Overlay', () => {
  it('reads through to its parent and shadows it with sets and deletes', () => {
    const o = new Overlay(base);
    assert.deepEqual(o.get(s('a')), utf8('base-a'));
    assert.equal(o.get(s('z')), undefined);
    o.set(s('a'), utf8('new-a'));
    o.delete(s('b'));
    assert.deepEqual(o.get(s('a')), utf8('new-a'));
    assert.equal(o.get(s('b')), undefined);
    assert.equal(o.size, 2);
    o.delete(s('a'));
    o.set(s('b'), utf8('back'));
    assert.equal(o.get(s('a')), undefined);
    assert.deepEqual(o.get(s('b')), utf8('back'));
    assert.equal(o.size, 2);
  });

  it('nests: a child commits into its parent, or is discarded', () => {
    const block = new Overlay(base);
    block.set(s('x'), utf8('1'));
    const tx = new Overlay(block);
    tx.set(s('y'), utf8('2'));
    tx.delete(s('x'));
    tx.delete(s('a'));
    assert.equal(tx.get(s('x')), undefined);
    assert.deepEqual(block.get(s('x')), utf8('1'), 'the parent is untouched until commitToParent');
    tx.commitToParent();
    assert.equal(tx.size, 0);
    assert.equal(block.get(s('x')), undefined);
    assert.equal(block.get(s('a')), undefined);
    assert.deepEqual(block.get(s('y')), utf8('2'));

    const failed = new Overlay(block);
    failed.set(s('y'), utf8('3'));
    failed.discard();
    assert.equal(failed.size, 0);
    assert.deepEqual(failed.get(s('y')), utf8('2'));
    failed.commitToParent();
    assert.deepEqual(block.get(s('y')), utf8('2'));

    // Committing into an empty parent, then reusing the child, keeps the two independent.
    const empty = new Overlay(base);
    const child = new Overlay(empty);
    child.set(s('k'), utf8('1'));
    child.commitToParent();
    child.set(s('k'), utf8('2'));
    assert.deepEqual(empty.get(s('k')), utf8('1'));
    assert.deepEqual(child.get(s('k')), utf8('2'));
  });

  it('refuses commitToParent onto a non-overlay parent', () => {
    assert.throws(() => new Overlay(base).commitToParent(), AssertionError);
  });

  it('lists its writes sorted by key bytes, deletions as null', () => {
    const o = new Overlay(base);
    const keys = [[2], [1, 0xff], [0xff], [1], [0x80, 0], [0], [1, 0]].map((k) => new Uint8Array(k));
    for (const k of keys) o.set(k, k);
    o.delete(new Uint8Array([0x80, 0]));
    o.set(Buffer.from([3]), utf8('buffer key'));
    const writes = o.writes();
    assert.deepEqual(
      writes.map((w) => [...w.key]),
      [[0], [1], [1, 0], [1, 0xff], [2], [3], [0x80, 0], [0xff]],
    );
    assert.equal(writes[6]!.value, null);
    assert.deepEqual(writes[0]!.value, new Uint8Array([0]));
    assert.equal(writes[0]!.key.constructor, Uint8Array);
    assert.deepEqual(o.get(new Uint8Array([3])), utf8('buffer key'));
  });

  it('tells whether it changed only keys under given prefixes or among given keys', () => {
    const o = new Overlay(base);
    const k = (...b: number[]) => new Uint8Array(b);
    assert.equal(o.changedOnly([], []), true);
    o.set(k(0x10, 1, 2), k(1));
    o.delete(k(0x10, 9));
    assert.equal(o.changedOnly([0x10], []), true);
    o.set(k(0x01, 7), k(2));
    assert.equal(o.changedOnly([0x10], []), false);
    assert.equal(o.changedOnly([0x10], [k(0x01, 7)]), true);
    // A key merely sharing a prefix with an allowed key is not that key.
    o.delete(k(0x01, 7, 0));
    assert.equal(o.changedOnly([0x10], [k(0x01, 7)]), false);
    assert.equal(o.changedOnly([0x10, 0x01], []), true);
  });
});
