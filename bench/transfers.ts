// Sustained transfer throughput of a real node: pre-signs ML-DSA-44 transfers from many accounts,
// starts `latticed`, submits over JSON-RPC as fast as the node accepts them, and reports included
// tx/s, submit→commit latency percentiles, and the ratio to this machine's single-core
// node:crypto ML-DSA-44 verify rate measured in the same run.
//
//   npm run bench:transfers -- [--duration 65] [--accounts 1000] [--block-time 1000] [--lanes 4]
//                              [--batch 100] [--txs N] [--json]
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { measureVerifyBaseline } from './lib/baseline.ts';
import { loadReportLines, runLoad } from './lib/load.ts';
import { processCpuSeconds, startBenchNode, stopLatticed, waitForNode } from './lib/node-process.ts';
import { log, printReport } from './lib/output.ts';
import { presign } from './lib/presign.ts';
import { fmt } from './lib/stats.ts';
import { benchGenesisAccounts, type TransferPlan } from './lib/transfer-signer.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '65' },
    accounts: { type: 'string', default: '1000' },
    'block-time': { type: 'string', default: '1000' },
    lanes: { type: 'string', default: '4' },
    batch: { type: 'string', default: '100' },
    txs: { type: 'string' },
    json: { type: 'boolean', default: false },
    'keep-home': { type: 'boolean', default: false },
    'node-log': { type: 'string', default: 'warn' },
  },
});
const DURATION_S = Number(args.duration);
const ACCOUNTS = Number(args.accounts);
const BLOCK_TIME_MS = Number(args['block-time']);
// Enough for 4,500 tx/s over the whole run, so the node, not the bench, is the limit.
const TOTAL_TXS = Number(args.txs ?? 4_500 * DURATION_S);
const PLAN: TransferPlan = {
  chainId: 'lattice-bench-1',
  accounts: ACCOUNTS,
  txsPerAccount: Math.ceil(TOTAL_TXS / ACCOUNTS),
  gasLimit: 150_000n,
  fee: 1_500n,
};

async function main(): Promise<void> {
  const baseline = measureVerifyBaseline();
  const signed = await presign(PLAN);

  const { home, url, child } = await startBenchNode({
    chainId: PLAN.chainId,
    accounts: benchGenesisAccounts(ACCOUNTS),
    blockTimeMs: BLOCK_TIME_MS,
    logLevel: args['node-log'],
  });
  let exitCode = 0;
  try {
    await waitForNode(url, child);
    const cpuBefore = { node: processCpuSeconds(child.pid!), bench: process.cpuUsage() };
    const wallBefore = performance.now();
    const result = await runLoad({
      submitUrls: [url],
      watchUrl: url,
      signed,
      durationS: DURATION_S,
      lanes: Number(args.lanes),
      batch: Number(args.batch),
      blockTimeMs: BLOCK_TIME_MS,
    });
    const wallS = (performance.now() - wallBefore) / 1000;
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    log(
      `cpu during the load: node ${fmt((processCpuSeconds(child.pid!) - cpuBefore.node) / wallS, 2)} cores, ` +
        `load generator ${fmt((benchCpu.user + benchCpu.system) / 1e6 / wallS, 2)} cores (of 2)`,
    );
    const ratio = result.txPerSec / baseline;
    const report = {
      durationS: result.windowS,
      accounts: ACCOUNTS,
      blockTimeMs: BLOCK_TIME_MS,
      submitted: result.submitted,
      included: result.includedInWindow,
      txPerSec: Math.round(result.txPerSec),
      latencyMs: { p50: result.p50, p95: result.p95, p99: result.p99 },
      rejected: result.rejected,
      blocks: result.blocks,
      maxTxsPerBlock: result.maxTxsPerBlock,
      baselineVerifyPerSec: Math.round(baseline),
      ratioToVerify: Number(ratio.toFixed(3)),
    };
    printReport(args.json, report, [
      `bench:transfers — ${ACCOUNTS} accounts, ${BLOCK_TIME_MS} ms blocks, ${fmt(result.windowS, 1)} s measured`,
      `  included:   ${fmt(result.includedInWindow)} transfers in ${result.blocks} blocks (max ${fmt(result.maxTxsPerBlock)} per block)`,
      ...loadReportLines(result, baseline, 'commit'),
    ]);
  } catch (e) {
    log(`bench failed: ${(e as Error).stack}`);
    exitCode = 1;
  } finally {
    await stopLatticed(child);
    if (!args['keep-home']) rmSync(home, { recursive: true, force: true });
    else log(`node home kept at ${home}`);
  }
  process.exitCode = exitCode;
}

await main();
