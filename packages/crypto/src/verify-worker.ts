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
 * where each message waits for the thread to get a core, so on a saturated machine the main
 * thread should get a core first. But every tx waits for this thread before it can be proposed
 * (at the node it was sent to, then again at the proposer), so starving it costs latency too.
 * Measured on bench:localnet (four validators on two cores, 1,000 tx/s): at 5, admission took
 * 54–106 ms (RPC) and 73–142 ms (gossip) and p95 was 1.50–1.90 s; at 2, 35–73 / 47–111 ms and
 * p95 1.35–1.82 s, proposals arriving as fast; at 0 proposals were sometimes held up behind
 * verification (140 ms instead of ~50). With idle cores it changes nothing.
 */
const VERIFY_THREAD_NICE_INCREMENT = 2;

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
