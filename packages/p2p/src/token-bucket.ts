/** A token bucket on an injected millisecond clock, used for per-peer rate limits. */
export class TokenBucket {
  readonly #ratePerS: number;
  readonly #burst: number;
  #tokens: number;
  #lastMs: number;

  constructor(ratePerS: number, burst: number, nowMs: number) {
    this.#ratePerS = ratePerS;
    this.#burst = burst;
    this.#tokens = burst;
    this.#lastMs = nowMs;
  }

  take(nowMs: number, n = 1): boolean {
    const elapsed = Math.max(0, nowMs - this.#lastMs);
    this.#lastMs = nowMs;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#ratePerS) / 1000);
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}
