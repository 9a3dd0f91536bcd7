import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ALG_ML_DSA_44, generatePrivateKey, SIGN_CONTEXT_TX } from '@lattice/crypto';
import { log } from './output.ts';
import { fmt } from './stats.ts';

const BASELINE_MS = 2_000;

/**
 * Single-thread node:crypto ML-DSA-44 verifications per second on this machine, measured in the
 * same run as a benchmark so its results can be read as a ratio (the machine's speed drifts).
 */
export function measureVerifyBaseline(): number {
  log('measuring the node:crypto ML-DSA-44 verify baseline (1 thread)…');
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
  while (performance.now() - start < BASELINE_MS) {
    for (let i = 0; i < 50; i++) nodeVerify(null, msg, { key: pub, context }, sig);
    n += 50;
  }
  const perSecond = n / ((performance.now() - start) / 1000);
  log(`baseline: ${fmt(perSecond)} verifications/s`);
  return perSecond;
}
