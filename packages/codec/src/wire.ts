import { LatticeError } from '@lattice/utils';

// A minimal protobuf wire scanner. Decoding materialises one object per repeated element, and
// an empty element costs two bytes on the wire, so a large message could allocate millions of
// objects before any count check ran. Counting on the raw bytes first bounds that.

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const VARINT_BYTES_MAX = 10;

interface Cursor {
  pos: number;
}

function fail(what: string, reason: string): never {
  throw new LatticeError('DECODE_FAILED', `cannot decode ${what}: ${reason}`, { what });
}

// Floats are exact up to 2^53; larger values only ever fail the bounds checks below.
function readVarint(bytes: Uint8Array, cur: Cursor, end: number, what: string): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < VARINT_BYTES_MAX; i++) {
    if (cur.pos >= end) fail(what, 'truncated varint');
    const b = bytes[cur.pos++]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return value;
    scale *= 128;
  }
  return fail(what, 'varint too long');
}

/**
 * Counts the elements of the repeated field at `path` (field numbers from the outer message
 * inwards), summing over every occurrence of each enclosing message, because protobuf merges
 * repeated occurrences of a message field. Stops as soon as the count exceeds `max`.
 * Groups are rejected: no Lattice schema uses them.
 */
export function countRepeated(bytes: Uint8Array, path: readonly number[], max: number, what: string): number {
  return scan(bytes, 0, bytes.length, path, 0, max, 0, what);
}

function scan(
  bytes: Uint8Array,
  start: number,
  end: number,
  path: readonly number[],
  depth: number,
  max: number,
  counted: number,
  what: string,
): number {
  const cur: Cursor = { pos: start };
  let count = counted;
  while (cur.pos < end) {
    const tag = readVarint(bytes, cur, end, what);
    const fieldNo = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (fieldNo === 0 || tag > 0xffffffff) fail(what, 'invalid tag');
    const target = fieldNo === path[depth];
    switch (wireType) {
      case WIRE_VARINT:
        readVarint(bytes, cur, end, what);
        break;
      case WIRE_I64:
        cur.pos += 8;
        break;
      case WIRE_I32:
        cur.pos += 4;
        break;
      case WIRE_LEN: {
        const len = readVarint(bytes, cur, end, what);
        if (len > end - cur.pos) fail(what, 'length beyond end of input');
        if (target && depth < path.length - 1) {
          count = scan(bytes, cur.pos, cur.pos + len, path, depth + 1, max, count, what);
          if (count > max) return count;
        }
        cur.pos += len;
        break;
      }
      default:
        fail(what, `unsupported wire type ${wireType}`);
    }
    if (cur.pos > end) fail(what, 'truncated field');
    if (target && depth === path.length - 1 && ++count > max) return count;
  }
  return count;
}

/** Throws DECODE_TOO_LARGE when the repeated field at `path` has more than `max` elements. */
export function limitRepeated(bytes: Uint8Array, path: readonly number[], max: number, what: string): void {
  const count = countRepeated(bytes, path, max, what);
  if (count > max) {
    throw new LatticeError('DECODE_TOO_LARGE', `${what} has more than ${max} elements`, { what, max });
  }
}
