// Four validators on this machine, each its own `latticed` process, with Tendermint BFT over
// libp2p: pre-signed ML-DSA-44 transfers are submitted to all four over JSON-RPC, and the bench
// reports sustained tx/s, submit→final latency percentiles (final = committed on node0), rounds
// per height and block interval, next to this machine's single-core verify rate measured in the
// same run.
//
//   npm run bench:localnet -- [--duration 65] [--warmup 10] [--validators 4] [--accounts 1000] [--rate 1200|max]
//                             [--lanes 8] [--batch 20] [--json] [--keep-home]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initTestnet } from '@lattice/node';
import { measureVerifyBaseline } from './lib/baseline.ts';
import { loadReportLines, runLoad } from './lib/load.ts';
import {
  freePortRange,
  processCpuSeconds,
  rpc,
  startLatticed,
  stopLatticed,
  threadCpuSeconds,
  waitForNode,
} from './lib/node-process.ts';
import { log, printReport } from './lib/output.ts';
import { presign } from './lib/presign.ts';
import { histogramMean, scrape, since } from './lib/prom.ts';
import { fmt } from './lib/stats.ts';
import { benchGenesisAccounts, type TransferPlan } from './lib/transfer-signer.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '65' },
    // Seconds of the same load first, left out of every figure (see LoadOptions.warmupS).
    warmup: { type: 'string', default: '10' },
    validators: { type: 'string', default: '4' },
    accounts: { type: 'string', default: '1000' },
    // Offered load, tx/s (paced over the lanes); "max" submits as fast as the nodes answer.
    rate: { type: 'string', default: '1200' },
    lanes: { type: 'string', default: '8' },
    batch: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    'keep-home': { type: 'boolean', default: false },
    'node-log': { type: 'string', default: 'warn' },
    // Each node's mempool size limit (config mempool.max_txs); the node default when absent.
    'mempool-txs': { type: 'string' },
  },
});
const DURATION_S = Number(args.duration);
const WARMUP_S = Number(args.warmup);
const VALIDATORS = Number(args.validators);
const ACCOUNTS = Number(args.accounts);
const RATE = args.rate === 'max' ? undefined : Number(args.rate);
// Enough pre-signed transfers for the offered rate (or 2,000 tx/s unpaced) over the whole run.
const SUPPLY_PER_S = RATE ?? 2_000;
const PLAN: TransferPlan = {
  chainId: 'lattice-localnet-1',
  accounts: ACCOUNTS,
  txsPerAccount: Math.ceil((SUPPLY_PER_S * 1.1 * (WARMUP_S + DURATION_S)) / ACCOUNTS),
  gasLimit: 150_000n,
  fee: 1_500n,
};
// The target interval: consensus params keep the genesis defaults (commit timeout 1 s).
const TARGET_BLOCK_MS = 1_000;

/** Mean rounds per committed height (round 0 → 1), from each height's commit on node0. */
async function roundsPerHeight(url: string, heights: number[]): Promise<{ mean: number; max: number }> {
  if (heights.length === 0) return { mean: Number.NaN, max: Number.NaN };
  const res = (await rpc(
    url,
    heights.map((h, i) => ({ jsonrpc: '2.0', id: i, method: 'lat_getCommit', params: [String(h)] })),
  )) as { result: { round: number } | null }[];
  const rounds = res.filter((r) => r.result).map((r) => r.result!.round + 1);
  return { mean: rounds.reduce((a, b) => a + b, 0) / rounds.length, max: Math.max(...rounds) };
}

const STEPS = ['new-height', 'propose', 'prevote', 'precommit', 'decided'] as const;

/**
 * From node0's metrics gained since `before` (the end of the warm-up): mean time per consensus
 * step and proposal delays, gossip traffic by topic, and its tx counters.
 */
