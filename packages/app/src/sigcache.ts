import { VERIFIED_SIG_CACHE_SIZE } from '@lattice/params';
import { GenerationalCache } from '@lattice/utils';

/**
 * Remembers transactions whose signature was verified. The key binds the tx hash (which covers
 * body, auth info, signature and any carried public key) and the signer's account number (the only
 * other input of the sign bytes besides the fixed chain id); an account's stored public key never
 * changes once set. So a hit means the same check would succeed again: a tx checked in the mempool
 * is not verified a second time when its block executes.
 */
export class VerifiedSignatureCache {
  /** tx hash (hex) → the account number its signature was verified with. */
  readonly #cache = new GenerationalCache<string, bigint>(VERIFIED_SIG_CACHE_SIZE);
  hits = 0;

  has(txHashHex: string, accountNumber: bigint): boolean {
    const hit = this.#cache.get(txHashHex) === accountNumber;
    if (hit) this.hits++;
    return hit;
  }

  /**
   * Whether this tx's signature was verified at all, whatever the account number: enough to
   * skip verifying it ahead of time (the ante handler still checks has() before trusting it).
   */
  verifiedOnce(txHashHex: string): boolean {
    return this.#cache.get(txHashHex) !== undefined;
  }

  add(txHashHex: string, accountNumber: bigint): void {
    this.#cache.set(txHashHex, accountNumber);
  }
}
