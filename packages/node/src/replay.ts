import { mkdirSync } from 'node:fs';
import { LatticeApp } from '@lattice/app';
import { BlockResultsSchema, decodeBlock, decodeMessage, resultsHash, timestampToMs } from '@lattice/codec';
import { InlineVerifier } from '@lattice/crypto';
import { AuthenticatedState } from '@lattice/state';
import { Store } from '@lattice/store';
import { equalBytes, LatticeError, toHex } from '@lattice/utils';
import { homePaths } from './config.ts';
import { readGenesis } from './node.ts';

/**
 * Re-executes every block of a node's store into a fresh state and checks each resulting app
 * hash against the one recorded (the next header's app_hash and the stored block results), and
 * the tx results likewise (the next header's last_results_hash and the stored receipts).
 * This is the determinism check, and the same path a node takes when its app lags its blocks.
 */
export async function replayChain(opts: {
  home: string;
  target: string;
  onProgress?: (height: number, total: number) => void;
}): Promise<{ blocks: number; lastAppHash: string }> {
  const paths = homePaths(opts.home);
  const genesis = readGenesis(paths.genesis);
  const source = Store.open({ path: paths.data, noSync: true });
  mkdirSync(opts.target, { recursive: true });
  const target = Store.open({ path: opts.target, noSync: true });
  const verifier = new InlineVerifier();
  try {
    const state = new AuthenticatedState({ store: target });
    const app = new LatticeApp({ chainId: genesis.chainId }, { state, verifier });
    if (state.height !== 0 || app.info().initialized) {
      throw new LatticeError('INVALID_ARGUMENT', `${opts.target} is not empty`);
    }
    app.initChain(genesis);
    target.transaction(() => app.commit());
    const total = source.blocks.latestHeight();
    let lastAppHash = app.appHash;
    let lastResultsHash = resultsHash([]);
    for (let h = genesis.initialHeight; h <= total; h++) {
      const raw = source.blocks.getBlock(h);
      if (!raw) throw new LatticeError('STATE_CORRUPT', `block ${h} missing from the source store`);
      const block = decodeBlock(raw);
      if (!equalBytes(block.header!.appHash, app.appHash)) {
        throw new LatticeError(
          'STATE_CORRUPT',
          `block ${h} header app hash differs from the replayed state`,
          { height: h },
        );
      }
      if (!equalBytes(block.header!.lastResultsHash, lastResultsHash)) {
        throw new LatticeError(
          'STATE_CORRUPT',
          `block ${h} header last results hash differs from the replayed results of ${h - 1}`,
          { height: h - 1 },
        );
      }
      const { appHash, txResults } = await app.finalizeBlock({
        height: h,
        timeMs: timestampToMs(block.header!.time!),
        txs: block.data!.txs,
      });
      target.transaction(() => app.commit());
      const stored = source.results.get(h);
      const recorded =
        stored && decodeMessage(BlockResultsSchema, stored, Number.MAX_SAFE_INTEGER, 'BlockResults');
      if (!recorded || !equalBytes(recorded.appHash, appHash)) {
        throw new LatticeError(
          'STATE_CORRUPT',
          `app hash mismatch at height ${h}: replay gave ${toHex(appHash)}`,
          {
            height: h,
          },
        );
      }
      // Receipts are consensus data too (the next header commits to them), not just the state.
      lastResultsHash = resultsHash(txResults);
      if (!equalBytes(resultsHash(recorded.txResults), lastResultsHash)) {
        throw new LatticeError('STATE_CORRUPT', `tx results differ from the recorded ones at height ${h}`, {
          height: h,
        });
      }
      lastAppHash = appHash;
      opts.onProgress?.(h, total);
    }
    return { blocks: total, lastAppHash: toHex(lastAppHash) };
  } finally {
    await verifier.close();
    await target.close();
    await source.close();
  }
}
