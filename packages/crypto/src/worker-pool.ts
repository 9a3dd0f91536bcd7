import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { VERIFY_BATCH_MAX, VERIFY_QUEUE_MAX } from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import type { SignatureVerifier } from './verifier.ts';
import { packBatch } from './verify-batch.ts';
import {
  abortedError,
  ItemQueue,
  positiveIntOption,
  prepareJob,
  type QueuedItem,
  queueFullError,
} from './verify-job.ts';
import type { VerifyRequest } from './verify-request.ts';
import type { VerifyBatchMessage, VerifyResultMessage } from './verify-worker.ts';

/**
 * Batches per worker at once: a second batch waits in the worker's port while the first is
 * checked, so a worker never idles for a round trip, yet batches stay large under load.
 */
const BATCHES_PER_WORKER_MAX = 2;
/** A worker that dies this many times in a row before answering anything means the pool cannot work. */
const STARTUP_FAILURES_MAX = 3;
const THREADS_MAX = 256;

export interface WorkerPoolVerifierOptions {
  /** Worker threads; default max(1, availableParallelism() - 1), leaving a core to the event loop. */
  threads?: number;
  /** Signatures per message to a worker (VERIFY_BATCH_MAX). */
  batchMax?: number;
  /** Signatures queued or being checked before verify() rejects with LIMIT_EXCEEDED (VERIFY_QUEUE_MAX). */
  queueMax?: number;
  /** Worker entry module; only tests replace it (e.g. with one that crashes). */
  workerUrl?: URL;
}

interface Batch {
  items: QueuedItem[];
}

interface Slot {
  worker: Worker;
  batches: Map<number, Batch>;
  alive: boolean;
  answered: boolean;
}

/**
 * Verifies signatures on a pool of worker threads. Concurrent verify() calls made in the same
 * tick are coalesced; queued signatures go out in batches of up to batchMax, each packed into one
 * transferred ArrayBuffer, to the least-loaded worker. A crashed worker's callers are rejected
 * with INTERNAL and the worker is replaced. Idle workers are unref'd, so an unclosed pool does
 * not keep the process alive, while pending work does.
 */
export class WorkerPoolVerifier implements SignatureVerifier {
  readonly #batchMax: number;
  readonly #queueMax: number;
  readonly #workerUrl: URL;
  readonly #slots: Slot[] = [];
  readonly #queue = new ItemQueue();
  /** Signatures queued or in flight. */
  #pending = 0;
  #nextBatchId = 1;
  #pumpScheduled = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #broken: LatticeError | undefined;
  #startupFailures = 0;
  #verified = 0;

  constructor(opts: WorkerPoolVerifierOptions = {}) {
    const threads = positiveIntOption(opts.threads, Math.max(1, availableParallelism() - 1), 'threads');
    if (threads > THREADS_MAX)
      throw new LatticeError('INVALID_ARGUMENT', `threads must be at most ${THREADS_MAX}`);
    this.#batchMax = positiveIntOption(opts.batchMax, VERIFY_BATCH_MAX, 'batchMax');
    this.#queueMax = positiveIntOption(opts.queueMax, VERIFY_QUEUE_MAX, 'queueMax');
    this.#workerUrl = opts.workerUrl ?? new URL('./verify-worker.ts', import.meta.url);
    for (let i = 0; i < threads; i++) this.#slots.push(this.#spawn());
  }

  get threads(): number {
    return this.#slots.length;
  }

  get verifiedTotal(): number {
    return this.#verified;
  }

