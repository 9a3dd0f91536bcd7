import { createHash } from 'node:crypto';
import { rpc, rpcText } from './node-process.ts';
import { log, progress, showsProgress } from './output.ts';
import { fmt, percentile } from './stats.ts';

/** Pre-encoded request ids are account × this + sequence. */
const TXS_PER_ACCOUNT_MAX = 1_000_000;

export interface LoadOptions {
  /** Lane k submits to submitUrls[k % length]: with several nodes, each gets its share of accounts. */
  submitUrls: string[];
  /** The node whose committed blocks (over its websocket) define "final". */
  watchUrl: string;
  signed: Uint8Array[][];
  durationS: number;
  /**
   * Seconds of the same load before the measured window, not counted in any figure: a node just
   * started is still compiling its hot paths (V8's optimising compiler ran a quarter of a node's
   * helper-thread time in the first 30 s) and filling its caches, which is not its sustained rate.
   */
  warmupS?: number;
  /** Called when the warm-up ends and measuring starts (e.g. to take CPU readings). */
  onMeasureStart?: () => void;
  lanes: number;
  batch: number;
  blockTimeMs: number;
  /**
   * Offered load in tx/s, spread over the lanes; absent = as fast as the nodes answer. A paced
   * load measures latency at a given throughput; an unpaced one fills the mempool, so its latency
   * is mostly time spent queued.
   */
  ratePerS?: number;
}

export interface LoadResult {
  /** Submitted after the warm-up. */
  submitted: number;
  /** Txs in blocks committed from the end of the warm-up until the load drained. */
  committedSinceMeasure: number;
  includedInWindow: number;
  windowS: number;
  txPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  rejected: Record<string, number>;
  blocks: number;
  maxTxsPerBlock: number;
  /** Heights committed inside the steady window. */
  windowHeights: number[];
  /** Mean time between the blocks of the steady window, in ms. */
  meanBlockIntervalMs: number;
}

interface SeenBlock {
  at: number;
  height: number;
  txs: number;
}

