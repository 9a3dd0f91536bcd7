import { VERIFY_BATCH_MAX, VERIFY_QUEUE_MAX } from '@lattice/params';
import { verifySignature } from './verify.ts';
import { abortedError, ItemQueue, positiveIntOption, prepareJob, queueFullError } from './verify-job.ts';
import type { VerifyRequest } from './verify-request.ts';

export type { VerifyRequest } from './verify-request.ts';

/**
 * Batch signature verification. Both implementations behave identically: results in request
 * order; a malformed request is false; an unknown algorithm id rejects the whole call with
 * CRYPTO_UNKNOWN_ALGORITHM; more than queueMax signatures waiting rejects with LIMIT_EXCEEDED;
 * close() rejects everything unfinished with ABORTED, and later calls too.
 */
export interface SignatureVerifier {
  verify(requests: readonly VerifyRequest[]): Promise<boolean[]>;
  close(): Promise<void>;
  /** Signatures answered so far, valid or not. */
  readonly verifiedTotal: number;
}

export interface InlineVerifierOptions {
  /** Signatures checked per turn of the event loop. */
  batchMax?: number;
  queueMax?: number;
}

/**
 * Verifies on the calling thread, batchMax signatures per setImmediate turn, so a large batch
 * does not starve the event loop. For tests, tools and single-core machines.
 */
export class InlineVerifier implements SignatureVerifier {
  readonly #batchMax: number;
  readonly #queueMax: number;
  readonly #queue = new ItemQueue();
  #immediate: ReturnType<typeof setImmediate> | undefined;
  #closed = false;
  #verified = 0;

  constructor(opts: InlineVerifierOptions = {}) {
    this.#batchMax = positiveIntOption(opts.batchMax, VERIFY_BATCH_MAX, 'batchMax');
    this.#queueMax = positiveIntOption(opts.queueMax, VERIFY_QUEUE_MAX, 'queueMax');
  }

  get verifiedTotal(): number {
    return this.#verified;
  }

  verify(requests: readonly VerifyRequest[]): Promise<boolean[]> {
    if (this.#closed) return Promise.reject(abortedError());
    let prepared: ReturnType<typeof prepareJob>;
    try {
      prepared = prepareJob(requests);
    } catch (e) {
      return Promise.reject(e);
    }
    const { job, items } = prepared;
    if (this.#queue.length + items.length > this.#queueMax) {
      return Promise.reject(queueFullError(this.#queue.length, items.length, this.#queueMax));
    }
    this.#verified += requests.length - items.length;
    this.#queue.push(items);
    if (items.length > 0) this.#schedule();
    return job.promise;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    const error = abortedError();
    for (const item of this.#queue.drain()) item.job.fail(error);
    return Promise.resolve();
  }

  #schedule(): void {
    if (this.#immediate === undefined) this.#immediate = setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#immediate = undefined;
    for (let n = 0; n < this.#batchMax; ) {
      const item = this.#queue.shift();
      if (item === undefined) break;
      if (item.job.settled) continue;
      const r = item.request;
      item.job.answer(item.index, verifySignature(r.alg, r.publicKey, r.message, r.signature, r.context));
      this.#verified++;
      n++;
    }
    if (this.#queue.length > 0) this.#schedule();
  };
}
