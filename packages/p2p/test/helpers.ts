import { silentLogger } from '@lattice/utils';
import type { P2PConfig, P2PDeps, P2PEvent } from '../src/index.ts';
import { P2PHost } from '../src/index.ts';

export const GENESIS = new Uint8Array(32).fill(7);
export const WAIT_MS = 8_000;

export function hostConfig(over: Partial<P2PConfig> = {}): P2PConfig {
  return {
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    chainId: 'lattice-test',
    genesisHash: GENESIS,
    // Topologies in tests are exactly what each test wires; peer exchange is tested on its own.
    pexTargetPeers: 0,
    ...over,
  };
}

/** Hosts created through this list are stopped by `stopAll`, whatever the test outcome. */
export class Hosts {
  readonly all: P2PHost[] = [];

  async make(over: Partial<P2PConfig> = {}, deps: Partial<P2PDeps> = {}): Promise<P2PHost> {
    const h = await P2PHost.create(hostConfig(over), { logger: silentLogger, ...deps });
    this.all.push(h);
    return h;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.map((h) => h.stop()));
  }
}

/**
 * Resolves with the first host event matching `pred`, or once `ready()` holds (checked immediately
 * and after every event); rejects after `ms`. Event-driven: no polling, no sleeps.
 */
export function waitFor<T extends P2PEvent>(
  host: P2PHost,
  pred: (e: P2PEvent) => e is T,
  ms?: number,
): Promise<T>;
export function waitFor(host: P2PHost, pred: (e: P2PEvent) => boolean, ms?: number): Promise<P2PEvent>;
export function waitFor(host: P2PHost, pred: (e: P2PEvent) => boolean, ms = WAIT_MS): Promise<P2PEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${ms} ms waiting for a p2p event`));
    }, ms);
    const off = host.on((e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Resolves once `check()` is true, re-evaluated on every event of `host`. */
export function waitUntil(host: P2PHost, check: () => boolean, ms = WAIT_MS): Promise<void> {
  if (check()) return Promise.resolve();
  return waitFor(host, () => check(), ms).then(() => undefined);
}

export function withTimeout<T>(p: Promise<T>, ms = WAIT_MS, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function isReady(peer: string) {
  return (e: P2PEvent): e is Extract<P2PEvent, { type: 'peer:ready' }> =>
    e.type === 'peer:ready' && e.peer === peer;
}

/** Starts `b` bootstrapping from `a` and waits until both sides completed the status handshake. */
export async function connectPair(hosts: Hosts, a: P2PHost, over: Partial<P2PConfig> = {}): Promise<P2PHost> {
  const aSawB = new Promise<string>((resolve) => {
    const off = a.on((e) => {
      if (e.type === 'peer:ready') {
        off();
        resolve(e.peer);
      }
    });
  });
  const b = await hosts.make({ bootstrap: [a.addresses()[0]!], ...over });
  await withTimeout(
    Promise.all([waitUntil(b, () => b.peers().some((p) => p.id === a.peerId && p.height !== null)), aSawB]),
    WAIT_MS,
    'status handshake',
  );
  return b;
}
