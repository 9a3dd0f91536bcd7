import { AMOUNT_MAX, AMOUNT_MAX_DIGITS } from '@lattice/params';
import { LatticeError } from './errors.ts';

/** Parses a non-negative decimal integer string (no sign, no exponent) bounded by AMOUNT_MAX. */
export function parseAmount(s: string, what = 'amount'): bigint {
  if (typeof s !== 'string' || !/^[0-9]+$/.test(s) || s.length > AMOUNT_MAX_DIGITS) {
    throw new LatticeError(
      'TX_INVALID_AMOUNT',
      `${what} "${String(s).slice(0, 90)}" is not a non-negative integer`,
    );
  }
  const v = BigInt(s);
  if (v > AMOUNT_MAX) throw new LatticeError('TX_INVALID_AMOUNT', `${what} overflows 256 bits`);
  return v;
}

/**
 * Parses a decimal such as "0.025" into a bigint scaled by 10^decimals. Used for gas prices and
 * display amounts; rejects more fractional digits than can be represented.
 */
export function parseDecimal(s: string, decimals: number, what = 'decimal'): bigint {
  const m = /^([0-9]{1,78})(?:\.([0-9]+))?$/.exec(typeof s === 'string' ? s : '');
  if (!m)
    throw new LatticeError('INVALID_ARGUMENT', `${what} "${String(s).slice(0, 90)}" is not a decimal number`);
  const frac = m[2] ?? '';
  if (frac.length > decimals) {
    throw new LatticeError('INVALID_ARGUMENT', `${what} "${s}" has more than ${decimals} decimal places`);
  }
  return BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}

export function formatDecimal(v: bigint, decimals: number): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

export function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBigint(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
