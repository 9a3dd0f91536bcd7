import { createServer } from 'node:net';

/** Whether `port` can be listened on at `host` right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** A port the OS calls free on 127.0.0.1 (it may be taken again before it is used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const PORT_RANGE_ATTEMPTS = 200;
/**
 * Ports for nodes that stop and start again are taken below the OS's ephemeral range (32768+ on
 * Linux): a port from that range, once its listener is gone, can be picked as the source port of
 * some outgoing connection and be busy when the node restarts.
 */
const STABLE_PORTS_FROM = 20_000;
const STABLE_PORTS_TO = 32_000;
const handedOut = new Set<number>();

/** A base port with `count` consecutive free ports from it, for homes that number ports base + i. */
export async function freePortRange(count: number): Promise<number> {
  const span = STABLE_PORTS_TO - STABLE_PORTS_FROM - count;
  // Spread by process so parallel test files rarely try the same range first.
  let base = STABLE_PORTS_FROM + ((process.pid * 97) % span);
  for (let attempt = 0; attempt < PORT_RANGE_ATTEMPTS; attempt++) {
    const ports = Array.from({ length: count }, (_, i) => base + i);
    // A range handed out earlier in this process may not be listened on yet.
    if (
      !ports.some((p) => handedOut.has(p)) &&
      (await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean)
    ) {
      for (const p of ports) handedOut.add(p);
      return base;
    }
    base = STABLE_PORTS_FROM + ((base - STABLE_PORTS_FROM + count + 7919) % span);
  }
  throw new Error(`no ${count} consecutive free ports found below ${STABLE_PORTS_TO}`);
}
