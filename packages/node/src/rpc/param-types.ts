import { parseAddress } from '@lattice/crypto';
import { fromBase64, fromHex, LatticeError } from '@lattice/utils';

// Typed readers for JSON-RPC params: each throws RPC_INVALID_PARAMS with what was expected.

export function invalid(message: string): never {
  throw new LatticeError('RPC_INVALID_PARAMS', message);
}

export function hexParam(v: unknown, what: string, length?: number): Uint8Array {
  if (typeof v !== 'string') invalid(`${what} must be a 0x-hex string`);
  const b = fromHex(v, what);
  if (length !== undefined && b.length !== length) invalid(`${what} must be ${length} bytes`);
  return b;
}

/**
 * Raw tx bytes as 0x-hex (the usual form) or base64 (a third smaller on the wire and cheaper to
 * decode, for high-volume submitters). The 0x prefix tells them apart.
 */
export function txParam(v: unknown): Uint8Array {
  if (typeof v !== 'string') invalid('tx must be a 0x-hex or base64 string');
  return v.startsWith('0x') ? fromHex(v, 'tx') : fromBase64(v, 'tx');
}

export function addressParam(v: unknown): Uint8Array {
  if (typeof v !== 'string') invalid('address must be a bech32m string (lat1…)');
  return parseAddress(v);
}

/** 'latest', a decimal number or a 0x-hex number; undefined means latest. */
export function heightParam(v: unknown, latest: number): number {
  if (v === undefined || v === null || v === 'latest') return latest;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) n = Number(v);
  else invalid('height must be "latest", a number or a 0x-hex number');
  if (!Number.isSafeInteger(n) || n < 0) invalid('height must be a non-negative integer');
  return n;
}

export function optionalHeight(v: unknown, latest: number): number | undefined {
  return v === undefined || v === null || v === 'latest' ? undefined : heightParam(v, latest);
}

export function boolParam(v: unknown, what: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') invalid(`${what} must be a boolean`);
  return v;
}

export function stringParam(v: unknown, what: string): string {
  if (typeof v !== 'string') invalid(`${what} must be a string`);
  return v;
}
