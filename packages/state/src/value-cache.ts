import { STATE_VALUE_CACHE_SIZE, STATE_VALUE_CACHE_VALUE_MAX_BYTES } from '@lattice/params';
import { GenerationalCache } from '@lattice/utils';

/**
 * Latest committed values of hot keys (accounts, public keys, balances), so that admission and
 * block execution do not go to LMDB for the same few thousand records again and again. Absent
 * keys are remembered too (null). Only small values are kept, so the memory bound is
 * entries × value limit. Values are shared: callers of the state never write into what a read
 * returned (the overlays already rely on that).
 */
export class CommittedValueCache {
  readonly #entries = new GenerationalCache<string, Uint8Array | null>(STATE_VALUE_CACHE_SIZE);

  /** undefined: not cached; null: cached as absent. */
  get(ks: string): Uint8Array | null | undefined {
    return this.#entries.get(ks);
  }

  remember(ks: string, value: Uint8Array | undefined): void {
    if (value === undefined) this.#entries.set(ks, null);
    else if (value.length <= STATE_VALUE_CACHE_VALUE_MAX_BYTES) this.#entries.set(ks, value);
  }

  /** After a commit: written keys take their new values, so the cache never serves an old one. */
  update(ks: string, value: Uint8Array | null): void {
    if (value !== null && value.length <= STATE_VALUE_CACHE_VALUE_MAX_BYTES) this.#entries.set(ks, value);
    else this.#entries.delete(ks);
  }
}
