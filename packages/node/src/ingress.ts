import {
  assertTxSize,
  type CheckTxAccepted,
  type CheckTxResult,
  type DecodedTx,
  type LatticeApp,
} from '@lattice/app';
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
  /**
   * Txs past the prechecks whose checkTx has not finished (mostly: waiting for the verifier): their
   * bytes by hash. Bounded by the admission pipeline, which the verifier's queue limit bounds.
   */
  readonly #checking = new Map<string, Uint8Array>();
  /** The same txs' pending checks, by their bytes object (see settled()). */
  readonly #settling = new WeakMap<Uint8Array, Promise<unknown>>();
  /** Called with each tx admitted from a local submitter (RPC, faucet), e.g. to gossip it. */
  onLocalAdmitted: ((bytes: Uint8Array) => void) | undefined;
  /**
   * Called with every tx that passed the prechecks and is now being checked, whatever its origin:
   * its bytes are at hand (e.g. for a proposed block that lists it) before its admission ends.
   */
  onArrived: ((hashHex: string, bytes: Uint8Array, hash: Uint8Array) => void) | undefined;

  constructor(deps: { app: LatticeApp; mempool: Mempool; metrics?: Metrics }) {
    this.#app = deps.app;
    this.#mempool = deps.mempool;
    this.#metrics = deps.metrics;
  }

  /** A tx waiting in the mempool, by hash. */
  pending(hashHex: string): DecodedTx | undefined {
    return this.#mempool.get(hashHex);
  }

  /** Whether a tx is being checked for admission now: it will be admitted or refused shortly. */
  checking(hashHex: string): boolean {
    return this.#checking.has(hashHex);
  }

  /** The bytes of a tx being checked for admission now, by hash. */
  checkingBytes(hashHex: string): Uint8Array | undefined {
    return this.#checking.get(hashHex);
  }

  /**
   * Resolves once none of these tx bytes objects is still being checked here (undefined when none
   * is: nothing to wait for). A block that holds txs still in admission (a proposal is filled
   * with them as they arrive) is executed after their admission has finished, so that each is
   * verified once and applied to the check state before the block, as the check carry requires.
   */
  settled(txs: readonly Uint8Array[]): Promise<void> | undefined {
    let pending: Set<Promise<unknown>> | undefined;
    for (const bytes of txs) {
      const p = this.#settling.get(bytes);
      if (p !== undefined) (pending ??= new Set()).add(p);
    }
    if (pending === undefined) return undefined;
    // Outcomes are the submitters' business: a refused tx is settled as well.
    return Promise.allSettled(pending).then(() => undefined);
  }

  /** A tx from a local submitter (RPC, faucet); once admitted it is announced to peers. */
  async submit(bytes: Uint8Array): Promise<SubmitResult> {
    let checking: string | undefined;
    const arrived = performance.now();
    try {
      const { hash, hashHex } = this.#precheck(bytes);
      checking = hashHex;
      this.#checking.set(hashHex, bytes);
      const check = this.#app.checkTx(bytes, this.#admit, hash);
      this.#arrived(hashHex, bytes, hash, check);
      const res = await check;
      if (!res.ok) throw res.error;
      this.#admitted('local', arrived);
      this.onLocalAdmitted?.(bytes);
      return { hash, hashHex };
    } catch (e) {
      this.#rejected(e);
      throw e;
    } finally {
      // Only what this call registered: a refused second copy leaves the first's entries alone.
      if (checking !== undefined) {
        this.#checking.delete(checking);
        this.#settling.delete(bytes);
      }
    }
  }

  /**
   * Txs that arrived together by gossip: each is checked and admitted (or refused) on its own, in
   * order, but their signatures are verified in one batch and they take one turn of the app's
   * admission queue. Refusals are counted, not thrown: a peer's batch may hold txs we already have.
   */
  async submitPeerBatch(txs: readonly Uint8Array[]): Promise<void> {
    const arrived = performance.now();
    const fresh: { bytes: Uint8Array; knownHash: Uint8Array }[] = [];
    const hashes: string[] = [];
    for (const bytes of txs) {
      try {
        const { hash, hashHex } = this.#precheck(bytes);
        fresh.push({ bytes, knownHash: hash });
        hashes.push(hashHex);
        // At once: a second copy later in the same batch is a duplicate.
        this.#checking.set(hashHex, bytes);
      } catch (e) {
        this.#rejected(e);
      }
    }
    if (fresh.length === 0) return;
    const check = this.#app.checkTxs(fresh, this.#admit);
    for (let i = 0; i < fresh.length; i++)
      this.#arrived(hashes[i]!, fresh[i]!.bytes, fresh[i]!.knownHash, check);
    let results: CheckTxResult[];
    try {
      results = await check;
    } catch (e) {
      for (let i = 0; i < fresh.length; i++) this.#rejected(e);
      return;
    } finally {
      for (let i = 0; i < fresh.length; i++) {
        this.#checking.delete(hashes[i]!);
        this.#settling.delete(fresh[i]!.bytes);
      }
    }
    for (const r of results) {
      if (r.ok) this.#admitted('peer', arrived);
      else this.#rejected(r.error);
    }
  }

  /** The checks before checkTx: size, and whether the tx is pending or recently committed. */
  #precheck(bytes: Uint8Array): SubmitResult {
    assertTxSize(bytes);
    const hash = txHash(bytes);
    const hashHex = toHex(hash);
    if (this.#mempool.has(hashHex)) {
      throw new LatticeError('TX_ALREADY_KNOWN', 'transaction is already in the mempool', { hash: hashHex });
    }
    // A second copy while the first is still being checked would only be verified again.
    if (this.#checking.has(hashHex)) {
      throw new LatticeError('TX_ALREADY_KNOWN', 'transaction is already being checked', { hash: hashHex });
    }
    const height = this.#committed.get(hashHex);
    if (height !== undefined) {
      throw new LatticeError('TX_ALREADY_KNOWN', `transaction was already committed at height ${height}`, {
        hash: hashHex,
        height,
      });
    }
    return { hash, hashHex };
  }

  readonly #admit = (ok: CheckTxAccepted): void => this.#mempool.add(ok.tx, ok.priority, ok.gasWanted);

  /** A tx past the prechecks (in #checking) whose check has started. */
  #arrived(hashHex: string, bytes: Uint8Array, hash: Uint8Array, check: Promise<unknown>): void {
    this.#settling.set(bytes, check);
    this.onArrived?.(hashHex, bytes, hash);
  }

  #admitted(source: 'local' | 'peer', arrived: number): void {
    this.#metrics?.mempoolAdmissionSeconds.observe({ source }, (performance.now() - arrived) / 1000);
    this.#metrics?.mempoolSize.set(this.#mempool.size);
    this.#metrics?.mempoolBytes.set(this.#mempool.bytes);
  }

  #rejected(e: unknown): void {
    if (e instanceof LatticeError) this.#metrics?.mempoolRejectedTotal.inc({ code: e.code });
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
