import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { u64be } from '@lattice/utils';
import { Store } from '../src/index.ts';
import {
  blockBytes,
  blockHash,
  commitBytes,
  resultBytes,
  TXS_PER_BLOCK,
  txHash,
} from './fixtures/crash-blocks.ts';
import { prng, tempDir } from './helpers.ts';
import { runAndKill } from './support/run-and-kill.ts';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const KILLS = 4;

function checkWholeBlocks(store: Store, reported: number): number {
  const base = store.blocks.baseHeight();
  const latest = store.blocks.latestHeight();
  assert.equal(base, 1);
  assert.ok(latest >= reported, `height ${reported} was reported durable but the store ends at ${latest}`);
  for (let h = base; h <= latest; h++) {
    assert.deepEqual(store.blocks.getBlock(h), blockBytes(h), `block ${h}`);
    assert.deepEqual(store.blocks.getCommit(h), commitBytes(h), `commit ${h}`);
    assert.equal(store.blocks.heightOf(blockHash(h)), h, `hash index ${h}`);
    assert.deepEqual(store.results.get(h), resultBytes(h), `results ${h}`);
    for (let i = 0; i < TXS_PER_BLOCK; i++)
      assert.deepEqual(store.txIndex.get(txHash(h, i)), { height: h, index: i });
  }
  // Nothing of a later, half-written block is visible anywhere.
  assert.equal(store.results.get(latest + 1), undefined);
  assert.equal(store.blocks.heightOf(blockHash(latest + 1)), undefined);
  assert.equal(store.txIndex.get(txHash(latest + 1, 0)), undefined);
  assert.deepEqual(store.meta.get('latest'), u64be(latest));
  return latest;
}

describe('crash safety', () => {
  it('keeps whole blocks only when the writer is SIGKILLed at random moments', async () => {
    const dir = tempDir('crash');
    const random = prng(0x1a77);
    try {
      let latest = 0;
      for (let k = 0; k < KILLS; k++) {
        const reported = await runAndKill(WRITER, dir.path, latest, 3 + Math.floor(random() * 25));
        const store = Store.open({ path: dir.path });
        latest = checkWholeBlocks(store, reported);
        await store.close();
      }
      assert.ok(latest > KILLS * 3);
    } finally {
      dir.cleanup();
    }
  });
});
