import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { basename } from 'node:path';
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

/**
 * How much lower than its process this thread is scheduled (nice increment). Verification is
 * bulk work whose callers wait for whole batches; the main thread runs consensus and gossip,
 * where each message waits for the thread to get a core. On a saturated machine (bench:localnet:
 * four validators on two cores) the lower priority let proposals reach the other nodes in
 * ~70–85 ms instead of ~120–190 ms after they were made, at the same throughput; a larger
 * increment (10) starved admission and made latency worse. With idle cores it changes nothing.
 */
const VERIFY_THREAD_NICE_INCREMENT = 5;

/**
 * Linux schedules threads individually and names the calling one in /proc/thread-self, and
 * setpriority() given a thread id applies to that thread alone. Elsewhere there is no such
 * handle and the thread keeps its process's priority: a scheduling hint, not a requirement.
 */
function lowerThisThreadsPriority(increment: number): void {
  let tid: number;
  try {
    tid = Number(basename(readlinkSync('/proc/thread-self')));
  } catch {
    return;
  }
  try {
    setPriority(tid, Math.min(19, getPriority(tid) + increment));
  } catch {
    // A sandbox may forbid setpriority(); verifying at the process's priority is still correct.
  }
}

lowerThisThreadsPriority(VERIFY_THREAD_NICE_INCREMENT);

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
