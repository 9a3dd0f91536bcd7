import { assertTxSize, type DecodedTx, type LatticeApp } from '@lattice/app';
import { txHash } from '@lattice/codec';
import { GenerationalCache, LatticeError, toHex } from '@lattice/utils';
import type { Mempool } from './mempool.ts';
import type { Metrics } from './metrics.ts';

/** How many recently committed tx hashes are remembered to answer resubmissions precisely. */
const RECENT_COMMITTED_MAX = 200_000;

export interface SubmitResult {
  hash: Uint8Array;
  hashHex: string;
}

/**
 * The one door into the mempool: duplicate detection, checkTx (decode, ante, execution on the
 * check state) and admission happen here for RPC, the faucet and, later, gossip alike.
 */
export class TxIngress {
  readonly #app: LatticeApp;
  readonly #mempool: Mempool;
  readonly #metrics: Metrics | undefined;
  readonly #committed = new GenerationalCache<string, number>(RECENT_COMMITTED_MAX);
  /** Called with each tx admitted from a local submitter (RPC, faucet), e.g. to gossip it. */
  onLocalAdmitted: ((bytes: Uint8Array) => void) | undefined;
  /** Called with every tx admitted, whatever its origin (e.g. one a proposed block is waiting for). */
  onAdmitted: ((tx: DecodedTx) => void) | undefined;

  constructor(deps: { app: LatticeApp; mempool: Mempool; metrics?: Metrics }) {
    this.#app = deps.app;
    this.#mempool = deps.mempool;
    this.#metrics = deps.metrics;
  }

  /** A tx waiting in the mempool, by hash. */
  pending(hashHex: string): DecodedTx | undefined {
    return this.#mempool.get(hashHex);
  }

  /** `origin` 'peer' marks a tx that arrived by gossip: it is not announced again. */
  async submit(bytes: Uint8Array, origin: 'local' | 'peer' = 'local'): Promise<SubmitResult> {
    try {
      const r = await this.#submit(bytes);
      if (origin === 'local') this.onLocalAdmitted?.(bytes);
      return r;
    } catch (e) {
      if (e instanceof LatticeError) this.#metrics?.mempoolRejectedTotal.inc({ code: e.code });
      throw e;
    }
  }

  async #submit(bytes: Uint8Array): Promise<SubmitResult> {
    assertTxSize(bytes);
    const hash = txHash(bytes);
    const hashHex = toHex(hash);
    if (this.#mempool.has(hashHex)) {
      throw new LatticeError('TX_ALREADY_KNOWN', 'transaction is already in the mempool', { hash: hashHex });
    }
    const height = this.#committed.get(hashHex);
    if (height !== undefined) {
      throw new LatticeError('TX_ALREADY_KNOWN', `transaction was already committed at height ${height}`, {
        hash: hashHex,
        height,
      });
    }
    const res = await this.#app.checkTx(
      bytes,
      (ok) => this.#mempool.add(ok.tx, ok.priority, ok.gasWanted),
      hash,
    );
    if (!res.ok) throw res.error;
    this.onAdmitted?.(res.tx);
    this.#metrics?.mempoolSize.set(this.#mempool.size);
    this.#metrics?.mempoolBytes.set(this.#mempool.bytes);
    return { hash, hashHex };
  }

  /**
   * After a block: drop its txs from the mempool and re-check the rest against the new state,
   * evicting what no longer passes; `recheck` false skips the second part (see the app's
   * CheckCarry). Must run synchronously right after the commit, before any
   * queued checkTx continues (the chain's onCommit hook).
   */
  afterBlock(height: number, txHashes: readonly Uint8Array[], recheck = true): { evicted: number } {
    for (const h of txHashes) {
      const hex = toHex(h);
      this.#mempool.remove(hex);
      this.#committed.set(hex, height);
    }
    let evicted = 0;
    // The app kept its check state (it already reflects the new state and every remaining tx).
    if (!recheck) return { evicted };
    for (const entry of this.#mempool.entries()) {
      const r = this.#app.recheckTx(entry.tx);
      if (!r.ok) {
        this.#mempool.remove(entry.tx.hashHex);
        evicted++;
      }
    }
    this.#metrics?.mempoolSize.set(this.#mempool.size);
    this.#metrics?.mempoolBytes.set(this.#mempool.bytes);
    return { evicted };
  }
}
