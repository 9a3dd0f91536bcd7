import { parentPort, workerData } from 'node:worker_threads';
import { signTransfers, type TransferPlan } from './transfer-signer.ts';

const { plan, from, to } = workerData as { plan: TransferPlan; from: number; to: number };
// One message per account keeps progress visible and memory transfers small.
for (let i = from; i < to; i++) {
  const [txs] = signTransfers(plan, i, i + 1);
  parentPort!.postMessage({ account: i, txs });
}
