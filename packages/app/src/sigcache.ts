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
  readonly #cache = new GenerationalCache<string, true>(VERIFIED_SIG_CACHE_SIZE);
  hits = 0;

  static key(txHashHex: string, accountNumber: bigint): string {
    return `${txHashHex}:${accountNumber}`;
  }

  has(key: string): boolean {
    const hit = this.#cache.has(key);
    if (hit) this.hits++;
    return hit;
  }

  add(key: string): void {
    this.#cache.set(key, true);
  }
}
