/**
 * State keys as latin1 strings, one char per byte, for Map lookups: string order is key-byte
 * order. The overlays and the committed-value cache share the form, so a key is converted once
 * on its way down.
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

/**
 * Buffer's own latin1 decoder, called on the key directly: buf.toString('latin1') is this after
 * making a Buffer view, and the view was most of the cost for keys of a few dozen bytes (72 vs
 * 126 ns measured). Not in Node's typings, hence the lookup; absent, the documented path is taken.
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;

export function keyString(key: Uint8Array): string {
  if (latin1Slice !== undefined) return latin1Slice.call(key, 0, key.length);
  return (Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength)).toString(
    'latin1',
  );
}

export function keyBytes(s: string): Uint8Array {
  const b = Buffer.from(s, 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
