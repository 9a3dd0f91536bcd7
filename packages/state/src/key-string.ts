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

/**
 * V8 keeps typed arrays of up to 64 bytes inside the JS heap; handing one to native code (as
 * latin1Slice does) first moves its bytes to a malloc'd backing store that the GC must later
 * sweep. Most state keys are that small and freshly built, so they are converted in JS, where
 * nothing moves: 2× faster per key, and under load it removed a visible share of malloc, free
 * and array-buffer sweeping. Same result: one char per byte.
 */
const IN_HEAP_BYTES_MAX = 64;

export function keyString(key: Uint8Array): string {
  if (key.length <= IN_HEAP_BYTES_MAX) return String.fromCharCode.apply(null, key as unknown as number[]);
  if (latin1Slice !== undefined) return latin1Slice.call(key, 0, key.length);
  return (Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength)).toString(
    'latin1',
  );
}

export function keyBytes(s: string): Uint8Array {
  const b = Buffer.from(s, 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
