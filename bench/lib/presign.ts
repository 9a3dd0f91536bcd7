import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { log, progress } from './output.ts';
import { fmt } from './stats.ts';
import type { TransferPlan } from './transfer-signer.ts';

const SIGN_THREADS = 2;

function cachePath(plan: TransferPlan): string {
  const dir = join(tmpdir(), 'lattice-bench-cache');
  mkdirSync(dir, { recursive: true });
  return join(
    dir,
    `transfers-v2-${plan.chainId}-${plan.accounts}x${plan.txsPerAccount}-${plan.gasLimit}-${plan.fee}${plan.token ? `-${plan.token}` : ''}.bin`,
  );
}

function load(path: string, plan: TransferPlan): Uint8Array[][] {
  const buf = readFileSync(path);
  const out: Uint8Array[][] = [];
  let off = 0;
  for (let a = 0; a < plan.accounts; a++) {
    const txs: Uint8Array[] = [];
    for (let s = 0; s < plan.txsPerAccount; s++) {
      const len = buf.readUInt32BE(off);
      txs.push(new Uint8Array(buf.buffer, buf.byteOffset + off + 4, len));
      off += 4 + len;
    }
    out.push(txs);
  }
  return out;
}

function save(path: string, signed: Uint8Array[][]): void {
  const parts: Buffer[] = [];
  for (const txs of signed) {
    for (const tx of txs) {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(tx.length);
      parts.push(len, Buffer.from(tx));
    }
  }
  writeFileSync(path, Buffer.concat(parts));
}

/**
 * Every transfer of the plan, signed on all cores, per account in sequence order; cached on disk
 * (keys are deterministic), so later runs of the same plan skip signing.
 */
export async function presign(plan: TransferPlan): Promise<Uint8Array[][]> {
  const path = cachePath(plan);
  const total = plan.accounts * plan.txsPerAccount;
  if (existsSync(path)) {
    log(`loaded ${fmt(total)} pre-signed transfers from ${path}`);
    return load(path, plan);
  }
  const out: Uint8Array[][] = new Array(plan.accounts);
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SIGN_THREADS }, (_, t) => {
      const from = Math.floor((plan.accounts * t) / SIGN_THREADS);
      const to = Math.floor((plan.accounts * (t + 1)) / SIGN_THREADS);
      return new Promise<void>((resolve, reject) => {
        const w = new Worker(new URL('./sign-worker.ts', import.meta.url), {
          workerData: { plan, from, to },
        });
        w.on('message', (m: { account: number; txs: Uint8Array[] }) => {
          out[m.account] = m.txs;
          done++;
          const rate = (done * plan.txsPerAccount) / ((performance.now() - started) / 1000);
          progress(`pre-signing: ${done}/${plan.accounts} accounts (${fmt(rate)} tx/s)`);
        });
        w.on('error', reject);
        w.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`sign worker exited with ${code}`)),
        );
      });
    }),
  );
  progress('');
  save(path, out);
  log(
    `pre-signed ${fmt(total)} transfers in ${fmt((performance.now() - started) / 1000, 1)} s (cached in ${path})`,
  );
  return out;
}
