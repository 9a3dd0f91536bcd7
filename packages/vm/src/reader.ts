import { WASM_NAME_BYTES_MAX } from '@lattice/params';
import { invalid } from './errors.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounds-checked cursor over WebAssembly binary bytes: LEB128 integers read with the exact
 * length limits of the spec, so an overlong or truncated encoding is rejected as malformed.
 */
export class WasmReader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  byte(): number {
    if (this.pos >= this.end) throw invalid('malformed', 'unexpected end of module bytes');
    return this.bytes[this.pos++]!;
  }

  take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw invalid('malformed', 'unexpected end of module bytes');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Unsigned LEB128 of at most 32 bits (5 bytes, the last with only 4 payload bits). */
  u32(): number {
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      if (i === 4 && b & 0xf0) throw invalid('malformed', 'integer representation too long or too large');
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return result;
    }
    throw invalid('malformed', 'integer representation too long');
  }

  /** Signed LEB128 of `bits` (32, 33 or 64) bits, as a bigint; the unused high bits must be a sign extension. */
  signed(bits: 32 | 33 | 64): bigint {
    const maxBytes = Math.ceil(bits / 7);
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if (i === maxBytes - 1) checkLastByte(b, bits);
        if (b & 0x40) result -= 1n << shift;
        return result;
      }
    }
    throw invalid('malformed', 'integer representation too long');
  }

  name(): string {
    const len = this.u32();
    if (len > WASM_NAME_BYTES_MAX)
      throw invalid('limit', `a name is longer than ${WASM_NAME_BYTES_MAX} bytes`);
    try {
      return UTF8.decode(this.take(len));
    } catch (e) {
      if ((e as { code?: string }).code === 'WASM_INVALID') throw e;
      throw invalid('malformed', 'a name is not valid UTF-8');
    }
  }
}

/** In the last byte of a maximal-length signed LEB128, the bits beyond `bits` must all equal the sign bit. */
function checkLastByte(b: number, bits: number): void {
  const used = bits - 7 * (Math.ceil(bits / 7) - 1);
  const sign = (b >> (used - 1)) & 1;
  const high = b >> used;
  const expected = sign ? 0x7f >> used : 0;
  if ((high & (0x7f >> used)) !== expected) {
    throw invalid('malformed', 'integer too large');
  }
}
