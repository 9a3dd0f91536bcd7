import type { LatticeApp } from '@lattice/app';
import type { Logger } from '@lattice/utils';
import type { Chain, CommittedBlock } from './chain.ts';
import type { TxIngress } from './ingress.ts';
import type { Mempool } from './mempool.ts';

export interface ProducerOptions {
  blockTimeMs: number;
  createEmptyBlocks: boolean;
}

/**
 * Drives the single validator: one block per block time. Block execution, commit and the
 * mempool recheck run as one exclusive step so no checkTx sees a half-updated check state.
 */
export class BlockProducer {
  readonly #opts: ProducerOptions;
  readonly #chain: Chain;
  readonly #app: LatticeApp;
  readonly #ingress: TxIngress;
  readonly #mempool: Mempool;
  readonly #log: Logger;
  readonly #now: () => bigint;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<unknown> = Promise.resolve();
  #stopped = true;

  constructor(
    opts: ProducerOptions,
    deps: {
      chain: Chain;
      app: LatticeApp;
      ingress: TxIngress;
      mempool: Mempool;
      logger: Logger;
      now?: () => bigint;
    },
  ) {
    this.#opts = opts;
    this.#chain = deps.chain;
    this.#app = deps.app;
    this.#ingress = deps.ingress;
    this.#mempool = deps.mempool;
    this.#log = deps.logger;
    this.#now = deps.now ?? (() => BigInt(Date.now()));
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#inflight;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      const started = Date.now();
      this.#inflight = this.#tick().then(
        () => this.#schedule(Math.max(0, this.#opts.blockTimeMs - (Date.now() - started))),
        (e) => {
          // A block that cannot be committed is a fatal condition for a validator: stop producing
          // rather than risk forking from what was persisted.
          this.#log.error('block production failed; producer stopped', {
            error: (e as Error).stack ?? String(e),
          });
          this.#stopped = true;
          process.exitCode = 1;
        },
      );
    }, delayMs);
  }

  async #tick(): Promise<void> {
    if (!this.#opts.createEmptyBlocks && this.#mempool.size === 0) return;
    await this.produceOne();
  }

  /** Produces exactly one block now (tests and the tick use it). */
  produceOne(): Promise<CommittedBlock> {
    return this.#app.exclusive(async () => {
      const block = await this.#chain.produceBlock(this.#now());
      const { evicted } = this.#ingress.afterBlock(block.height, block.txHashes);
      if (evicted > 0) this.#log.debug('mempool recheck evicted txs', { evicted });
      return block;
    });
  }
}
