// The app's cost per transfer on one node, in-process and without a network: main-thread CPU
// of admission (decode, checks, mempool) and of block production (build, execute, commit,
// recheck), and the main thread's GC pauses — the part of bench:localnet's per-node cost that
// does not come from gossip, TLS or RPC.
//
//   npm run bench:pipeline -- [--accounts 1000] [--rounds 8] [--per-round 2] [--json]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { initHome, LatticeNode } from '@lattice/node';
import { silentLogger } from '@lattice/utils';
import { measureVerifyBaseline } from './lib/baseline.ts';
import { log, printReport, progress } from './lib/output.ts';
import { presign } from './lib/presign.ts';
import { fmt, percentile } from './lib/stats.ts';
import { benchGenesisAccounts, type TransferPlan } from './lib/transfer-signer.ts';

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '8' },
    'per-round': { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
});
const ACCOUNTS = Number(args.accounts);
const ROUNDS = Number(args.rounds);
const PER_ROUND = Number(args['per-round']);
/** About what one 20 ms gossip flush carries at a thousand tx/s over four nodes. */
const GOSSIP_BATCH_TXS = 20;
/** The first rounds warm the JIT and the caches; they are not reported. */
const WARMUP_ROUNDS = 2;

const PLAN: TransferPlan = {
  chainId: 'lattice-bench-1',
  accounts: ACCOUNTS,
  txsPerAccount: ROUNDS * PER_ROUND,
  gasLimit: 150_000n,
  fee: 1_500n,
};

/** Main-thread CPU time in ms (worker threads, such as the verifier, are not counted). */
function threadMs(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  const baseline = measureVerifyBaseline();
  const signed = await presign(PLAN);
  const home = mkdtempSync(join(tmpdir(), 'lattice-pipeline-'));
  await initHome({
    home,
    chainId: PLAN.chainId,
    moniker: 'bench',
    accounts: benchGenesisAccounts(ACCOUNTS),
    config: (c) => {
      c.rpc.port = 0;
      c.verifier.threads = 1;
      c.log.level = 'warn';
    },
  });
  const node = await LatticeNode.start({ home, logger: silentLogger, manualBlocks: true, noSync: true });
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const admission: number[] = [];
  const block: number[] = [];
  const gcPerTx: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      progress(`round ${round + 1}/${ROUNDS}`);
      const txs: Uint8Array[] = [];
      for (let a = 0; a < ACCOUNTS; a++)
        for (let k = 0; k < PER_ROUND; k++) txs.push(signed[a]![round * PER_ROUND + k]!);
      const gc0 = gcMs;
      const t0 = threadMs();
      // Admitted the way gossip delivers most of a validator's txs: in peer batches.
      const batches: Promise<void>[] = [];
      for (let i = 0; i < txs.length; i += GOSSIP_BATCH_TXS)
        batches.push(node.ingress.submitPeerBatch(txs.slice(i, i + GOSSIP_BATCH_TXS).map((b) => b.slice())));
      await Promise.all(batches);
      const t1 = threadMs();
      const b = await node.produceBlock();
      const t2 = threadMs();
      if (b.txHashes.length !== txs.length)
        throw new Error(`block ${b.height} holds ${b.txHashes.length} of ${txs.length} txs`);
      if (round < WARMUP_ROUNDS) continue;
      admission.push(((t1 - t0) * 1000) / txs.length);
      block.push(((t2 - t1) * 1000) / txs.length);
      gcPerTx.push(((gcMs - gc0) * 1000) / txs.length);
    }
  } finally {
    gc.disconnect();
    progress('');
    await node.stop();
    rmSync(home, { recursive: true, force: true });
  }
  const med = (xs: number[]) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      50,
    );
  const report = {
    txsPerRound: ACCOUNTS * PER_ROUND,
    rounds: ROUNDS - WARMUP_ROUNDS,
    admissionUsPerTx: Math.round(med(admission)),
    blockUsPerTx: Math.round(med(block)),
    gcPauseUsPerTx: Math.round(med(gcPerTx)),
    baselineVerifyPerSec: Math.round(baseline),
  };
  printReport(args.json, report, [
    `bench:pipeline — one node in-process, ${fmt(report.txsPerRound)} transfers per block, median of ${report.rounds} blocks`,
    `  admission:   ${fmt(report.admissionUsPerTx)} µs of main thread per tx (decode, checks, mempool; signatures on the worker)`,
    `  block:       ${fmt(report.blockUsPerTx)} µs per tx (build, execute, commit, recheck)`,
    `  GC pauses:   ${fmt(report.gcPauseUsPerTx)} µs per tx (main thread, included above)`,
    `  baseline:    ${fmt(report.baselineVerifyPerSec)} ML-DSA-44 verifications/s on one core (node:crypto)`,
  ]);
  log('');
}

await main();
