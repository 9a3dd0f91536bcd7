import type { Logger } from '@lattice/utils';
import type { Chain, CommittedBlock } from './chain.ts';
import type { Mempool } from './mempool.ts';

export interface ProducerOptions {
  blockTimeMs: number;
  createEmptyBlocks: boolean;
}

/**
 * Drives the single validator: one block per block time. Admission keeps running while a block
 * executes (execution reads only committed state); the commit and the mempool recheck that
 * follows it run in one synchronous step (the chain's onCommit), so no checkTx ever sees the
 * new state without the recheck.
 */
export class BlockProducer {
  readonly #opts: ProducerOptions;
  readonly #chain: Chain;
  readonly #mempool: Mempool;
  readonly #log: Logger;
  readonly #now: () => bigint;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<unknown> = Promise.resolve();
  #stopped = true;
  #nextAt = 0;
  readonly #onFatal: (e: unknown) => void;

  constructor(
    opts: ProducerOptions,
    deps: {
      chain: Chain;
      mempool: Mempool;
      logger: Logger;
      now?: () => bigint;
      /** What to do when a block cannot be committed; by default the process exits. */
      onFatal?: (e: unknown) => void;
    },
  ) {
    this.#opts = opts;
    this.#chain = deps.chain;
    this.#mempool = deps.mempool;
    this.#log = deps.logger;
    this.#now = deps.now ?? (() => BigInt(Date.now()));
    this.#onFatal = deps.onFatal ?? (() => process.exit(1));
  }

  start(): void {
    this.#stopped = false;
    this.#nextAt = performance.now();
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#inflight;
  }

  /**
   * Blocks are due on a fixed grid (start + k × block time), not block time after the previous
   * one ended, so a busy event loop that fires the timer late does not stretch every interval.
   * A producer that fell more than a block behind starts a new grid instead of bursting.
   */
  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(
      () => {
        this.#inflight = this.#tick().then(
          () => {
            const now = performance.now();
            this.#nextAt += this.#opts.blockTimeMs;
            if (this.#nextAt < now - this.#opts.blockTimeMs) this.#nextAt = now;
            this.#schedule();
          },
          (e) => {
            // A block that cannot be committed is fatal for a validator: stop rather than risk
            // diverging from what was persisted. Committed state is intact (atomic commits).
            this.#log.error('block production failed; stopping', { error: (e as Error).stack ?? String(e) });
            this.#stopped = true;
            this.#onFatal(e);
          },
        );
      },
      Math.max(0, this.#nextAt - performance.now()),
    );
  }

  async #tick(): Promise<void> {
    if (!this.#opts.createEmptyBlocks && this.#mempool.size === 0) return;
    await this.produceOne();
  }

  /** Produces exactly one block now (tests and the tick use it). */
  produceOne(): Promise<CommittedBlock> {
    return this.#chain.produceBlock(this.#now());
  }
}
