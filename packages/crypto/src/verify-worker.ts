import { parentPort } from 'node:worker_threads';
import { verifySignature } from './verify.ts';
import { unpackBatch } from './verify-batch.ts';

// Entry point of a WorkerPoolVerifier thread: {id, buf} in, {id, results} out (1 = valid).

export interface VerifyBatchMessage {
  id: number;
  buf: ArrayBuffer;
}

export interface VerifyResultMessage {
  id: number;
  results: Uint8Array;
}

const port = parentPort;
if (port === null) throw new Error('verify-worker.ts must run in a worker thread');

port.on('message', (msg: VerifyBatchMessage) => {
  const requests = unpackBatch(msg.buf);
  const results = new Uint8Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i]!;
    results[i] = verifySignature(r.alg, r.publicKey, r.message, r.signature, r.context) ? 1 : 0;
  }
  const reply: VerifyResultMessage = { id: msg.id, results };
  port.postMessage(reply, [results.buffer]);
});
