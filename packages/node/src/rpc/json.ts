import { to0x } from '@lattice/utils';

/**
 * JSON.stringify replacer for RPC results: bigint → decimal string (JSON numbers lose precision
 * beyond 2^53), Uint8Array (Buffer included) → 0x-prefixed lower-case hex. The raw value is read
 * from the holder because a Buffer's toJSON has already run by the time `value` is seen.
 */
export function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return to0x(raw);
  if (typeof value === 'bigint') return value.toString(10);
  return value;
}

/** Serialises with jsonReplacer; `undefined` becomes `null` so the output is always valid JSON. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer) ?? 'null';
}
