// Connection setup time per encrypter: dial → encrypted, muxed connection → status handshake done.
// Usage: node packages/p2p/scripts/measure-encrypters.ts [rounds]
import { silentLogger } from '@lattice/utils';
import { type EncrypterName, P2PHost } from '../src/index.ts';

const ROUNDS = Number(process.argv[2] ?? 30);
const cfg = (encrypter: EncrypterName, bootstrap: string[] = []) => ({
  listen: ['/ip4/127.0.0.1/tcp/0'],
  bootstrap,
  encrypter,
  chainId: 'bench',
  genesisHash: new Uint8Array(32),
});

async function once(encrypter: EncrypterName): Promise<{ ms: number; group: string | null }> {
  const a = await P2PHost.create(cfg(encrypter), { logger: silentLogger });
  const ready = new Promise<void>((resolve) => {
    const off = a.on((e) => {
      if (e.type === 'peer:ready') {
        off();
        resolve();
      }
    });
  });
  const t0 = performance.now();
  const b = await P2PHost.create(cfg(encrypter, [a.addresses()[0]!]), { logger: silentLogger });
  const bReady = new Promise<void>((resolve) => {
    const check = () => b.peers().some((p) => p.height !== null);
    if (check()) return resolve();
    const off = b.on(() => {
      if (check()) {
        off();
        resolve();
      }
    });
  });
  await Promise.all([ready, bReady]);
  const ms = performance.now() - t0;
  const group = b.peers()[0]?.keyExchange ?? null;
  await Promise.all([a.stop(), b.stop()]);
  return { ms, group };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

for (const enc of ['tls', 'noise', 'tls', 'noise'] as const) {
  const times: number[] = [];
  let group: string | null = null;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await once(enc);
    times.push(r.ms);
    group = r.group;
  }
  console.log(
    `${enc.padEnd(5)} rounds=${ROUNDS} p50=${pct(times, 50).toFixed(1)}ms p90=${pct(times, 90).toFixed(1)}ms ` +
      `min=${Math.min(...times).toFixed(1)}ms group=${group ?? '-'}`,
  );
}
