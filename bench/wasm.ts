// Contracts: (1) the cost of metering, as instrumented ÷ plain V8 time of a loop-heavy and a
// call-heavy kernel measured in the same run; (2) token-transfer contract calls per second
// through a single-validator `latticed`, pre-signed, next to this machine's verify baseline.
//
//   npm run bench:wasm -- [--duration 30] [--accounts 1000] [--rate N|max] [--lanes 4]
//                          [--batch 100] [--runs 31] [--skip-node] [--json] [--keep-home]
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { contractAddress } from '@lattice/app';
import { buildContract } from '@lattice/contract-sdk';
import { formatAddress } from '@lattice/crypto';
import { LatticeClient, receiptAttribute, Wallet } from '@lattice/sdk';
import {
  type CompiledContract,
  callContract,
  compileContract,
  compileModule,
  HOST_SIGNATURES,
  instrument,
  validateModule,
} from '@lattice/vm';
import { measureVerifyBaseline } from './lib/baseline.ts';
import { loadReportLines, runLoad } from './lib/load.ts';
import { processCpuSeconds, rpc, startBenchNode, stopLatticed, waitForNode } from './lib/node-process.ts';
import { log, printReport, progress } from './lib/output.ts';
import { presign } from './lib/presign.ts';
import { fmt, percentile } from './lib/stats.ts';
import { benchGenesisAccounts, benchKey, type TransferPlan } from './lib/transfer-signer.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    accounts: { type: 'string', default: '1000' },
    rate: { type: 'string', default: 'max' },
    lanes: { type: 'string', default: '4' },
    batch: { type: 'string', default: '100' },
    runs: { type: 'string', default: '31' },
    'skip-node': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'keep-home': { type: 'boolean', default: false },
    'node-log': { type: 'string', default: 'warn' },
  },
});
const DURATION_S = Number(args.duration);
const ACCOUNTS = Number(args.accounts);
const RATE = args.rate === 'max' ? undefined : Number(args.rate);
const RUNS = Number(args.runs);
const WARMUP_RUNS = 10;
const BLOCK_TIME_MS = 1_000;
const LOOP_N = 3_000;
const FIB_N = 27;

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// ---- (1) metering overhead ---------------------------------------------------------------------

interface Overhead {
  plainMs: number;
  meteredMs: number;
  ratio: number;
  gasUsed: string;
}

/** Median time of `entry(arg)` on fresh instances, plain and instrumented, interleaved. */
function overheadOf(
  plain: WebAssembly.Module,
  metered: CompiledContract,
  entry: string,
  arg: number,
): Overhead {
  const abort = () => {
    throw new Error('kernel aborted');
  };
  const runPlain = () => {
    const e = new WebAssembly.Instance(plain, { env: { abort } }).exports as Record<
      string,
      (x?: number) => number
    >;
    e._initialize?.();
    return e[entry]!(arg);
  };
  const host = { env: { abort: { baseGas: 0n, fn: abort } } };
  let gasUsed = 0n;
  const runMetered = () => {
    const r = callContract(metered, host, entry, [arg], 10n ** 15n);
    gasUsed = r.gasUsed;
    return r.value;
  };
  const plainMs: number[] = [];
  const meteredMs: number[] = [];
  for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
    progress(`metering overhead: ${entry} run ${i + 1}/${WARMUP_RUNS + RUNS}`);
    let t = performance.now();
    const a = runPlain();
    const p = performance.now() - t;
    t = performance.now();
    const b = runMetered();
    const m = performance.now() - t;
    if (a !== b) throw new Error(`${entry}: plain gave ${a}, instrumented ${b}`);
    if (i >= WARMUP_RUNS) {
      plainMs.push(p);
      meteredMs.push(m);
    }
  }
  plainMs.sort((x, y) => x - y);
  meteredMs.sort((x, y) => x - y);
  const pm = percentile(plainMs, 50);
  const mm = percentile(meteredMs, 50);
  return { plainMs: pm, meteredMs: mm, ratio: mm / pm, gasUsed: gasUsed.toString() };
}

async function meteringOverhead(): Promise<{ loop: Overhead; calls: Overhead }> {
  log('building the metering kernels…');
  const wasm = await buildContract(here('./contracts/metering/assembly/index.ts'));
  validateModule(wasm, { imports: HOST_SIGNATURES, requiredExports: [] });
  const plain = compileModule(wasm);
  const metered = compileContract(instrument(wasm));
  const loop = overheadOf(plain, metered, 'loop_heavy', LOOP_N);
  const calls = overheadOf(plain, metered, 'call_heavy', FIB_N);
  progress('');
  return { loop, calls };
}

// ---- (2) token transfers through a node --------------------------------------------------------

async function waitOk(client: LatticeClient, hash: string) {
  const r = await client.waitForTx(hash);
  if (!r.success) throw new Error(`setup tx failed: [${r.codeName}] ${r.log}`);
  return r;
}

