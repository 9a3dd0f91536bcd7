import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Store } from '@lattice/store';
import { runAndKill } from '../../store/test/support/run-and-kill.ts';
import { AuthenticatedState } from '../src/index.ts';
import { writesFor } from './fixtures/crash-blocks.ts';
import { cleanupTempDirs, commitBlock, openState, prng } from './helpers.ts';

after(cleanupTempDirs);

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

describe('state crash safety', () => {
  it('restarts with whole blocks of state after SIGKILL at random moments', async () => {
    const crashed = openState();
    await crashed.close();
    const reference = openState();
    const random = prng(0x5eed);
    let latest = 0;
    for (let k = 0; k < 3; k++) {
      const reported = await runAndKill(WRITER, crashed.path, latest, 2 + Math.floor(random() * 10));
      const store = Store.open({ path: crashed.path });
      const state = new AuthenticatedState({ store });
      assert.ok(state.height >= reported);
      assert.equal(state.height, store.blocks.latestHeight(), 'block and state commit together');
      while (reference.state.height < state.height) {
        const h = reference.state.height + 1;
        commitBlock(reference, h, writesFor(h));
      }
      for (let h = latest + 1; h <= state.height; h++) {
        assert.deepEqual(state.rootAt(h), reference.state.rootAt(h), `root at ${h}`);
        assert.deepEqual(store.blocks.getBlock(h), state.rootAt(h));
      }
      for (const [key, value] of reference.state.iterate(new Uint8Array(0)))
        assert.deepEqual(state.get(key), value);
      assert.equal(
        [...state.iterate(new Uint8Array(0))].length,
        [...reference.state.iterate(new Uint8Array(0))].length,
      );
      latest = state.height;
      await store.close();
    }
    await reference.close();
  });
});
