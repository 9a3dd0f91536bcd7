// Signature throughput: node:crypto on one thread (the baseline) vs InlineVerifier vs
// WorkerPoolVerifier, for ML-DSA-44 and ML-DSA-65, plus signing. Run: node bench/verify.ts
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  ALG_ML_DSA_44,
  ALG_ML_DSA_65,
  getScheme,
  InlineVerifier,
  privateKeyFromSeed,
  SIGN_CONTEXT_TX,
  type SignatureVerifier,
  type VerifyRequest,
  WorkerPoolVerifier,
} from '@lattice/crypto';

const SECONDS = 1.2;
const KEYS = 32;
const CALL_SIZE = 256;
const CALLS_IN_FLIGHT = 4;

function requestsFor(alg: number): VerifyRequest[] {
  const out: VerifyRequest[] = [];
  for (let k = 0; k < KEYS; k++) {
    const seed = new Uint8Array(32).fill(k + 1);
    const key = privateKeyFromSeed(alg, seed);
    for (let m = 0; m < CALL_SIZE / KEYS; m++) {
      const message = new Uint8Array(200).fill((k * 31 + m) & 0xff);
      out.push({
        alg,
        publicKey: key.publicKey,
        message,
        signature: key.sign(message, SIGN_CONTEXT_TX),
        context: SIGN_CONTEXT_TX,
      });
    }
  }
  return out;
}

/** Operations per second of a synchronous step run for about SECONDS. */
function rateSync(step: () => number): number {
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) ops += step();
  return (ops * 1000) / (performance.now() - start);
}

async function rateVerifier(v: SignatureVerifier, requests: VerifyRequest[]): Promise<number> {
  const warm = await v.verify(requests);
  if (!warm.every(Boolean)) throw new Error('bench signatures must all verify');
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    await Promise.all(Array.from({ length: CALLS_IN_FLIGHT }, () => v.verify(requests)));
    ops += CALLS_IN_FLIGHT * requests.length;
  }
  return (ops * 1000) / (performance.now() - start);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(8);
const ratio = (n: number, base: number) => `${(n / base).toFixed(2)}×`;

console.log(`node ${process.version}, ${availableParallelism()} CPUs, ~${SECONDS}s per measurement`);
for (const alg of [ALG_ML_DSA_44, ALG_ML_DSA_65]) {
  const name = getScheme(alg).name;
  const requests = requestsFor(alg);
  const imported = requests.map((r) => ({
    ...r,
    key: createPublicKey({
      key: Buffer.from(r.publicKey),
      format: 'raw-public',
      asymmetricKeyType: name.toLowerCase() as 'ml-dsa-44',
    }),
    ctx: Buffer.from(r.context as string),
  }));

  let i = 0;
  const baseline = rateSync(() => {
    const r = imported[i++ % imported.length]!;
    if (!nodeVerify(null, r.message, { key: r.key, context: r.ctx }, r.signature))
      throw new Error('baseline failed');
    return 1;
  });
  const signer = privateKeyFromSeed(alg, new Uint8Array(32).fill(9));
  const msg = new Uint8Array(200);
  const sign = rateSync(() => {
    signer.sign(msg, SIGN_CONTEXT_TX);
    return 1;
  });

  const rows: [string, number][] = [['node:crypto verify, 1 thread (baseline)', baseline]];
  const inline = new InlineVerifier();
  rows.push(['InlineVerifier', await rateVerifier(inline, requests)]);
  await inline.close();
  const threadCounts = [...new Set([Math.max(1, availableParallelism() - 1), availableParallelism()])];
  for (const threads of threadCounts) {
    const pool = new WorkerPoolVerifier({ threads });
    rows.push([
      `WorkerPoolVerifier, ${threads} thread(s), batches of ≤256`,
      await rateVerifier(pool, requests),
    ]);
    await pool.close();
  }

  console.log(`\n${name}`);
  for (const [label, rate] of rows)
    console.log(`  ${label.padEnd(52)} ${fmt(rate)} verify/s  ${ratio(rate, baseline)}`);
  console.log(`  ${'sign (PrivateKey.sign, node:crypto)'.padEnd(52)} ${fmt(sign)} sign/s`);
}