/** Fails the bench if any tx in the measured blocks did not succeed (a failed call is not a call). */
async function failedTxs(url: string, heights: number[]): Promise<number> {
  let failed = 0;
  for (const h of heights) {
    const r = (await rpc(url, { jsonrpc: '2.0', id: 1, method: 'lat_getBlockResults', params: [h] })) as {
      result: { txResults: { code: number }[] } | null;
    };
    failed += r.result?.txResults.filter((t) => t.code !== 0).length ?? 0;
  }
  return failed;
}

async function tokenThroughput() {
  const deployerIndex = ACCOUNTS;
  const token = formatAddress(contractAddress(1n, 0n));
  const plan: TransferPlan = {
    chainId: 'lattice-bench-wasm-1',
    accounts: ACCOUNTS,
    txsPerAccount: Math.ceil(((RATE ?? 2_500) * 1.2 * DURATION_S) / ACCOUNTS),
    gasLimit: 400_000n,
    fee: 4_000n,
    token,
  };
  const tokenWasm = await buildContract(here('../packages/contracts/examples/token/assembly/index.ts'));
  const signed = await presign(plan);
  const accounts = benchGenesisAccounts(ACCOUNTS + 1);
  const { home, url, child } = await startBenchNode({
    chainId: plan.chainId,
    accounts,
    blockTimeMs: BLOCK_TIME_MS,
    logLevel: args['node-log'],
  });
  try {
    await waitForNode(url, child);
    const client = new LatticeClient(url);
    const deployer = new Wallet(benchKey(deployerIndex));
    log('deploying the token contract…');
    const stored = await waitOk(client, await client.wasm.storeCode(deployer, tokenWasm));
    const codeId = BigInt(receiptAttribute(stored, 'store_code', 'code_id')!);
    const init = {
      name: 'Bench Token',
      symbol: 'BENCH',
      decimals: 6,
      initial_balances: accounts
        .slice(0, ACCOUNTS)
        .map((a) => ({ address: a.address, amount: '1000000000' })),
    };
    const inst = await waitOk(
      client,
      await client.wasm.instantiate(deployer, codeId, init, { label: 'bench' }),
    );
    const address = receiptAttribute(inst, 'instantiate', '_contract_address');
    if (address !== token) throw new Error(`the token is at ${address}, the pre-signed txs expect ${token}`);
    await client.close();
    const cpuBefore = processCpuSeconds(child.pid!);
    const wallBefore = performance.now();
    const result = await runLoad({
      submitUrls: [url],
      watchUrl: url,
      signed,
      durationS: DURATION_S,
      lanes: Number(args.lanes),
      batch: Number(args.batch),
      blockTimeMs: BLOCK_TIME_MS,
      ...(RATE === undefined ? {} : { ratePerS: RATE }),
    });
    const nodeCores = (processCpuSeconds(child.pid!) - cpuBefore) / ((performance.now() - wallBefore) / 1000);
    const failed = await failedTxs(url, result.windowHeights);
    return { result, failed, nodeCores };
  } finally {
    await stopLatticed(child);
    if (!args['keep-home']) rmSync(home, { recursive: true, force: true });
    else log(`node home kept at ${home}`);
  }
}

async function main(): Promise<void> {
  const overhead = await meteringOverhead();
  const lines = [
    'bench:wasm',
    `  metering, loop-heavy (insertion sort of ${LOOP_N}):   plain ${fmt(overhead.loop.plainMs, 2)} ms, ` +
      `instrumented ${fmt(overhead.loop.meteredMs, 2)} ms  → ${fmt(overhead.loop.ratio, 2)}× (median of ${RUNS})`,
    `  metering, call-heavy (recursive fib(${FIB_N})):      plain ${fmt(overhead.calls.plainMs, 2)} ms, ` +
      `instrumented ${fmt(overhead.calls.meteredMs, 2)} ms  → ${fmt(overhead.calls.ratio, 2)}× (median of ${RUNS})`,
  ];
  const report: Record<string, unknown> = { overhead };
  if (!args['skip-node']) {
    const baseline = measureVerifyBaseline();
    const { result, failed, nodeCores } = await tokenThroughput();
    report.tokenTransfers = {
      txPerSec: Math.round(result.txPerSec),
      latencyMs: { p50: result.p50, p95: result.p95, p99: result.p99 },
      failed,
      nodeCores,
      baselineVerifyPerSec: Math.round(baseline),
    };
    lines.push(
      `  token transfers through one validator (${ACCOUNTS} senders, ${fmt(result.windowS, 1)} s measured):`,
      ...loadReportLines(result, baseline, 'commit').map((l) => `  ${l}`),
      `    failed:     ${failed} of the measured txs${failed > 0 ? '  ← the bench counts only successful calls' : ''}`,
      `    cpu:        node ${fmt(nodeCores, 2)} cores (of 2)`,
    );
    if (failed > 0) process.exitCode = 1;
  }
  printReport(args.json, report, lines);
}

await main();