async function node0Metrics(
  url: string,
  before: Map<string, number>,
): Promise<{
  ms: Record<string, number>;
  gossipMiB: Record<string, number>;
  counts: {
    txs: number;
    verified: number;
    fromMempool: number;
    inAdmission: number;
    fetched: number;
    kept: number;
    rechecked: number;
  };
}> {
  const m = since(await scrape(url), before);
  const ms: Record<string, number> = {};
  for (const step of STEPS) {
    ms[step] = Math.round(histogramMean(m, 'lattice_consensus_step_seconds', `step="${step}"`) * 1000);
  }
  // The commit step's two parts: executing the block, and writing it and its state to disk.
  ms['block exec'] = Math.round(histogramMean(m, 'lattice_block_exec_seconds') * 1000);
  ms['block write'] = Math.round(histogramMean(m, 'lattice_block_commit_seconds') * 1000);
  for (const source of ['local', 'peer'] as const) {
    ms[`admission ${source}`] = Math.round(
      histogramMean(m, 'lattice_mempool_admission_seconds', `source="${source}"`) * 1000,
    );
  }
  // Own votes wait for this fsync before they are sent.
  ms['WAL fsync'] = Math.round(histogramMean(m, 'lattice_consensus_wal_write_seconds', 'sync="true"') * 1000);
  for (const stage of ['received', 'complete'] as const) {
    ms[`proposal ${stage}`] = Math.round(
      histogramMean(m, 'lattice_consensus_proposal_delay_seconds', `stage="${stage}"`) * 1000,
    );
  }
  const gossipMiB: Record<string, number> = {};
  for (const [k, v] of m) {
    const match = /^lattice_p2p_gossip_bytes_total\{topic="([^"]+)",direction="(in|out)"\}$/.exec(k);
    if (match) gossipMiB[`${match[1]} ${match[2]}`] = v / 2 ** 20;
  }
  const counts = {
    txs: [...m].filter(([k]) => k.startsWith('lattice_txs_total{')).reduce((n, [, v]) => n + v, 0),
    verified: m.get('lattice_sig_verifications_total') ?? 0,
    fromMempool: m.get('lattice_consensus_block_txs_total{source="mempool"}') ?? 0,
    inAdmission: m.get('lattice_consensus_block_txs_total{source="admission"}') ?? 0,
    fetched: m.get('lattice_consensus_block_txs_total{source="fetched"}') ?? 0,
    kept: m.get('lattice_mempool_rechecks_total{kind="kept"}') ?? 0,
    rechecked: m.get('lattice_mempool_rechecks_total{kind="full"}') ?? 0,
  };
  return { ms, gossipMiB, counts };
}

async function main(): Promise<void> {
  const baseline = measureVerifyBaseline();
  const signed = await presign(PLAN);

  const output = mkdtempSync(join(tmpdir(), 'lattice-localnet-'));
  const rpcBase = await freePortRange(VALIDATORS);
  const p2pBase = await freePortRange(VALIDATORS);
  const { homes } = await initTestnet({
    output,
    chainId: PLAN.chainId,
    validators: VALIDATORS,
    rpcBasePort: rpcBase,
    p2pBasePort: p2pBase,
    accounts: benchGenesisAccounts(ACCOUNTS),
    config: (c) => {
      c.log.level = args['node-log'] as 'warn';
      c.verifier.threads = 1;
      if (args['mempool-txs'] !== undefined) c.mempool.maxTxs = Number(args['mempool-txs']);
    },
  });
  const urls = homes.map((_, i) => `http://127.0.0.1:${rpcBase + i}`);
  const children = homes.map((home) => startLatticed(home));
  let exitCode = 0;
  try {
    await Promise.all(urls.map((url, i) => waitForNode(url, children[i]!)));
    await waitForHeight(urls[0]!, 2);
    let cpuBefore: number[] = [];
    let threadsBefore: Map<string, number>[] = [];
    let wallBefore = 0;
    let benchCpuBefore = process.cpuUsage();
    let metricsBefore: Promise<Map<string, number>> = Promise.resolve(new Map());
    const result = await runLoad({
      submitUrls: urls,
      watchUrl: urls[0]!,
      signed,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      onMeasureStart: () => {
        cpuBefore = children.map((c) => processCpuSeconds(c.pid!));
        threadsBefore = children.map((c) => threadCpuSeconds(c.pid!));
        wallBefore = performance.now();
        benchCpuBefore = process.cpuUsage();
        metricsBefore = scrape(urls[0]!);
      },
      lanes: Number(args.lanes),
      batch: Number(args.batch),
      blockTimeMs: TARGET_BLOCK_MS,
      ...(RATE === undefined ? {} : { ratePerS: RATE }),
    });
    const wallS = (performance.now() - wallBefore) / 1000;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const loadCores = (benchCpu.user + benchCpu.system) / 1e6 / wallS;
    const cpuSeconds = children.map((c, i) => processCpuSeconds(c.pid!) - cpuBefore[i]!);
    const cores = cpuSeconds.map((s) => s / wallS);
    // Efficiency independent of the offered rate and of this machine's speed drift: every node's
    // CPU after the warm-up (drain included), per tx committed meanwhile, also in single-core verifications.
    const cpuPerTxMs =
      (cpuSeconds.reduce((a, b) => a + b, 0) * 1000) / VALIDATORS / Math.max(1, result.committedSinceMeasure);
    const split = threadSplit(
      children.map((c, i) => ({ before: threadsBefore[i]!, after: threadCpuSeconds(c.pid!) })),
      result.committedSinceMeasure,
    );
    const rounds = await roundsPerHeight(urls[0]!, result.windowHeights);
    const steps = await node0Metrics(urls[0]!, await metricsBefore);
    const ratio = result.txPerSec / baseline;
    const report = {
      validators: VALIDATORS,
      offeredTxPerSec: RATE ?? 'max',
      warmupS: WARMUP_S,
      durationS: result.windowS,
      accounts: ACCOUNTS,
      submitted: result.submitted,
      included: result.includedInWindow,
      txPerSec: Math.round(result.txPerSec),
      latencyMs: { p50: result.p50, p95: result.p95, p99: result.p99 },
      roundsPerHeight: Number(rounds.mean.toFixed(3)),
      maxRounds: rounds.max,
      meanBlockIntervalMs: Math.round(result.meanBlockIntervalMs),
      meanStepMs: steps.ms,
      gossipMiB: steps.gossipMiB,
      node0: steps.counts,
      blocks: result.blocks,
      maxTxsPerBlock: result.maxTxsPerBlock,
      nodeCores: cores.map((c) => Number(c.toFixed(2))),
      loadGeneratorCores: Number(loadCores.toFixed(2)),
      nodeCpuPerTxMs: Number(cpuPerTxMs.toFixed(3)),
      nodeCpuPerTxInVerifies: Number(((cpuPerTxMs / 1000) * baseline).toFixed(2)),
      nodeCpuPerTxByThreadMs: split,
      rejected: result.rejected,
      baselineVerifyPerSec: Math.round(baseline),
      ratioToVerify: Number(ratio.toFixed(3)),
    };
    printReport(args.json, report, [
      `bench:localnet — ${VALIDATORS} validator processes, ${ACCOUNTS} accounts, offered ${RATE === undefined ? 'max' : `${fmt(RATE)} tx/s`}, ${fmt(result.windowS, 1)} s measured after ${fmt(WARMUP_S)} s of warm-up`,
      `  included:   ${fmt(result.includedInWindow)} transfers in ${result.windowHeights.length} blocks (max ${fmt(result.maxTxsPerBlock)} per block)`,
      ...loadReportLines(result, baseline, 'final on node0'),
      `  blocks:     ${fmt(result.meanBlockIntervalMs)} ms mean interval, ${fmt(rounds.mean, 2)} rounds per height (max ${rounds.max})`,
      `  steps:      ${Object.entries(steps.ms)
        .map(([k, v]) => `${k} ${fmt(v)} ms`)
        .join(
          ', ',
        )} (means on node0; decided = block exec + block write + the rest; proposal received / complete: after the proposer stamped it)`,
      `  gossip:     ${Object.entries(steps.gossipMiB)
        .map(([k, v]) => `${k} ${fmt(v, 1)} MiB`)
        .join(', ')} (node0, after the warm-up)`,
      `  node0:      ${fmt(steps.counts.txs)} txs committed, ${fmt(steps.counts.verified)} signatures verified, proposed txs found in the mempool ${fmt(steps.counts.fromMempool)} / in admission ${fmt(steps.counts.inAdmission)} / fetched ${fmt(steps.counts.fetched)}, check state kept after ${fmt(steps.counts.kept)} of ${fmt(steps.counts.kept + steps.counts.rechecked)} blocks (after the warm-up)`,
      `  cpu:        ${cores.map((c) => fmt(c, 2)).join(' + ')} cores (nodes, of 2); ${fmt(cpuPerTxMs, 3)} ms per committed tx per node = ${fmt((cpuPerTxMs / 1000) * baseline, 2)} single-core verifications; load generator ${fmt(loadCores, 2)} cores`,
      ...(Object.keys(split).length === 0
        ? []
        : [
            `  per tx:     ${Object.entries(split)
              .map(([k, v]) => `${k} ${fmt(v, 3)} ms`)
              .join(', ')} (CPU per committed tx per node, by thread)`,
          ]),
    ]);
    // Every failure mode a user would care about, as an exit code for scripts.
    if (Object.keys(result.rejected).length > 0) exitCode = 2;
  } catch (e) {
    log(`bench failed: ${(e as Error).stack}`);
    exitCode = 1;
  } finally {
    await Promise.all(children.map(stopLatticed));
    if (!args['keep-home']) rmSync(output, { recursive: true, force: true });
    else log(`node homes kept in ${output}`);
  }
  process.exitCode = exitCode;
}

