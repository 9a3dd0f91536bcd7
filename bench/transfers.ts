// Sustained transfer throughput of a real node: pre-signs ML-DSA-44 transfers from many accounts,
// starts `latticed`, submits over JSON-RPC as fast as the node accepts them, and reports included
// tx/s, submit→commit latency percentiles, and the ratio to this machine's single-core
// node:crypto ML-DSA-44 verify rate measured in the same run.
//
//   npm run bench:transfers -- [--duration 65] [--accounts 1000] [--block-time 1000] [--lanes 4]
//                              [--batch 100] [--txs N] [--json]
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { ALG_ML_DSA_44, generatePrivateKey, SIGN_CONTEXT_TX } from '@lattice/crypto';
import { initHome } from '@lattice/node';
import { fmt, percentile } from './lib/stats.ts';
import { benchAddress, type TransferPlan } from './lib/transfer-signer.ts';

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
const LANES = Number(args.lanes);
const BATCH = Number(args.batch);
// Enough for 4,500 tx/s over the whole run, so the node, not the bench, is the limit.
const TOTAL_TXS = Number(args.txs ?? 4_500 * DURATION_S);
const TXS_PER_ACCOUNT = Math.ceil(TOTAL_TXS / ACCOUNTS);
const CHAIN_ID = 'lattice-bench-1';
const PLAN: TransferPlan = {
  chainId: CHAIN_ID,
  accounts: ACCOUNTS,
  txsPerAccount: TXS_PER_ACCOUNT,
  gasLimit: 150_000n,
  fee: 1_500n,
};

const log = (s: string) => process.stderr.write(`${s}\n`);
const progress = (s: string) => process.stderr.isTTY && process.stderr.write(`\r${s}\x1b[K`);

/** Baseline: single-thread node:crypto ML-DSA-44 verifications per second on this machine. */
function measureVerifyBaseline(): number {
  const key = generatePrivateKey(ALG_ML_DSA_44);
  const pub = createPublicKey({
    key: Buffer.from(key.publicKey),
    format: 'raw-public',
    asymmetricKeyType: 'ml-dsa-44',
  });
  const msg = new Uint8Array(300).fill(7);
  const sig = key.sign(msg, SIGN_CONTEXT_TX);
  const context = Buffer.from(SIGN_CONTEXT_TX);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 2_000) {
    for (let i = 0; i < 50; i++) nodeVerify(null, msg, { key: pub, context }, sig);
    n += 50;
  }
  return n / ((performance.now() - start) / 1000);
}

function cachePath(): string {
  const dir = join(tmpdir(), 'lattice-bench-cache');
  mkdirSync(dir, { recursive: true });
  return join(
    dir,
    `transfers-v2-${CHAIN_ID}-${ACCOUNTS}x${TXS_PER_ACCOUNT}-${PLAN.gasLimit}-${PLAN.fee}.bin`,
  );
}

/** Pre-signs every transfer on all cores (or loads them from the cache of an earlier run). */
async function presign(): Promise<Uint8Array[][]> {
  const path = cachePath();
  if (existsSync(path)) {
    const buf = readFileSync(path);
    const out: Uint8Array[][] = [];
    let off = 0;
    for (let a = 0; a < ACCOUNTS; a++) {
      const txs: Uint8Array[] = [];
      for (let s = 0; s < TXS_PER_ACCOUNT; s++) {
        const len = buf.readUInt32BE(off);
        txs.push(new Uint8Array(buf.buffer, buf.byteOffset + off + 4, len));
        off += 4 + len;
      }
      out.push(txs);
    }
    log(`loaded ${fmt(ACCOUNTS * TXS_PER_ACCOUNT)} pre-signed transfers from ${path}`);
    return out;
  }
  const threads = 2;
  const out: Uint8Array[][] = new Array(ACCOUNTS);
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const from = Math.floor((ACCOUNTS * t) / threads);
      const to = Math.floor((ACCOUNTS * (t + 1)) / threads);
      return new Promise<void>((resolve, reject) => {
        const w = new Worker(new URL('./lib/sign-worker.ts', import.meta.url), {
          workerData: { plan: PLAN, from, to },
        });
        w.on('message', (m: { account: number; txs: Uint8Array[] }) => {
          out[m.account] = m.txs;
          done++;
          const rate = (done * TXS_PER_ACCOUNT) / ((performance.now() - started) / 1000);
          progress(`pre-signing: ${done}/${ACCOUNTS} accounts (${fmt(rate)} tx/s)`);
        });
        w.on('error', reject);
        w.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`sign worker exited with ${code}`)),
        );
      });
    }),
  );
  progress('');
  const parts: Buffer[] = [];
  for (const txs of out) {
    for (const tx of txs) {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(tx.length);
      parts.push(len, Buffer.from(tx));
    }
  }
  writeFileSync(path, Buffer.concat(parts));
  log(
    `pre-signed ${fmt(ACCOUNTS * TXS_PER_ACCOUNT)} transfers in ${fmt((performance.now() - started) / 1000, 1)} s (cached in ${path})`,
  );
  return out;
}

