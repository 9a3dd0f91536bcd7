import type { Overlay } from '@lattice/state';
import { accountKey, PREFIX_BALANCE, pubKeyKey } from './keys.ts';
import type { DecodedTx } from './tx.ts';

/**
 * Lets the check state outlive a block when that is provably what a recheck would rebuild.
 *
 * The check state is committed state plus every admitted tx, and after each block the mempool is
 * normally rechecked: every remaining tx run again on a fresh check state, a second execution of
 * most txs at high load. It can be kept instead when
 *  - every tx of the block was admitted into this check state, and succeeded in the block;
 *  - each of them is carry-safe: its messages all ran at admission (no contract call, which runs
 *    only in blocks) and it wrote nothing but balances and its signer's own account and key; and
 *  - the block did nothing else (no misbehaviour records).
 * Balance changes are additions and subtractions, which commute; a signer's account changes
 * only through its own txs, which blocks take in sequence order. So the kept state holds
 * exactly committed state plus the remaining txs. Remaining txs stay valid: only their own
 * signer's txs debit them, and those of the block came before them. Anything else (a new
 * account, whose number depends on order; a contract; evidence; a tx this node never saw)
 * falls back to the full recheck.
 */
export class CheckCarry {
  /** Txs applied to the current check state, by hash: whether each is carry-safe. */
  readonly #applied = new Map<string, boolean>();
  readonly #maxChanges: number;

  constructor(maxChanges: number) {
    this.#maxChanges = maxChanges;
  }

  /** Records a tx applied to the check state, judged by what its own overlay changed. */
  admitted(tx: DecodedTx, txOverlay: Overlay): void {
    this.#applied.set(tx.hashHex, isCarrySafe(tx, txOverlay));
  }

  /** Whether a block of these txs, with these outcomes, leaves the check state valid as it is. */
  blockKeeps(txs: readonly (DecodedTx | undefined)[], failed: number, misbehaviour: number): boolean {
    if (failed > 0 || misbehaviour > 0) return false;
    return txs.every((tx) => tx !== undefined && this.#applied.get(tx.hashHex) === true);
  }

  /**
   * After a commit: true (and the block's txs forgotten) when the check state is kept; false
   * (and everything forgotten) when it must be rebuilt by a recheck. A check state that has grown
   * past the bound is rebuilt anyway, so that it holds only what the mempool still needs.
   */
  afterCommit(keep: boolean, blockTxs: readonly string[], checkState: Overlay): boolean {
    if (keep && checkState.size <= this.#maxChanges) {
      for (const h of blockTxs) this.#applied.delete(h);
      return true;
    }
    this.#applied.clear();
    return false;
  }
}

function isCarrySafe(tx: DecodedTx, txOverlay: Overlay): boolean {
  if (tx.msgs.some((m) => m.checkExecutes === false)) return false;
  return txOverlay.changedOnly([PREFIX_BALANCE], [accountKey(tx.signer), pubKeyKey(tx.signer)]);
}
