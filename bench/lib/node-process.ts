import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, initHome } from '@lattice/node';

export { freePort, freePortRange } from '@lattice/node';

const NODE_START_TIMEOUT_MS = 30_000;
const LATTICED = new URL('../../packages/node/bin/latticed.ts', import.meta.url).pathname;

/** User + system CPU seconds of a process (all its threads), from /proc; 0 where there is none. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * User + system CPU seconds per thread kind of a process, from /proc/<pid>/task (Linux; empty
 * elsewhere): Node names its threads MainThread, WorkerThread (worker_threads: the signature
 * verifiers), V8Worker (GC and compiler helpers) and libuv-worker (thread pool).
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byKind = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byKind;
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const kind = stat.slice(open + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      byKind.set(kind, (byKind.get(kind) ?? 0) + seconds);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return byKind;
}

export function rpc(url: string, body: unknown): Promise<unknown> {
  return rpcText(url, JSON.stringify(body));
}

/** A JSON-RPC call whose body is already serialised. */
export async function rpcText(url: string, body: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return res.json();
}

/**
 * `latticed start --home <home>`, with extra node flags from BENCH_NODE_ARGS (e.g. --cpu-prof);
 * BENCH_NODE_STDOUT=1 shows the nodes' stdout (e.g. for --trace-gc).
 */
export function startLatticed(home: string): ChildProcess {
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  return spawn(process.execPath, [...nodeArgs, LATTICED, 'start', '--home', home], {
    stdio: ['ignore', process.env.BENCH_NODE_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
}

/**
 * A single validator in a fresh temporary home (genesis funds `accounts`; one verify thread, so
 * the load generator keeps a core), started; the caller waits for it with waitForNode.
 */
export async function startBenchNode(o: {
  chainId: string;
  accounts: { address: string; coins: { denom: string; amount: bigint }[] }[];
  blockTimeMs: number;
  logLevel: string;
}): Promise<{ home: string; url: string; child: ChildProcess }> {
  const home = mkdtempSync(join(tmpdir(), 'lattice-bench-'));
  const port = await freePort();
  await initHome({
    home,
    chainId: o.chainId,
    moniker: 'bench',
    accounts: o.accounts,
    config: (c) => {
      c.rpc.port = port;
      c.block.timeMs = o.blockTimeMs;
      c.log.level = o.logLevel as 'warn';
      c.verifier.threads = 1;
    },
  });
  return { home, url: `http://127.0.0.1:${port}`, child: startLatticed(home) };
}

export async function waitForNode(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + NODE_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`latticed exited with ${child.exitCode}`);
    try {
      await rpc(url, { jsonrpc: '2.0', id: 0, method: 'lat_status' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`latticed did not answer within ${NODE_START_TIMEOUT_MS / 1000} s`);
}

export async function stopLatticed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
