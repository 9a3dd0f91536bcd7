// Wire format of one batch sent to a verify worker: a single ArrayBuffer, transferred (not
// copied) to the worker. Per request a 16-byte header
//   alg u8 | context length u8 | reserved u16 | public key length u32 | signature length u32 | message length u32
// followed by the context, public key, signature and message bytes.

const HEADER_BYTES = 16;

export interface PackedRequest {
  alg: number;
  context: Uint8Array;
  publicKey: Uint8Array;
  signature: Uint8Array;
  message: Uint8Array;
}

export function packBatch(requests: readonly PackedRequest[]): ArrayBuffer {
  let size = 0;
  for (const r of requests) {
    size += HEADER_BYTES + r.context.length + r.publicKey.length + r.signature.length + r.message.length;
  }
  const buf = new ArrayBuffer(size);
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  let off = 0;
  for (const r of requests) {
    view.setUint8(off, r.alg);
    view.setUint8(off + 1, r.context.length);
    view.setUint32(off + 4, r.publicKey.length);
    view.setUint32(off + 8, r.signature.length);
    view.setUint32(off + 12, r.message.length);
    off += HEADER_BYTES;
    bytes.set(r.context, off);
    off += r.context.length;
    bytes.set(r.publicKey, off);
    off += r.publicKey.length;
    bytes.set(r.signature, off);
    off += r.signature.length;
    bytes.set(r.message, off);
    off += r.message.length;
  }
  return buf;
}

/** Views into buf (no copies); throws on a truncated buffer, which only a bug can produce. */
export function unpackBatch(buf: ArrayBuffer): PackedRequest[] {
  const view = new DataView(buf);
  const out: PackedRequest[] = [];
  let off = 0;
  const take = (len: number): Uint8Array => {
    if (off + len > buf.byteLength) throw new RangeError('truncated verify batch');
    const part = new Uint8Array(buf, off, len);
    off += len;
    return part;
  };
  while (off < buf.byteLength) {
    if (off + HEADER_BYTES > buf.byteLength) throw new RangeError('truncated verify batch');
    const alg = view.getUint8(off);
    const ctxLen = view.getUint8(off + 1);
    const pkLen = view.getUint32(off + 4);
    const sigLen = view.getUint32(off + 8);
    const msgLen = view.getUint32(off + 12);
    off += HEADER_BYTES;
    out.push({
      alg,
      context: take(ctxLen),
      publicKey: take(pkLen),
      signature: take(sigLen),
      message: take(msgLen),
    });
  }
  return out;
}