/**
 * Submits pre-signed transfers over JSON-RPC batches as fast as the nodes accept them for
 * `durationS`, and times each from its submission to the block that commits it on the watched
 * node. Throughput is counted over the steady window: from the first block with txs to the end of
 * submission.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const submitAt = new Map<string, number>();
  // Set when the warm-up ends: only txs submitted from then on are timed and counted.
  let measureFrom = Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  const blocks: SeenBlock[] = [];
  const ws = new WebSocket(`${o.watchUrl.replace('http', 'ws')}/ws`);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error('websocket failed'));
  });
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data)) as {
      method?: string;
      params?: { result: { height: string; txs: string[] } };
    };
    if (msg.method !== 'lat_subscription') return;
    const now = performance.now();
    const { txs, height } = msg.params!.result;
    blocks.push({ at: now, height: Number(height), txs: txs.length });
    for (const h of txs) {
      const t = submitAt.get(h);
      if (t !== undefined) {
        if (t >= measureFrom) latencies.push(now - t);
        submitAt.delete(h);
      }
    }
  };
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'lat_subscribe', params: ['newBlocks'] }));

  const rejected: Record<string, number> = {};
  let submitted = 0;
  const started = performance.now();
  const warmupMs = (o.warmupS ?? 0) * 1000;
  const deadline = started + warmupMs + o.durationS * 1000;
  const startMeasuring = () => {
    measureFrom = performance.now();
    o.onMeasureStart?.();
  };
  const warmupTimer = warmupMs > 0 ? setTimeout(startMeasuring, warmupMs) : undefined;
  if (warmupTimer === undefined) startMeasuring();
  // Each tx's JSON-RPC request is encoded before the clock starts (base64: a third fewer bytes
  // than hex to send and for the node to parse), so the load generator spends its time sending,
  // not serialising: it shares the machine with the nodes it measures. The request id locates
  // the tx (account, sequence) when its answer comes back.
  const idOf = (acct: number, seq: number) => acct * TXS_PER_ACCOUNT_MAX + seq;
  const encoded = o.signed.map((txs, acct) => {
    if (txs.length > TXS_PER_ACCOUNT_MAX) throw new Error(`at most ${TXS_PER_ACCOUNT_MAX} txs per account`);
    return txs.map(
      (t, seq) =>
        `{"jsonrpc":"2.0","id":${idOf(acct, seq)},"method":"lat_sendRawTransaction","params":["${Buffer.from(t).toString('base64')}"]}`,
    );
  });
  // Hashes are known before sending, so a block that commits a tx before its batch's HTTP
  // answer arrives still counts it.
  const hashes = o.signed.map((txs) => txs.map((t) => `0x${createHash('sha256').update(t).digest('hex')}`));
  // Lane k owns accounts k, k+lanes, …: a lane waits for each batch's answer, so one account's
  // txs always arrive in sequence order (and at one node), while lanes run concurrently.
  const lanes = Array.from({ length: o.lanes }, async (_, lane) => {
    const url = o.submitUrls[lane % o.submitUrls.length]!;
    const mine = encoded.map((_, i) => i).filter((i) => i % o.lanes === lane);
    const cursor = new Map(mine.map((i) => [i, 0]));
    const laneRate = o.ratePerS === undefined ? undefined : o.ratePerS / o.lanes;
    let laneSent = 0;
    while (performance.now() < deadline) {
      if (laneRate !== undefined) {
        const due = started + (laneSent / laneRate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const batch: { request: string; hash: string }[] = [];
      const hashById = new Map<number, string>();
      while (batch.length < o.batch && cursor.size > 0) {
        for (const [acct, seq] of cursor) {
          if (batch.length >= o.batch) break;
          batch.push({ request: encoded[acct]![seq]!, hash: hashes[acct]![seq]! });
          hashById.set(idOf(acct, seq), hashes[acct]![seq]!);
          if (seq + 1 >= encoded[acct]!.length) cursor.delete(acct);
          else cursor.set(acct, seq + 1);
        }
      }
      if (batch.length === 0) break;
      const now = performance.now();
      for (const b of batch) submitAt.set(b.hash, now);
      const res = (await rpcText(url, `[${batch.map((b) => b.request).join(',')}]`)) as {
        id: number;
        result?: unknown;
        error?: { data?: { code: string } };
      }[];
      for (const r of res) {
        if (r.result) continue;
        submitAt.delete(hashById.get(r.id)!);
        const code = r.error?.data?.code ?? 'UNKNOWN';
        rejected[code] = (rejected[code] ?? 0) + 1;
      }
      if (now >= measureFrom) submitted += batch.length;
      laneSent += batch.length;
      if (showsProgress) {
        const elapsed = (performance.now() - started) / 1000;
        const phase = elapsed * 1000 < warmupMs ? 'warming up' : `submitted ${fmt(submitted)}`;
        progress(
          `${fmt(elapsed, 1)} s: ${phase}, committed ${fmt(latencies.length)}, blocks ${blocks.length}`,
        );
      }
    }
  });
  await Promise.all(lanes);
  clearTimeout(warmupTimer);
  const submitEnd = performance.now();
  // Let the last submitted txs commit so their latencies count too.
  const drainUntil = performance.now() + 3 * o.blockTimeMs + 4_000;
  while (submitAt.size > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  ws.close();
  progress('');
  if (submitAt.size > 0) await reportStuck(o.watchUrl, [...submitAt.keys()]);
  const measured = blocks.filter((b) => b.at >= measureFrom);
  // Without a warm-up the window opens at the first block with txs (the load's first).
  const firstFull = warmupMs > 0 ? measureFrom : (blocks.find((b) => b.txs > 0)?.at ?? started);
  const inWindow = blocks.filter((b) => b.at > firstFull && b.at <= submitEnd);
  const includedInWindow = inWindow.reduce((s, b) => s + b.txs, 0);
  const windowS = ((inWindow.at(-1)?.at ?? submitEnd) - firstFull) / 1000;
  latencies.sort((a, b) => a - b);
  if (submitAt.size > 0) rejected.NOT_COMMITTED = submitAt.size;
  return {
    submitted,
    committedSinceMeasure: measured.reduce((n, b) => n + b.txs, 0),
    includedInWindow,
    windowS,
    txPerSec: includedInWindow / windowS,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rejected,
    blocks: blocks.length,
    maxTxsPerBlock: Math.max(0, ...blocks.map((b) => b.txs)),
    windowHeights: inWindow.map((b) => b.height),
    meanBlockIntervalMs: inWindow.length > 0 ? (windowS * 1000) / inWindow.length : Number.NaN,
  };
}

/** Accepted but never committed: says where a few of them are, since that is a bug, not load. */
async function reportStuck(url: string, hashes: string[]): Promise<void> {
  const sample = hashes.slice(0, 3);
  const where = await rpc(
    url,
    sample.map((h, i) => ({ jsonrpc: '2.0', id: i, method: 'lat_getTransactionByHash', params: [h] })),
  );
  const mempool = await rpc(url, { jsonrpc: '2.0', id: 0, method: 'lat_getMempool' });
  log(
    `${hashes.length} accepted txs not committed; mempool ${JSON.stringify(mempool)}; e.g. ${JSON.stringify(where).slice(0, 600)}`,
  );
}

/** The report lines every load bench shares: throughput, latency, baseline, ratio, rejections. */
export function loadReportLines(r: LoadResult, baseline: number, finalOn: string): string[] {
  return [
    `  throughput: ${fmt(r.txPerSec)} tx/s sustained`,
    `  latency:    p50 ${fmt(r.p50)} ms   p95 ${fmt(r.p95)} ms   p99 ${fmt(r.p99)} ms  (submit → ${finalOn})`,
    `  baseline:   ${fmt(baseline)} ML-DSA-44 verifications/s on one core (node:crypto)`,
    `  ratio:      ${(r.txPerSec / baseline).toFixed(3)} tx/s per single-core verify/s`,
    `  rejected:   ${Object.keys(r.rejected).length === 0 ? 'none' : JSON.stringify(r.rejected)}`,
  ];
}