  verify(requests: readonly VerifyRequest[]): Promise<boolean[]> {
    if (this.#closed) return Promise.reject(abortedError());
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    let prepared: ReturnType<typeof prepareJob>;
    try {
      prepared = prepareJob(requests);
    } catch (e) {
      return Promise.reject(e);
    }
    const { job, items } = prepared;
    if (this.#pending + items.length > this.#queueMax) {
      return Promise.reject(queueFullError(this.#pending, items.length, this.#queueMax));
    }
    this.#verified += requests.length - items.length;
    if (items.length > 0) {
      this.#queue.push(items);
      this.#pending += items.length;
      if (!this.#pumpScheduled) {
        this.#pumpScheduled = true;
        queueMicrotask(() => {
          this.#pumpScheduled = false;
          this.#pump();
        });
      }
    }
    return job.promise;
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    this.#failAll(abortedError());
    this.#closing = Promise.all(
      this.#slots.map((s) => {
        s.alive = false;
        return s.worker.terminate();
      }),
    ).then(() => undefined);
    return this.#closing;
  }

  #spawn(): Slot {
    // No inherited execArgv: the worker needs no flags, and main-script options such as
    // --input-type or --eval stop a worker from starting.
    const worker = new Worker(this.#workerUrl, { execArgv: [] });
    const slot: Slot = { worker, batches: new Map(), alive: true, answered: false };
    worker.on('message', (msg: VerifyResultMessage) => this.#onResult(slot, msg));
    worker.on('error', (err) => this.#onDeath(slot, err.message));
    worker.on('exit', (code) => this.#onDeath(slot, `exited with code ${code}`));
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
    return slot;
  }

  #onResult(slot: Slot, msg: VerifyResultMessage): void {
    const batch = slot.batches.get(msg.id);
    if (batch === undefined || !slot.alive) return;
    slot.batches.delete(msg.id);
    slot.answered = true;
    this.#startupFailures = 0;
    if (slot.batches.size === 0) slot.worker.unref();
    const { items } = batch;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      item.job.answer(item.index, msg.results[i] === 1);
    }
    this.#pending -= items.length;
    this.#verified += items.length;
    this.#pump();
  }

  #onDeath(slot: Slot, reason: string): void {
    if (!slot.alive || this.#closed) return;
    slot.alive = false;
    const error = new LatticeError('INTERNAL', `signature verification worker failed: ${reason}`);
    for (const batch of slot.batches.values()) {
      for (const item of batch.items) item.job.fail(error);
      this.#pending -= batch.items.length;
    }
    slot.batches.clear();
    void slot.worker.terminate();
    if (!slot.answered && ++this.#startupFailures >= STARTUP_FAILURES_MAX) {
      this.#broken = new LatticeError(
        'INTERNAL',
        `signature verification workers keep failing before answering (last: ${reason})`,
      );
      this.#failAll(this.#broken);
      return;
    }
    const index = this.#slots.indexOf(slot);
    this.#slots[index] = this.#spawn();
    this.#pump();
  }

  /** Rejects every queued and in-flight call. */
  #failAll(error: LatticeError): void {
    for (const item of this.#queue.drain()) item.job.fail(error);
    for (const slot of this.#slots) {
      for (const batch of slot.batches.values()) for (const item of batch.items) item.job.fail(error);
      slot.batches.clear();
      slot.worker.unref();
    }
    this.#pending = 0;
  }

  #leastLoaded(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (!slot.alive || slot.batches.size >= BATCHES_PER_WORKER_MAX) continue;
      if (best === undefined || slot.batches.size < best.batches.size) best = slot;
    }
    return best;
  }

  #pump(): void {
    if (this.#closed || this.#broken !== undefined) return;
    while (this.#queue.length > 0) {
      const slot = this.#leastLoaded();
      if (slot === undefined) return;
      const items: QueuedItem[] = [];
      while (items.length < this.#batchMax) {
        const item = this.#queue.shift();
        if (item === undefined) break;
        if (item.job.settled) this.#pending--;
        else items.push(item);
      }
      if (items.length === 0) return;
      const id = this.#nextBatchId++;
      const buf = packBatch(items.map((i) => i.request));
      if (slot.batches.size === 0) slot.worker.ref();
      slot.batches.set(id, { items });
      const msg: VerifyBatchMessage = { id, buf };
      slot.worker.postMessage(msg, [buf]);
    }
  }
}
