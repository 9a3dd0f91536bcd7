import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AssertionError, utf8 } from '@lattice/utils';
import { Store } from '../src/index.ts';
import { tempDir } from './helpers.ts';

const dirs: (() => void)[] = [];
after(() => {
  for (const cleanup of dirs) cleanup();
});

function openTemp(): { store: Store; path: string } {
  const dir = tempDir('store');
  dirs.push(dir.cleanup);
  return { store: Store.open({ path: dir.path, noSync: true }), path: dir.path };
}

const bytes = (...xs: number[]) => new Uint8Array(xs);
const hashOf = (h: number) => new Uint8Array(32).fill(h);
const blockOf = (h: number) => utf8(`block-${h}`);
const commitOf = (h: number) => utf8(`commit-${h}`);

describe('BlockStore', () => {
  it('is empty at first', async () => {
    const { store } = openTemp();
    assert.equal(store.blocks.latestHeight(), 0);
    assert.equal(store.blocks.baseHeight(), 0);
    assert.equal(store.blocks.getBlock(1), undefined);
    assert.equal(store.blocks.getCommit(1), undefined);
    assert.equal(store.blocks.heightOf(hashOf(1)), undefined);
    assert.equal(store.blocks.getBlockByHash(new Uint8Array(0)), undefined);
    await store.close();
  });

  it('stores blocks, commits and the hash index from any start height', async () => {
    const { store } = openTemp();
    for (let h = 5; h <= 9; h++) {
      store.blocks.put({ height: h, hash: hashOf(h), block: blockOf(h), commit: commitOf(h) });
    }
    assert.equal(store.blocks.baseHeight(), 5);
    assert.equal(store.blocks.latestHeight(), 9);
    for (let h = 5; h <= 9; h++) {
      assert.deepEqual(store.blocks.getBlock(h), blockOf(h));
      assert.deepEqual(store.blocks.getCommit(h), commitOf(h));
      assert.equal(store.blocks.heightOf(hashOf(h)), h);
      assert.deepEqual(store.blocks.getBlockByHash(hashOf(h)), blockOf(h));
    }
    assert.equal(store.blocks.getBlock(4), undefined);
    assert.equal(store.blocks.getBlock(10), undefined);
    assert.equal(store.blocks.getBlock(-1), undefined);
    assert.equal(store.blocks.getBlock(1.5), undefined);
    await store.close();
  });

  it('asserts that heights are contiguous and hashes unique', async () => {
    const { store } = openTemp();
    store.blocks.put({ height: 3, hash: hashOf(3), block: blockOf(3), commit: commitOf(3) });
    assert.throws(
      () => store.blocks.put({ height: 5, hash: hashOf(5), block: blockOf(5), commit: commitOf(5) }),
      AssertionError,
    );
    assert.throws(
      () => store.blocks.put({ height: 3, hash: hashOf(9), block: blockOf(3), commit: commitOf(3) }),
      AssertionError,
    );
    assert.throws(
      () => store.blocks.put({ height: 4, hash: hashOf(3), block: blockOf(4), commit: commitOf(4) }),
      AssertionError,
    );
    assert.throws(
      () => store.blocks.put({ height: 0, hash: hashOf(0), block: blockOf(0), commit: commitOf(0) }),
      AssertionError,
    );
    store.blocks.put({ height: 4, hash: hashOf(4), block: blockOf(4), commit: commitOf(4) });
    assert.equal(store.blocks.latestHeight(), 4);
    assert.equal(store.blocks.getBlock(5), undefined);
    await store.close();
  });

  it('persists across reopen', async () => {
    const { store, path } = openTemp();
    store.transaction(() => {
      store.blocks.put({ height: 1, hash: hashOf(1), block: blockOf(1), commit: commitOf(1) });
      store.results.put(1, bytes(1, 2, 3));
      store.txIndex.put(hashOf(0xaa), { height: 1, index: 7 });
      store.meta.put('chain-id', utf8('lattice-1'));
    });
    await store.close();
    const again = Store.open({ path, noSync: true });
    assert.equal(again.blocks.latestHeight(), 1);
    assert.deepEqual(again.blocks.getBlock(1), blockOf(1));
    assert.deepEqual(again.results.get(1), bytes(1, 2, 3));
    assert.deepEqual(again.txIndex.get(hashOf(0xaa)), { height: 1, index: 7 });
    assert.deepEqual(again.meta.get('chain-id'), utf8('lattice-1'));
    await again.close();
  });
});

