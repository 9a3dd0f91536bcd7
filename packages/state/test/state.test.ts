import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  STATE_KEY_MAX_BYTES,
  STATE_VALUE_CACHE_VALUE_MAX_BYTES,
  STATE_VALUE_MAX_BYTES,
} from '@lattice/params';
import { AssertionError, utf8 } from '@lattice/utils';
import { EMPTY_ROOT, type StateWrite, verifyStateProof } from '../src/index.ts';
import {
  cleanupTempDirs,
  commitBlock,
  hex,
  openState,
  prng,
  randomBytes,
  referenceRoot,
  unhex,
} from './helpers.ts';

after(cleanupTempDirs);

/** Random blocks of inserts, updates and deletes over a bounded key pool, with a model of the state. */
function randomBlocks(seed: number, blocks: number, poolSize: number, writesPerBlock: number) {
  const random = prng(seed);
  const pool = Array.from({ length: poolSize }, (_, i) => randomBytes(random, 1 + (i % 40)));
  const model = new Map<string, Uint8Array>();
  const out: { writes: StateWrite[]; after: Map<string, Uint8Array> }[] = [];
  for (let b = 0; b < blocks; b++) {
    const writes: StateWrite[] = [];
    for (let i = 0; i < writesPerBlock; i++) {
      const key = pool[Math.floor(random() * poolSize)]!;
      if (random() < 0.25) {
        writes.push({ key, value: null });
        model.delete(hex(key));
      } else {
        const value = randomBytes(random, Math.floor(random() * 64));
        writes.push({ key, value });
        model.set(hex(key), value);
      }
    }
    out.push({ writes, after: new Map(model) });
  }
  return out;
}

function modelEntries(model: Map<string, Uint8Array>): [Uint8Array, Uint8Array][] {
  return [...model].map(([k, v]) => [unhex(k), v]);
}

