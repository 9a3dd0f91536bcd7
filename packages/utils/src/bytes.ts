import { base64 as scureBase64, hex as scureHex } from '@scure/base';
import { LatticeError } from './errors.ts';

// This module runs in browsers too (the SDK imports it), so Node's Buffer is used only where it
// exists, as a faster path; the results are identical.
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function nodeView(b: Uint8Array): Buffer {
  return NodeBuffer!.from(b.buffer, b.byteOffset, b.byteLength);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

const HEX_RE = /^([0-9a-fA-F]{2})*$/;

export function toHex(b: Uint8Array): string {
  return NodeBuffer ? nodeView(b).toString('hex') : scureHex.encode(b);
}

export function to0x(b: Uint8Array): string {
  return `0x${toHex(b)}`;
}

/** Parses hex with or without a 0x prefix; anything else is an INVALID_ARGUMENT. */
export function fromHex(s: string, what = 'hex string'): Uint8Array {
  const invalid = () => new LatticeError('INVALID_ARGUMENT', `${what} is not valid hex`);
  if (typeof s !== 'string') throw invalid();
  const body = s.startsWith('0x') ? s.slice(2) : s;
  if (body.length % 2 !== 0) throw invalid();
  if (!NodeBuffer) {
    if (!HEX_RE.test(body)) throw invalid();
    return scureHex.decode(body.toLowerCase());
  }
  // Buffer stops at the first non-hex pair, so a short result means bad input: no regex pass
  // over what can be a 128 KiB string on the tx submission path.
  const b = NodeBuffer.from(body, 'hex');
  if (b.length * 2 !== body.length) throw invalid();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Below this length a loop beats making a Buffer view for memcmp (measured: 35 vs 111 ns at 32 bytes). */
const SHORT_BYTES = 64;

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  if (NodeBuffer && a.length > SHORT_BYTES) return nodeView(a).equals(b);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order, the only order used for deterministic iteration. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (NodeBuffer && Math.min(a.length, b.length) > SHORT_BYTES) return nodeView(a).compare(b);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

export function u64be(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

export function readU64be(b: Uint8Array, offset = 0): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset);
}

export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function toBase64(b: Uint8Array): string {
  return NodeBuffer ? nodeView(b).toString('base64') : scureBase64.encode(b);
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict, canonical standard base64 (padded, no whitespace, zero pad bits); else INVALID_ARGUMENT. */
export function fromBase64(s: string, what = 'base64 string'): Uint8Array {
  const invalid = () => new LatticeError('INVALID_ARGUMENT', `${what} is not valid base64`);
  if (typeof s !== 'string' || s.length % 4 !== 0) throw invalid();
  if (!NodeBuffer) {
    if (!BASE64_RE.test(s)) throw invalid();
    return scureBase64.decode(s);
  }
  // Buffer skips characters it does not know and accepts base64url, so only input that encodes
  // back to itself is canonical. Two native passes cost a fraction of a regex over a large tx.
  const b = NodeBuffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw invalid();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
