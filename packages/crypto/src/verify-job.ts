import { LatticeError } from '@lattice/utils';
import type { PackedRequest } from './verify-batch.ts';
import { precheckRequest, type VerifyRequest } from './verify-request.ts';

/** One verify() call: its results fill in as its signatures are checked, in any order. */
export class VerifyJob {
  readonly results: boolean[];
  readonly promise: Promise<boolean[]>;
  #remaining: number;
  #settled = false;
  #resolve: (r: boolean[]) => void;
  #reject: (e: unknown) => void;

  constructor(size: number) {
    this.results = new Array<boolean>(size).fill(false);
    this.#remaining = size;
    const { promise, resolve, reject } = Promise.withResolvers<boolean[]>();
    this.promise = promise;
    this.#resolve = resolve;
    this.#reject = reject;
    if (size === 0) this.#finish();
  }

  get settled(): boolean {
    return this.#settled;
  }

  answer(index: number, valid: boolean): void {
    if (this.#settled) return;
    this.results[index] = valid;
    if (--this.#remaining === 0) this.#finish();
  }

  fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  }

  #finish(): void {
    this.#settled = true;
    this.#resolve(this.results);
  }
}

export interface QueuedItem {
  job: VerifyJob;
  index: number;
  request: PackedRequest;
}

/** Splits a call into the signatures worth checking and those already known invalid (answered false). */
export function prepareJob(requests: readonly VerifyRequest[]): { job: VerifyJob; items: QueuedItem[] } {
  if (!Array.isArray(requests))
    throw new LatticeError('INVALID_ARGUMENT', 'verify() takes an array of requests');
  const contexts = requests.map(precheckRequest);
  const job = new VerifyJob(requests.length);
  const items: QueuedItem[] = [];
  for (let i = 0; i < requests.length; i++) {
    const context = contexts[i];
    if (context === undefined) {
      job.answer(i, false);
      continue;
    }
    const r = requests[i]!;
    items.push({
      job,
      index: i,
      request: { alg: r.alg, context, publicKey: r.publicKey, signature: r.signature, message: r.message },
    });
  }
  return { job, items };
}

/** A FIFO with O(1) amortised shift; its bound is enforced by the verifier that owns it. */
export class ItemQueue {
  #items: QueuedItem[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(items: readonly QueuedItem[]): void {
    for (const item of items) this.#items.push(item);
  }

  shift(): QueuedItem | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Empties the queue, returning what it held. */
  drain(): QueuedItem[] {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return rest;
  }
}

export function abortedError(): LatticeError {
  return new LatticeError('ABORTED', 'the signature verifier was closed before the signatures were checked');
}

export function queueFullError(queued: number, adding: number, max: number): LatticeError {
  return new LatticeError(
    'LIMIT_EXCEEDED',
    `signature verification queue is full: ${queued} queued, ${adding} more would exceed the limit of ${max}`,
    { queued, adding, max },
  );
}

export function positiveIntOption(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new LatticeError('INVALID_ARGUMENT', `${what} must be a positive integer, got ${String(value)}`);
  }
  return v;
}
