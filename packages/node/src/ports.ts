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

const PORT_RANGE_ATTEMPTS = 50;

/** A base port with `count` consecutive free ports from it, for homes that number ports base + i. */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < PORT_RANGE_ATTEMPTS; attempt++) {
    const base = await freePort();
    if (base + count > 65_535) continue;
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isPortFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
