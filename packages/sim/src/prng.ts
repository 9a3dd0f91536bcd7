/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), seeded through splitmix32 so
 * neighbouring seed numbers give unrelated streams. The simulator's only source of randomness.
 */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = splitmix();
    // The first outputs of sfc32 are weakly mixed; the reference implementation discards them.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** A uniform integer in [lo, hi], both inclusive; the range must stay below 2^32. */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    // Rejection sampling removes the modulo bias, so every value is exactly equally likely.
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % span);
    let x = this.next();
    while (x >= limit) x = this.next();
    return lo + (x % span);
  }

  /** True with probability permille / 1000. */
  chance(permille: number): boolean {
    return permille > 0 && this.int(0, 999) < permille;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** A Fisher–Yates shuffled copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
