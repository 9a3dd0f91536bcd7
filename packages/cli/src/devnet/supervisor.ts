import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homePaths, isPortFree, loadConfig } from '@lattice/node';
import { LatticeError } from '@lattice/utils';

const LATTICED = fileURLToPath(import.meta.resolve('@lattice/node/bin/latticed'));
/** How long a node gets to answer RPC after its process starts. */
const NODE_READY_TIMEOUT_MS = 60_000;
/** How long a node gets to stop on SIGTERM before it is killed. */
const NODE_STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 200;

export interface DevnetNode {
  name: string;
  home: string;
  rpcUrl: string;
  logPath: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The RPC and p2p ports a node home is configured with. */
function portsOf(home: string): { rpc: { host: string; port: number }; p2p: number | undefined } {
  const c = loadConfig(homePaths(home).config);
  const p2p = /\/tcp\/(\d+)/.exec(c.p2p.listen)?.[1];
  return { rpc: c.rpc, p2p: p2p === undefined ? undefined : Number(p2p) };
}

/** Fails with PORT_IN_USE, naming the node and port, before any process is started. */
export async function assertPortsFree(homes: readonly string[]): Promise<void> {
  for (const home of homes) {
    const { rpc, p2p } = portsOf(home);
    const wanted = [
      { what: 'RPC', port: rpc.port, host: rpc.host },
      ...(p2p === undefined ? [] : [{ what: 'p2p', port: p2p, host: '127.0.0.1' }]),
    ];
    for (const w of wanted) {
      if (!(await isPortFree(w.port, w.host))) {
        throw new LatticeError(
          'PORT_IN_USE',
          `port ${w.port} (${w.what} of ${home}) is in use: is another devnet running? Stop it, or start this one with --port`,
          { port: w.port },
        );
      }
    }
  }
}

/** One `latticed start` per home, each logging to <home>/node.log. */
export function startNodes(homes: readonly string[]): DevnetNode[] {
  return homes.map((home, i) => {
    const logPath = join(home, 'node.log');
    const fd = openSync(logPath, 'a');
    const child = spawn(process.execPath, [LATTICED, 'start', '--home', home], {
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const { rpc } = portsOf(home);
    return { name: `node${i}`, home, rpcUrl: `http://${rpc.host}:${rpc.port}`, logPath, child, exited };
  });
}

export function alive(n: DevnetNode): boolean {
  return n.child.exitCode === null && n.child.signalCode === null;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Resolves once every node answers on RPC; fails as soon as one exits or the time is up. */
export async function waitReady(
  nodes: readonly DevnetNode[],
  progress: (ready: number) => void,
): Promise<void> {
  const deadline = Date.now() + NODE_READY_TIMEOUT_MS;
  const ready = new Set<string>();
  while (ready.size < nodes.length) {
    for (const n of nodes) {
      if (!alive(n)) {
        throw new LatticeError('ABORTED', `${n.name} exited while starting; see ${n.logPath}`, {
          code: n.child.exitCode,
        });
      }
      if (!ready.has(n.name) && (await answers(n.rpcUrl))) ready.add(n.name);
    }
    progress(ready.size);
    if (ready.size === nodes.length) return;
    if (Date.now() > deadline) {
      throw new LatticeError('TIMEOUT', `nodes did not answer within ${NODE_READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** SIGTERM to every node, SIGKILL to any still running after NODE_STOP_TIMEOUT_MS. */
export async function stopNodes(nodes: readonly DevnetNode[]): Promise<void> {
  await Promise.all(
    nodes.map(async (n) => {
      if (!alive(n)) return;
      n.child.kill('SIGTERM');
      const timer = setTimeout(() => n.child.kill('SIGKILL'), NODE_STOP_TIMEOUT_MS);
      await n.exited;
      clearTimeout(timer);
    }),
  );
}