describe('TxIndex, ResultsStore, MetaStore', () => {
  it('round-trips entries and answers undefined for unknown keys', async () => {
    const { store } = openTemp();
    store.txIndex.put(hashOf(1), { height: 2 ** 40, index: 0xffffffff });
    assert.deepEqual(store.txIndex.get(hashOf(1)), { height: 2 ** 40, index: 0xffffffff });
    assert.equal(store.txIndex.get(hashOf(2)), undefined);
    assert.equal(store.txIndex.get(new Uint8Array(0)), undefined);
    assert.throws(() => store.txIndex.put(hashOf(3), { height: 0, index: 0 }), AssertionError);
    store.results.put(3, new Uint8Array(0));
    assert.deepEqual(store.results.get(3), new Uint8Array(0));
    assert.equal(store.results.get(4), undefined);
    store.meta.put('k', bytes(9));
    assert.deepEqual(store.meta.get('k'), bytes(9));
    assert.equal(store.meta.get('missing'), undefined);
    assert.equal(store.meta.remove('k'), true);
    assert.equal(store.meta.get('k'), undefined);
    await store.close();
  });
});

describe('Store.transaction', () => {
  it('writes nothing when the callback throws halfway through several databases', async () => {
    const { store } = openTemp();
    const extra = store.openBinaryDb('extra');
    store.blocks.put({ height: 1, hash: hashOf(1), block: blockOf(1), commit: commitOf(1) });
    const outcomes: boolean[] = [];
    assert.throws(
      () =>
        store.transaction(() => {
          store.afterTransaction((committed) => outcomes.push(committed));
          store.blocks.put({ height: 2, hash: hashOf(2), block: blockOf(2), commit: commitOf(2) });
          store.results.put(2, bytes(2));
          store.txIndex.put(hashOf(0x22), { height: 2, index: 0 });
          extra.put(bytes(1), bytes(1));
          // Reads inside the transaction see its own writes.
          assert.equal(store.blocks.latestHeight(), 2);
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.deepEqual(outcomes, [false]);
    assert.equal(store.blocks.latestHeight(), 1);
    assert.equal(store.blocks.getBlock(2), undefined);
    assert.equal(store.blocks.heightOf(hashOf(2)), undefined);
    assert.equal(store.results.get(2), undefined);
    assert.equal(store.txIndex.get(hashOf(0x22)), undefined);
    assert.equal(extra.get(bytes(1)), undefined);
    await store.close();
  });

  it('joins nested calls into the outer transaction', async () => {
    const { store } = openTemp();
    const db = store.openBinaryDb('nested');
    const outcomes: boolean[] = [];
    const result = store.transaction(() => {
      db.put(bytes(1), bytes(1));
      const inner = store.transaction(() => {
        store.afterTransaction((committed) => outcomes.push(committed));
        db.put(bytes(2), bytes(2));
        return 42;
      });
      // The inner call did not commit on its own.
      assert.deepEqual(outcomes, []);
      return inner;
    });
    assert.equal(result, 42);
    assert.deepEqual(outcomes, [true]);
    assert.deepEqual(db.get(bytes(2)), bytes(2));

    assert.throws(() =>
      store.transaction(() => {
        store.transaction(() => db.put(bytes(3), bytes(3)));
        throw new Error('outer fails');
      }),
    );
    assert.equal(db.get(bytes(3)), undefined, 'inner writes roll back with the outer transaction');
    await store.close();
  });

  it('rejects asynchronous callbacks and hooks outside a transaction', async () => {
    const { store } = openTemp();
    const db = store.openBinaryDb('async');
    assert.throws(
      () =>
        store.transaction(() => {
          db.put(bytes(1), bytes(1));
          return Promise.resolve(1);
        }),
      AssertionError,
    );
    assert.equal(db.get(bytes(1)), undefined);
    assert.throws(() => store.afterTransaction(() => {}), AssertionError);
    await store.close();
  });
});

describe('BinaryDb', () => {
  it('iterates ranges in key-byte order, forwards and backwards', async () => {
    const { store } = openTemp();
    const db = store.openBinaryDb('range');
    const keys = [bytes(2), bytes(1, 0), bytes(1), bytes(0xff), bytes(1, 0xff), bytes(3)];
    store.transaction(() => {
      for (const k of keys) db.put(k, k);
    });
    const all = [...db.getRange()].map((e) => [...e.key]);
    assert.deepEqual(all, [[1], [1, 0], [1, 0xff], [2], [3], [0xff]]);
    const slice = [...db.getRange({ start: bytes(1, 0), end: bytes(3) })].map((e) => [...e.key]);
    assert.deepEqual(slice, [[1, 0], [1, 0xff], [2]]);
    const back = [...db.getRange({ start: bytes(3), end: bytes(1), reverse: true, limit: 3 })].map((e) => [
      ...e.key,
    ]);
    assert.deepEqual(back, [[3], [2], [1, 0xff]]);
    assert.deepEqual(db.firstKey(), bytes(1));
    assert.deepEqual(db.firstKey(true), bytes(0xff));
    const entry = [...db.getRange({ limit: 1 })][0]!;
    assert.equal(entry.key.constructor, Uint8Array);
    assert.equal(entry.value.constructor, Uint8Array);
    assert.equal(db.get(bytes(1))?.constructor, Uint8Array);
    await store.close();
  });

  it('stores empty values, removes keys and rejects unstorable keys', async () => {
    const { store } = openTemp();
    const db = store.openBinaryDb('edge');
    db.put(bytes(1), new Uint8Array(0));
    assert.deepEqual(db.get(bytes(1)), new Uint8Array(0));
    assert.equal(db.has(bytes(1)), true);
    assert.equal(db.remove(bytes(1)), true);
    assert.equal(db.remove(bytes(1)), false);
    assert.equal(db.has(bytes(1)), false);
    assert.equal(db.get(new Uint8Array(0)), undefined);
    assert.equal(db.get(new Uint8Array(5000)), undefined);
    assert.throws(() => db.put(new Uint8Array(0), bytes(1)), AssertionError);
    assert.throws(() => db.put(new Uint8Array(5000), bytes(1)), AssertionError);
    assert.throws(() => store.openBinaryDb('blocks'), AssertionError);
    await store.close();
  });

  it('rejects out-of-order appends', async () => {
    const { store } = openTemp();
    const db = store.openBinaryDb('append');
    store.transaction(() => {
      db.put(bytes(1), bytes(1), { append: true });
      db.put(bytes(2), bytes(2), { append: true });
    });
    assert.throws(() => db.put(bytes(1, 5), bytes(1), { append: true }), AssertionError);
    assert.equal(db.get(bytes(1, 5)), undefined);
    await store.close();
  });
});

describe('BinaryDb reads', () => {
  it('returns exactly the stored bytes, whatever was read before', async () => {
    const dir = tempDir('store-reads');
    dirs.push(dir.cleanup);
    const store = Store.open({ path: dir.path, noSync: true });
    const db = store.openBinaryDb('reads');
    const big = new Uint8Array(100_000).fill(7);
    db.put(bytes(1), big);
    db.put(bytes(2), bytes(9, 9));
    assert.equal(db.get(bytes(1))!.length, big.length);
    const small = db.get(bytes(2))!;
    assert.equal(small.length, 2);
    assert.equal(small.buffer.byteLength, 2, 'a copy, not a view of a shared buffer');
    assert.deepEqual(small, bytes(9, 9));
    assert.equal(
      db.read(bytes(2), (v) => v.length),
      2,
    );
    assert.deepEqual(
      db.read(bytes(1), (v) => [...v.subarray(99_998)]),
      [7, 7],
    );
    assert.equal(
      db.read(bytes(3), (v) => v.length),
      undefined,
    );
    await store.close();
  });
});