describe('AuthenticatedState', () => {
  it('starts empty', async () => {
    const t = openState();
    assert.equal(t.state.height, 0);
    assert.deepEqual(t.state.root, EMPTY_ROOT);
    assert.equal(t.state.get(utf8('a')), undefined);
    assert.equal(t.state.rootAt(1), undefined);
    const p = t.state.prove(utf8('a'));
    assert.equal(p.height, 0);
    assert.equal(p.value, undefined);
    assert.ok(verifyStateProof(EMPTY_ROOT, utf8('a'), undefined, p.proof));
    assert.ok(!verifyStateProof(EMPTY_ROOT, utf8('a'), utf8('x'), p.proof));
    assert.deepEqual([...t.state.iterate(new Uint8Array(0))], []);
    await t.close();
  });

  it('matches an independent from-scratch reference after blocks of random writes', async () => {
    const t = openState();
    const blocks = randomBlocks(1, 10, 400, 120);
    let height = 7; // genesis at an arbitrary initial height
    for (const { writes, after: model } of blocks) {
      const expected = referenceRoot(modelEntries(model));
      const staged = t.state.stage(height, writes);
      assert.deepEqual(staged.root, expected, `staged root at ${height}`);
      assert.equal(t.state.height, height === 7 ? 0 : height - 1, 'stage writes nothing');
      t.store.transaction(() => t.state.commit(staged));
      assert.equal(t.state.height, height);
      assert.deepEqual(t.state.root, expected);
      assert.deepEqual(t.state.rootAt(height), expected);
      for (const [k, v] of model) assert.deepEqual(t.state.get(unhex(k)), v);
      height++;
    }
    const entries = [...t.state.iterate(new Uint8Array(0))];
    const model = blocks.at(-1)!.after;
    assert.equal(entries.length, model.size);
    await t.close();
  });

  it('gives the same root whatever the order of writes, and the last duplicate wins', async () => {
    const t = openState();
    const random = prng(2);
    const writes: StateWrite[] = Array.from({ length: 300 }, (_, i) => ({
      key: utf8(`key-${i}`),
      value: i % 7 === 0 ? null : randomBytes(random, 8),
    }));
    const forward = t.state.stage(1, writes).root;
    const backward = t.state.stage(1, [...writes].reverse()).root;
    const shuffled = [...writes];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    assert.deepEqual(backward, forward);
    assert.deepEqual(t.state.stage(1, shuffled).root, forward);
    const withDuplicates = [
      { key: utf8('key-1'), value: utf8('overwritten') },
      ...writes,
      { key: utf8('key-7'), value: utf8('x') },
    ];
    const last = writes.map((w) =>
      hex(w.key) === hex(utf8('key-7')) ? { key: w.key, value: utf8('x') } : w,
    );
    assert.deepEqual(t.state.stage(1, withDuplicates).root, t.state.stage(1, last).root);
    const dupStaged = t.state.stage(1, [
      { key: utf8('d'), value: utf8('1') },
      { key: utf8('d'), value: null },
    ]);
    t.store.transaction(() => t.state.commit(dupStaged));
    assert.equal(t.state.get(utf8('d')), undefined);
    assert.deepEqual(t.state.root, EMPTY_ROOT);
    await t.close();
  });

  it('returns to the empty root when everything is deleted, and keeps roots of unchanged blocks', async () => {
    const t = openState();
    const keys = Array.from({ length: 200 }, (_, i) => utf8(`k${i}`));
    const full = commitBlock(
      t,
      1,
      keys.map((key) => ({ key, value: key })),
    );
    assert.notDeepEqual(full, EMPTY_ROOT);
    assert.deepEqual(commitBlock(t, 2, []), full, 'an empty block keeps the root');
    assert.deepEqual(
      commitBlock(t, 3, [{ key: keys[0]!, value: keys[0]! }]),
      full,
      'rewriting a value keeps the root',
    );
    assert.deepEqual(
      commitBlock(t, 4, [{ key: utf8('never-set'), value: null }]),
      full,
      'deleting an absent key is a no-op',
    );
    const half = commitBlock(
      t,
      5,
      keys.slice(0, 100).map((key) => ({ key, value: null })),
    );
    assert.deepEqual(half, referenceRoot(keys.slice(100).map((k) => [k, k])));
    assert.deepEqual(
      commitBlock(
        t,
        6,
        keys.slice(100).map((key) => ({ key, value: null })),
      ),
      EMPTY_ROOT,
    );
    assert.deepEqual(t.state.root, EMPTY_ROOT);
    assert.deepEqual([...t.state.iterate(new Uint8Array(0))], []);
    assert.deepEqual(
      commitBlock(
        t,
        7,
        keys.map((key) => ({ key, value: key })),
      ),
      full,
    );
    await t.close();
  });

  it('handles single-key trees, empty values and maximum-size keys', async () => {
    const t = openState();
    const key = new Uint8Array(STATE_KEY_MAX_BYTES).fill(7);
    const root = commitBlock(t, 1, [{ key, value: new Uint8Array(0) }]);
    assert.deepEqual(root, referenceRoot([[key, new Uint8Array(0)]]));
    assert.deepEqual(t.state.get(key), new Uint8Array(0));
    const p = t.state.prove(key);
    assert.deepEqual(p.value, new Uint8Array(0));
    assert.equal(p.proof.levels.length, 0);
    assert.ok(verifyStateProof(root, key, new Uint8Array(0), p.proof));
    const absent = t.state.prove(utf8('other'));
    assert.ok(verifyStateProof(root, utf8('other'), undefined, absent.proof));
    assert.throws(
      () => t.state.stage(2, [{ key: new Uint8Array(STATE_KEY_MAX_BYTES + 1), value: null }]),
      AssertionError,
    );
    assert.throws(() => t.state.stage(2, [{ key: new Uint8Array(0), value: null }]), AssertionError);
    assert.equal(t.state.get(new Uint8Array(0)), undefined);
    assert.equal(t.state.get(new Uint8Array(STATE_KEY_MAX_BYTES + 1)), undefined);
    await t.close();
  });

  it('stores values of every size across value chunks and proves old values after reopen', async () => {
    let t = openState();
    const random = prng(5);
    const sizes = [0, 1, 17, 4000, 65_531, 65_532, 70_000, STATE_VALUE_MAX_BYTES];
    for (let i = 0; i < 600; i++) sizes.push(Math.floor(random() * 300));
    const v1 = sizes.map((n) => randomBytes(random, n));
    const keyOf = (i: number) => utf8(`blob/${i}`);
    commitBlock(
      t,
      1,
      v1.map((value, i) => ({ key: keyOf(i), value })),
    );
    commitBlock(
      t,
      2,
      v1.map((_, i) => ({ key: keyOf(i), value: utf8(`small ${i}`) })),
    );
    t = await t.reopen();
    const root1 = t.state.rootAt(1)!;
    for (let i = 0; i < v1.length; i += i < 8 ? 1 : 37) {
      const p = t.state.prove(keyOf(i), 1);
      assert.deepEqual(p.value, v1[i], `value ${i} at height 1`);
      assert.ok(verifyStateProof(root1, keyOf(i), v1[i], p.proof));
      assert.deepEqual(t.state.prove(keyOf(i)).value, utf8(`small ${i}`));
    }
    assert.throws(
      () => t.state.stage(3, [{ key: utf8('big'), value: new Uint8Array(STATE_VALUE_MAX_BYTES + 1) }]),
      AssertionError,
    );
    await t.close();
  });

  it('enforces heights, transactions and staleness on commit', async () => {
    const t = openState();
    const w = (s: string): StateWrite[] => [{ key: utf8(s), value: utf8(s) }];
    assert.throws(() => t.state.stage(-1, w('a')), AssertionError);
    assert.throws(() => t.state.stage(1.5, w('a')), AssertionError);
    const genesis = t.state.stage(5, w('a'));
    assert.throws(() => t.state.commit(genesis), AssertionError, 'outside a transaction');
    t.store.transaction(() => t.state.commit(genesis));
    assert.throws(() => t.state.stage(7, w('b')), AssertionError, 'heights must be contiguous');
    assert.throws(() => t.state.stage(5, w('b')), AssertionError);
    const a = t.state.stage(6, w('b'));
    const b = t.state.stage(6, w('c'));
    t.store.transaction(() => t.state.commit(b));
    assert.throws(() => t.store.transaction(() => t.state.commit(a)), AssertionError, 'stale staged state');
    assert.throws(() => t.store.transaction(() => t.state.commit(b)), AssertionError, 'committed twice');
    assert.throws(
      () => t.store.transaction(() => t.state.commit({ height: 7, root: EMPTY_ROOT })),
      AssertionError,
    );
    const c = t.state.stage(7, w('d'));
    assert.throws(
      () =>
        t.store.transaction(() => {
          t.state.commit(c);
          t.state.commit(c);
        }),
      AssertionError,
    );
    assert.equal(t.state.height, 6);
    assert.deepEqual(t.state.get(utf8('c')), utf8('c'));
    assert.equal(t.state.get(utf8('b')), undefined);
    await t.close();
  });

  it('serves reads of the latest values through commits, aborted commits and reopen', async () => {
    const t = openState();
    const big = new Uint8Array(STATE_VALUE_CACHE_VALUE_MAX_BYTES + 1).fill(7);
    commitBlock(t, 1, [
      { key: utf8('a'), value: utf8('1') },
      { key: utf8('b'), value: utf8('2') },
      { key: utf8('big'), value: big },
    ]);
    const read = (k: string) => t.state.get(utf8(k));
    // Warm the cache, absent keys included.
    assert.deepEqual(read('a'), utf8('1'));
    assert.equal(read('c'), undefined);
    assert.equal(t.state.has(utf8('c')), false);
    const aborted = t.state.stage(2, [
      { key: utf8('a'), value: utf8('9') },
      { key: utf8('c'), value: utf8('3') },
      { key: utf8('d'), value: utf8('4') },
    ]);
    assert.throws(() =>
      t.store.transaction(() => {
        t.state.commit(aborted);
        // LMDB already shows the uncommitted value here; it must not be remembered.
        read('d');
        throw new Error('abort');
      }),
    );
    assert.deepEqual(read('a'), utf8('1'));
    assert.equal(read('c'), undefined);
    assert.equal(read('d'), undefined);
    assert.equal(t.state.has(utf8('d')), false);
    commitBlock(t, 2, [
      { key: utf8('a'), value: utf8('5') },
      { key: utf8('b'), value: null },
      { key: utf8('c'), value: utf8('7') },
      { key: utf8('big'), value: utf8('small now') },
    ]);
    const expect = { a: utf8('5'), b: undefined, c: utf8('7'), d: undefined, big: utf8('small now') };
    for (const [k, v] of Object.entries(expect)) {
      assert.deepEqual(read(k), v, k);
      assert.equal(t.state.has(utf8(k)), v !== undefined, k);
    }
    const r = await t.reopen();
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(r.state.get(utf8(k)), v, k);
    await r.close();
  });

  it('accepts genesis at height 0 (initial height 1) and continues at 1', async () => {
    const t = openState();
    const root0 = commitBlock(t, 0, [{ key: utf8('g'), value: utf8('0') }]);
    assert.equal(t.state.height, 0);
    assert.deepEqual(t.state.root, root0);
    assert.deepEqual(t.state.rootAt(0), root0);
    assert.throws(() => t.state.stage(0, []), AssertionError, 'genesis only once');
    assert.throws(() => t.state.stage(2, []), AssertionError);
    commitBlock(t, 1, [{ key: utf8('g'), value: utf8('1') }]);
    const p = t.state.prove(utf8('g'), 0);
    assert.deepEqual(p.value, utf8('0'));
    assert.ok(verifyStateProof(root0, utf8('g'), utf8('0'), p.proof));
    await t.close();
  });

  it('leaves the previous state intact when the process dies between stage and commit, or the transaction fails', async () => {
    let t = openState();
    const root1 = commitBlock(t, 1, [{ key: utf8('a'), value: utf8('1') }]);
    const staged = t.state.stage(2, [
      { key: utf8('a'), value: utf8('2') },
      { key: utf8('b'), value: utf8('2') },
    ]);
    assert.throws(() =>
      t.store.transaction(() => {
        t.state.commit(staged);
        // Inside the transaction the flat KV already shows the new value...
        assert.deepEqual(t.state.get(utf8('a')), utf8('2'));
        // ...while proofs still describe the committed height.
        const p = t.state.prove(utf8('a'));
        assert.deepEqual(p.value, utf8('1'));
        assert.ok(verifyStateProof(root1, utf8('a'), utf8('1'), p.proof));
        throw new Error('block store write failed');
      }),
    );
    // ...but after the rollback everything, including the in-memory view, is at height 1.
    assert.equal(t.state.height, 1);
    assert.deepEqual(t.state.root, root1);
    assert.deepEqual(t.state.get(utf8('a')), utf8('1'));
    assert.equal(t.state.get(utf8('b')), undefined);
    assert.equal(t.state.rootAt(2), undefined);
    // The rolled-back staged state can still be committed: nothing else happened since.
    t.store.transaction(() => t.state.commit(staged));
    const root2 = t.state.root;
    const again = t.state.stage(3, [{ key: utf8('c'), value: utf8('3') }]);
    assert.ok(again.root.length === 32);
    t = await t.reopen(); // a crash after stage(): nothing of height 3 exists
    assert.equal(t.state.height, 2);
    assert.deepEqual(t.state.root, root2);
    assert.equal(t.state.get(utf8('c')), undefined);
    assert.deepEqual(commitBlock(t, 3, [{ key: utf8('c'), value: utf8('3') }]), again.root);
    await t.close();
  });

  it('reopens with the same height, roots and values and keeps committing consistently', async () => {
    let t = openState(undefined, 64); // a tiny cache forces node reads from LMDB
    const blocks = randomBlocks(3, 8, 300, 80);
    for (let i = 0; i < 4; i++) commitBlock(t, i + 1, blocks[i]!.writes);
    const root4 = t.state.root;
    t = await t.reopen();
    assert.equal(t.state.height, 4);
    assert.deepEqual(t.state.root, root4);
    for (const [k, v] of blocks[3]!.after) assert.deepEqual(t.state.get(unhex(k)), v);
    for (let i = 4; i < 8; i++) {
      const root = commitBlock(t, i + 1, blocks[i]!.writes);
      assert.deepEqual(root, referenceRoot(modelEntries(blocks[i]!.after)));
    }
    for (let h = 1; h <= 8; h++)
      assert.deepEqual(t.state.rootAt(h), referenceRoot(modelEntries(blocks[h - 1]!.after)));
    await t.close();
  });

  it('iterates a prefix in key-byte order', async () => {
    const t = openState();
    const keys = [[1, 2], [1], [1, 0xff], [1, 0xff, 0xff], [2], [0, 9], [0xff], [0xff, 0xff, 1]].map(
      (k) => new Uint8Array(k),
    );
    commitBlock(
      t,
      1,
      keys.map((key) => ({ key, value: key })),
    );
    const at = (prefix: number[]) => [...t.state.iterate(new Uint8Array(prefix))].map(([k]) => [...k]);
    assert.deepEqual(at([1]), [[1], [1, 2], [1, 0xff], [1, 0xff, 0xff]]);
    assert.deepEqual(at([1, 0xff]), [
      [1, 0xff],
      [1, 0xff, 0xff],
    ]);
    assert.deepEqual(at([0xff]), [[0xff], [0xff, 0xff, 1]]);
    assert.deepEqual(at([3]), []);
    assert.equal(at([]).length, keys.length);
    for (const [k, v] of t.state.iterate(new Uint8Array([1]))) assert.deepEqual(k, v);
    await t.close();
  });

  it('gives byte-identical roots on two fresh states fed the same blocks', async () => {
    const a = openState();
    const b = openState(undefined, 16);
    for (const { writes } of randomBlocks(4, 6, 500, 150)) {
      const h = a.state.height + 1;
      assert.deepEqual(commitBlock(a, h, writes), commitBlock(b, h, [...writes]));
    }
    await a.close();
    await b.close();
  });
});
