import { LatticeError } from '@lattice/utils';

/** A chunk as libp2p streams yield it: either bytes or a Uint8ArrayList. */
export type Chunk = Uint8Array | { subarray(): Uint8Array };

const VARINT_BYTES_MAX = 5;
/** Frames above 2^31 are refused outright so lengths stay exact small integers. */
const FRAME_BYTES_HARD_MAX = 2 ** 31 - 1;

export function encodeVarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > FRAME_BYTES_HARD_MAX) {
    throw new LatticeError('INVALID_ARGUMENT', 'frame length out of range', { length: n });
  }
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

export function encodeFrame(body: Uint8Array): Uint8Array {
  const prefix = encodeVarint(body.length);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

function toBytes(c: Chunk): Uint8Array {
  return c instanceof Uint8Array ? c : c.subarray();
}

/**
 * Reads one length-prefixed frame. The declared length is compared with `maxBytes` as soon as the
 * prefix is complete, so an oversized body is refused before any of it is buffered.
 * Each stream carries exactly one frame per direction, so bytes arriving together with the end of the
 * frame are a protocol violation; reading stops at the frame's end and never waits for more.
 */
export async function readFrame(source: AsyncIterable<Chunk>, maxBytes: number): Promise<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  const prefix: number[] = [];
  let length = -1;
  let body: Uint8Array | undefined;
  let filled = 0;
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) {
        throw new LatticeError('DECODE_FAILED', 'stream ended before a complete frame', {
          received: filled,
          expected: length,
        });
      }
      const chunk = toBytes(next.value);
      let i = 0;
      while (length < 0 && i < chunk.length) {
        const b = chunk[i++]!;
        prefix.push(b);
        if ((b & 0x80) === 0) {
          length = decodePrefix(prefix);
          if (length > maxBytes) {
            throw new LatticeError('LIMIT_EXCEEDED', 'frame exceeds size limit', { length, maxBytes });
          }
          body = new Uint8Array(length);
        } else if (prefix.length >= VARINT_BYTES_MAX) {
          throw new LatticeError('DECODE_FAILED', 'frame length prefix too long');
        }
      }
      if (body === undefined) continue;
      const rest = chunk.length - i;
      if (filled + rest > body.length) {
        throw new LatticeError('DECODE_FAILED', 'trailing bytes after frame');
      }
      body.set(chunk.subarray(i), filled);
      filled += rest;
      if (filled === body.length) return body;
    }
  } finally {
    await it.return?.();
  }
}

function decodePrefix(bytes: number[]): number {
  let n = 0;
  let mul = 1;
  for (const b of bytes) {
    n += (b & 0x7f) * mul;
    mul *= 128;
  }
  if (n > FRAME_BYTES_HARD_MAX) throw new LatticeError('DECODE_FAILED', 'frame length out of range');
  return n;
}
