import { LatticeError } from '@lattice/utils';

/**
 * Hand-written protobuf for the two records every transaction touches, byte-identical to what
 * protobuf-es writes for lattice.auth.v1.AccountState and lattice.crypto.v1.PubKey (a test pins
 * this): the reflective encoder costs more than the rest of a transfer's state work.
 */

// Account numbers, sequences and algorithm ids stay far below 2^53 in practice: they take a
// number path (a bigint operation allocates, and these run several times per transaction);
// larger values keep the exact bigint path.
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function varintLength(v: bigint): number {
  if (v <= SAFE) {
    let x = Number(v);
    let n = 1;
    while (x >= 0x80) {
      x = Math.floor(x / 0x80);
      n++;
    }
    return n;
  }
  let n = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

function writeVarint(out: Uint8Array, pos: number, v: bigint): number {
  if (v <= SAFE) {
    let x = Number(v);
    while (x >= 0x80) {
      out[pos++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    out[pos++] = x;
    return pos;
  }
  while (v >= 0x80n) {
    out[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[pos++] = Number(v);
  return pos;
}

/** The varint at `pos` (a u64), and the position after it; set on `cursor` to spare an array. */
function readVarint(b: Uint8Array, cursor: { pos: number }): bigint {
  let pos = cursor.pos;
  // Up to 7 bytes (49 bits) are summed as a number; only longer varints go on in bigint.
  let x = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    if (pos >= b.length) throw corrupt('truncated varint');
    const byte = b[pos++]!;
    x += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      cursor.pos = pos;
      return BigInt(x);
    }
    scale *= 0x80;
  }
  let v = BigInt(x);
  let shift = 49n;
  for (let i = 7; i < 10; i++) {
    if (pos >= b.length) throw corrupt('truncated varint');
    const byte = b[pos++]!;
    v |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) {
      cursor.pos = pos;
      return v;
    }
    shift += 7n;
  }
  throw corrupt('varint too long');
}

function corrupt(why: string): LatticeError {
  return new LatticeError('STATE_CORRUPT', `stored account record is malformed: ${why}`);
}

export interface AccountStateRecord {
  accountNumber: bigint;
  sequence: bigint;
  pubKeyAlg: number;
}

export function encodeAccountState(r: AccountStateRecord): Uint8Array {
  // proto3 omits zero-valued scalars.
  const alg = BigInt(r.pubKeyAlg);
  let len = 0;
  if (r.accountNumber !== 0n) len += 1 + varintLength(r.accountNumber);
  if (r.sequence !== 0n) len += 1 + varintLength(r.sequence);
  if (alg !== 0n) len += 1 + varintLength(alg);
  const out = new Uint8Array(len);
  let pos = 0;
  if (r.accountNumber !== 0n) {
    out[pos++] = 0x08;
    pos = writeVarint(out, pos, r.accountNumber);
  }
  if (r.sequence !== 0n) {
    out[pos++] = 0x10;
    pos = writeVarint(out, pos, r.sequence);
  }
  if (alg !== 0n) {
    out[pos++] = 0x18;
    writeVarint(out, pos, alg);
  }
  return out;
}

export function decodeAccountState(b: Uint8Array): AccountStateRecord {
  const r: AccountStateRecord = { accountNumber: 0n, sequence: 0n, pubKeyAlg: 0 };
  const cur = { pos: 0 };
  while (cur.pos < b.length) {
    const tag = b[cur.pos++]!;
    const v = readVarint(b, cur);
    if (tag === 0x08) r.accountNumber = v;
    else if (tag === 0x10) r.sequence = v;
    else if (tag === 0x18 && v <= 0xffffffffn) r.pubKeyAlg = Number(v);
    else throw corrupt(`unexpected tag ${tag}`);
  }
  return r;
}

export function encodePubKey(alg: number, key: Uint8Array): Uint8Array {
  const a = BigInt(alg);
  const keyLen = BigInt(key.length);
  const len =
    (a !== 0n ? 1 + varintLength(a) : 0) + (key.length > 0 ? 1 + varintLength(keyLen) + key.length : 0);
  const out = new Uint8Array(len);
  let pos = 0;
  if (a !== 0n) {
    out[pos++] = 0x08;
    pos = writeVarint(out, pos, a);
  }
  if (key.length > 0) {
    out[pos++] = 0x12;
    pos = writeVarint(out, pos, keyLen);
    out.set(key, pos);
  }
  return out;
}

export function decodePubKey(b: Uint8Array): { alg: number; key: Uint8Array } {
  let alg = 0;
  let key: Uint8Array = new Uint8Array(0);
  const cur = { pos: 0 };
  while (cur.pos < b.length) {
    const tag = b[cur.pos++]!;
    const v = readVarint(b, cur);
    if (tag === 0x08) alg = Number(v);
    else if (tag === 0x12) {
      const end = cur.pos + Number(v);
      if (end > b.length) throw corrupt('truncated public key');
      key = b.subarray(cur.pos, end);
      cur.pos = end;
    } else throw corrupt(`unexpected tag ${tag}`);
  }
  return { alg, key };
}