/** User + system CPU seconds of a process (all its threads), from /proc; 0 where there is none. */
function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function rpc(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

async function waitForNode(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`latticed exited with ${child.exitCode}`);
    try {
      await rpc(url, { jsonrpc: '2.0', id: 0, method: 'lat_status' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('latticed did not answer within 30 s');
}

async function main(): Promise<void> {
  log(`measuring the node:crypto ML-DSA-44 verify baseline (1 thread)…`);
  const baseline = measureVerifyBaseline();
  log(`baseline: ${fmt(baseline)} verifications/s`);
  const signed = await presign();

  const home = mkdtempSync(join(tmpdir(), 'lattice-bench-'));
  const port = await freePort();
  await initHome({
    home,
    chainId: CHAIN_ID,
    moniker: 'bench',
    accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({
      address: benchAddress(i),
      coins: [{ denom: 'udrt', amount: 10n ** 15n }],
    })),
    config: (c) => {
      c.rpc.port = port;
      c.block.timeMs = BLOCK_TIME_MS;
      c.log.level = args['node-log'] as 'warn';
      c.verifier.threads = 1;
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      new URL('../packages/node/bin/latticed.ts', import.meta.url).pathname,
      'start',
      '--home',
      home,
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let exitCode = 0;
  try {
    await waitForNode(url, child);
    const cpuBefore = { node: processCpuSeconds(child.pid!), bench: process.cpuUsage() };
    const wallBefore = performance.now();
    const result = await runLoad(url, signed);
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
    if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      process.stdout.write(
        [
          '',
          `bench:transfers — ${ACCOUNTS} accounts, ${BLOCK_TIME_MS} ms blocks, ${fmt(result.windowS, 1)} s measured`,
          `  included:   ${fmt(result.includedInWindow)} transfers in ${result.blocks} blocks (max ${fmt(result.maxTxsPerBlock)} per block)`,
          `  throughput: ${fmt(result.txPerSec)} tx/s sustained`,
          `  latency:    p50 ${fmt(result.p50)} ms   p95 ${fmt(result.p95)} ms   p99 ${fmt(result.p99)} ms  (submit → commit)`,
          `  baseline:   ${fmt(baseline)} ML-DSA-44 verifications/s on one core (node:crypto)`,
          `  ratio:      ${ratio.toFixed(3)} included tx/s per single-core verify/s`,
          `  rejected:   ${Object.keys(result.rejected).length === 0 ? 'none' : JSON.stringify(result.rejected)}`,
          '',
        ].join('\n'),
      );
    }
  } catch (e) {
    log(`bench failed: ${(e as Error).stack}`);
    exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (!args['keep-home']) rmSync(home, { recursive: true, force: true });
    else log(`node home kept at ${home}`);
  }
  process.exitCode = exitCode;
}

interface LoadResult {
  submitted: number;
  includedInWindow: number;
  windowS: number;
  txPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  rejected: Record<string, number>;
  blocks: number;
  maxTxsPerBlock: number;
}

async function runLoad(url: string, signed: Uint8Array[][]): Promise<LoadResult> {
  const submitAt = new Map<string, number>();
  const latencies: number[] = [];
  const blocks: { at: number; txs: number }[] = [];
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error('websocket failed'));
  });
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data)) as { method?: string; params?: { result: { txs: string[] } } };
    if (msg.method !== 'lat_subscription') return;
    const now = performance.now();
    const txs = msg.params!.result.txs;
    blocks.push({ at: now, txs: txs.length });
    for (const h of txs) {
      const t = submitAt.get(h);
      if (t !== undefined) {
        latencies.push(now - t);
        submitAt.delete(h);
      }
    }
  };
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'lat_subscribe', params: ['newBlocks'] }));

  const rejected: Record<string, number> = {};
  let submitted = 0;
  const started = performance.now();
  const deadline = started + DURATION_S * 1000;
  // base64: a third fewer bytes than hex to send and for the node to parse.
  const hexes = signed.map((txs) => txs.map((t) => Buffer.from(t).toString('base64')));
  // Hashes are known before sending, so a block that commits a tx before its batch's HTTP
  // answer arrives still counts it.
  const hashes = signed.map((txs) => txs.map((t) => `0x${createHash('sha256').update(t).digest('hex')}`));
  // Lane k owns accounts k, k+LANES, …: a lane waits for each batch's answer, so one account's
  // txs always arrive in sequence order, while lanes run concurrently.
  const lanes = Array.from({ length: LANES }, async (_, lane) => {
    const mine = hexes.map((_, i) => i).filter((i) => i % LANES === lane);
    const cursor = new Map(mine.map((i) => [i, 0]));
    while (performance.now() < deadline) {
      const batch: { hex: string; hash: string }[] = [];
      while (batch.length < BATCH && cursor.size > 0) {
        for (const [acct, seq] of cursor) {
          if (batch.length >= BATCH) break;
          batch.push({ hex: hexes[acct]![seq]!, hash: hashes[acct]![seq]! });
          if (seq + 1 >= TXS_PER_ACCOUNT) cursor.delete(acct);
          else cursor.set(acct, seq + 1);
        }
      }
      if (batch.length === 0) break;
      const now = performance.now();
      for (const b of batch) submitAt.set(b.hash, now);
      const body = batch.map((b, i) => ({
        jsonrpc: '2.0',
        id: i,
        method: 'lat_sendRawTransaction',
        params: [b.hex],
      }));
      const res = (await rpc(url, body)) as {
        id: number;
        result?: unknown;
        error?: { data?: { code: string } };
      }[];
      for (const r of res) {
        if (r.result) continue;
        submitAt.delete(batch[r.id]!.hash);
        const code = r.error?.data?.code ?? 'UNKNOWN';
        rejected[code] = (rejected[code] ?? 0) + 1;
      }
      submitted += batch.length;
      const elapsed = (performance.now() - started) / 1000;
      progress(
        `${fmt(elapsed, 1)} s: submitted ${fmt(submitted)}, committed ${fmt(latencies.length)}, blocks ${blocks.length}`,
      );
    }
  });
  await Promise.all(lanes);
  const submitEnd = performance.now();
  // Let the last submitted txs commit so their latencies count too.
  const drainUntil = performance.now() + 3 * BLOCK_TIME_MS + 2_000;
  while (submitAt.size > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  ws.close();
  progress('');
  if (submitAt.size > 0) {
    // Accepted but never committed: say where they are, since that is a bug, not load.
    const sample = [...submitAt.keys()].slice(0, 3);
    const where = await rpc(
      url,
      sample.map((h, i) => ({ jsonrpc: '2.0', id: i, method: 'lat_getTransactionByHash', params: [h] })),
    );
    const mempool = await rpc(url, { jsonrpc: '2.0', id: 0, method: 'lat_getMempool' });
    log(
      `${submitAt.size} accepted txs not committed; mempool ${JSON.stringify(mempool)}; e.g. ${JSON.stringify(where).slice(0, 600)}`,
    );
  }
  // Throughput over the steady window: from the first block with txs to the end of submission.
  const firstFull = blocks.find((b) => b.txs > 0)?.at ?? started;
  const inWindow = blocks.filter((b) => b.at > firstFull && b.at <= submitEnd);
  const includedInWindow = inWindow.reduce((s, b) => s + b.txs, 0);
  const windowS = ((inWindow.at(-1)?.at ?? submitEnd) - firstFull) / 1000;
  latencies.sort((a, b) => a - b);
  if (submitAt.size > 0) rejected.NOT_COMMITTED = submitAt.size;
  return {
    submitted,
    includedInWindow,
    windowS,
    txPerSec: includedInWindow / windowS,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rejected,
    blocks: blocks.length,
    maxTxsPerBlock: Math.max(0, ...blocks.map((b) => b.txs)),
  };
}

await main();