async function waitForHeight(url: string, height: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = (await rpc(url, { jsonrpc: '2.0', id: 0, method: 'lat_status' })) as {
      result: { latestHeight: string };
    };
    if (Number(res.result.latestHeight) >= height) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the network did not reach height ${height} within 30 s`);
}

await main();

/**
 * CPU per committed tx per node by thread kind: main thread, signature verifiers
 * (worker_threads), V8's GC and compiler helpers, and the rest. The verifiers' share is a
 * yardstick within one run: it does a fixed amount of work per tx, so the other shares can be
 * compared between runs as multiples of it, whatever the machine's speed at the time.
 */
function threadSplit(
  nodes: { before: Map<string, number>; after: Map<string, number> }[],
  committed: number,
): Record<string, number> {
  const names: Record<string, string> = {
    MainThread: 'main',
    WorkerThread: 'verifiers',
    V8Worker: 'V8 helpers',
  };
  const totals: Record<string, number> = {};
  for (const { before, after } of nodes) {
    for (const [kind, seconds] of after) {
      const label = names[kind] ?? 'other';
      totals[label] = (totals[label] ?? 0) + seconds - (before.get(kind) ?? 0);
    }
  }
  const perTx: Record<string, number> = {};
  for (const [label, seconds] of Object.entries(totals)) {
    perTx[label] = Number(((seconds * 1000) / nodes.length / Math.max(1, committed)).toFixed(3));
  }
  return perTx;
}
