import { AMOUNT_MAX, COINS_PER_MESSAGE_MAX, DENOM_MAX_BYTES } from '@lattice/params';
import { assert, LatticeError, parseAmount } from '@lattice/utils';

/** A coin with its amount parsed. Amounts are bigints in [0, 2^256). */
export interface Coin {
  denom: string;
  amount: bigint;
}

const DENOM_RE = /^[a-z][a-z0-9/:._-]{1,63}$/;

export function validateDenom(denom: string): void {
  if (typeof denom !== 'string' || denom.length > DENOM_MAX_BYTES || !DENOM_RE.test(denom)) {
    throw new LatticeError('TX_UNKNOWN_DENOM', `"${String(denom).slice(0, 80)}" is not a valid denomination`);
  }
}

/**
 * Parses a list of wire coins: valid denoms, strictly positive amounts, no duplicate denoms.
 * Zero amounts are rejected because they say nothing and only make a transfer look bigger.
 */
export function parseCoins(coins: readonly { denom: string; amount: string }[], what = 'amount'): Coin[] {
  if (coins.length === 0) throw new LatticeError('TX_INVALID_AMOUNT', `${what} is empty`);
  if (coins.length > COINS_PER_MESSAGE_MAX) {
    throw new LatticeError('TX_INVALID_AMOUNT', `${what} has more than ${COINS_PER_MESSAGE_MAX} coins`);
  }
  const seen = new Set<string>();
  const out: Coin[] = [];
  for (const c of coins) {
    validateDenom(c.denom);
    const amount = parseAmount(c.amount, `${what} of ${c.denom}`);
    if (amount === 0n) throw new LatticeError('TX_INVALID_AMOUNT', `${what} of ${c.denom} must be positive`);
    if (seen.has(c.denom)) throw new LatticeError('TX_INVALID_AMOUNT', `${what} lists ${c.denom} twice`);
    seen.add(c.denom);
    out.push({ denom: c.denom, amount });
  }
  return out;
}

export function formatCoins(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(',');
}

/** Amounts up to 48 bits (most balances) take a number path: hex strings cost several times more. */
const NUMBER_CHUNK_BYTES = 6;
const NUMBER_CHUNK_MAX = 0xffff_ffff_ffffn;
const NUMBER_CHUNK_RADIX = NUMBER_CHUNK_MAX + 1n;

/** Big-endian minimal encoding of a non-negative amount; zero is the empty array. */
export function encodeAmount(v: bigint): Uint8Array {
  assert(v >= 0n && v <= AMOUNT_MAX, 'amount out of range');
  if (v === 0n) return new Uint8Array(0);
  if (v <= NUMBER_CHUNK_MAX) {
    let x = Number(v);
    let n = 0;
    for (let t = x; t > 0; t = Math.floor(t / 256)) n++;
    const out = new Uint8Array(n);
    for (let i = n - 1; i >= 0; i--) {
      out[i] = x % 256;
      x = Math.floor(x / 256);
    }
    return out;
  }
  // Larger amounts: their hex digits written straight into the result, which allocates only the
  // digit string (Buffer.from(hex) plus a copy cost several allocations per balance write, and
  // chunked bigint division one bigint per step).
  const hex = v.toString(16);
  const odd = hex.length & 1;
  const out = new Uint8Array((hex.length + 1) >> 1);
  if (odd) out[0] = hexDigit(hex.charCodeAt(0));
  for (let i = odd, o = odd; i < hex.length; i += 2, o++) {
    out[o] = (hexDigit(hex.charCodeAt(i)) << 4) | hexDigit(hex.charCodeAt(i + 1));
  }
  return out;
}

/** The value of a lowercase hex digit's char code (bigint.toString(16) writes no other). */
function hexDigit(c: number): number {
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

/** Reads big-endian bytes six at a time (exact in a double), joining the chunks as bigint. */
export function decodeAmount(b: Uint8Array | undefined): bigint {
  if (b === undefined || b.length === 0) return 0n;
  const n = b.length;
  let i = 0;
  let acc = 0n;
  for (let end = n % NUMBER_CHUNK_BYTES || NUMBER_CHUNK_BYTES; i < n; end = i + NUMBER_CHUNK_BYTES) {
    let chunk = 0;
    for (; i < end; i++) chunk = chunk * 256 + b[i]!;
    acc = acc === 0n ? BigInt(chunk) : acc * NUMBER_CHUNK_RADIX + BigInt(chunk);
  }
  return acc;
}

/** Adds with the 256-bit overflow check every balance and supply update needs. */
export function addAmounts(a: bigint, b: bigint, what: string): bigint {
  const sum = a + b;
  if (sum > AMOUNT_MAX) throw new LatticeError('TX_INVALID_AMOUNT', `${what} would overflow 256 bits`);
  return sum;
}
