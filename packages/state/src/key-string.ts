/**
 * State keys as latin1 strings, one char per byte, for Map lookups: string order is key-byte
 * order. The overlays and the committed-value cache share the form, so a key is converted once
 * on its way down.
 */
export function keyString(key: Uint8Array): string {
  return (Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength)).toString(
    'latin1',
  );
}

export function keyBytes(s: string): Uint8Array {
  const b = Buffer.from(s, 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
