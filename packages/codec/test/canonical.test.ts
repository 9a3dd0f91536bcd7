// The canonical walk (src/canonical.ts) must say "canonical" exactly when re-encoding the
// decoded message gives the input back. Field-level mutations produce the valid but
// non-canonical encodings that random bytes rarely hit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBytes, equalBytes, toHex } from '@lattice/utils';
import { mulberry32 } from '../../utils/test/support/prng.ts';
import { canonicalPlan, isCanonicalEncoding } from '../src/canonical.ts';
import { type DescMessage, encodeMessage, fromBinary, toBinary } from '../src/index.ts';
import { SAMPLES } from './fixtures.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 7) >>> 0;

function makeRandom(seed: number) {
  const next = mulberry32(seed);
  return (n: number): number => Math.floor(next() * n);
}

interface WireRecord {
  tag: Uint8Array;
  // For length-delimited records: the payload; otherwise the raw value bytes.
  value: Uint8Array;
  len: boolean;
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return new Uint8Array(out);
}

/** Adds a redundant continuation byte: same value, non-minimal encoding. */
function pad(v: Uint8Array): Uint8Array {
  const out = concatBytes(v, new Uint8Array([0]));
  out[v.length - 1]! |= 0x80;
  return out;
}

function readVarintEnd(b: Uint8Array, pos: number): number {
  while (pos < b.length && (b[pos]! & 0x80) !== 0) pos++;
  return pos + 1;
}

function parse(b: Uint8Array): WireRecord[] | null {
  const out: WireRecord[] = [];
  let pos = 0;
  while (pos < b.length) {
    const tagEnd = readVarintEnd(b, pos);
    const tag = b.subarray(pos, tagEnd);
    const wt = tag[0]! & 7;
    pos = tagEnd;
    if (wt === 0) {
      const end = readVarintEnd(b, pos);
      out.push({ tag, value: b.subarray(pos, end), len: false });
      pos = end;
    } else if (wt === 1 || wt === 5) {
      const n = wt === 1 ? 8 : 4;
      out.push({ tag, value: b.subarray(pos, pos + n), len: false });
      pos += n;
    } else if (wt === 2) {
      const lenEnd = readVarintEnd(b, pos);
      let len = 0;
      for (let i = lenEnd - 1; i >= pos; i--) len = len * 128 + (b[i]! & 0x7f);
      out.push({ tag, value: b.subarray(lenEnd, lenEnd + len), len: true });
      pos = lenEnd + len;
    } else return null;
  }
  return pos === b.length ? out : null;
}

function serialize(records: WireRecord[]): Uint8Array {
  return concatBytes(
    ...records.map((r) =>
      r.len ? concatBytes(r.tag, varint(r.value.length), r.value) : concatBytes(r.tag, r.value),
    ),
  );
}

function mutate(rand: (n: number) => number, b: Uint8Array, depth = 0): Uint8Array {
  const records = parse(b);
  if (records === null) return b;
  const i = rand(Math.max(records.length, 1));
  const r = records[i];
  switch (rand(9)) {
    case 0: // swap neighbours
      if (records.length > 1 && i + 1 < records.length) [records[i], records[i + 1]] = [records[i + 1]!, r!];
      break;
    case 1: // duplicate
      if (r) records.splice(i, 0, r);
      break;
    case 2: // delete
      records.splice(i, 1);
      break;
    case 3: // non-minimal tag
      if (r) records[i] = { ...r, tag: pad(r.tag) };
      break;
    case 4: // non-minimal varint value, or a padded length prefix
      if (r && !r.len && (r.tag[0]! & 7) === 0) records[i] = { ...r, value: pad(r.value) };
      else if (r?.len)
        return concatBytes(
          serialize(records.slice(0, i)),
          r.tag,
          pad(varint(r.value.length)),
          r.value,
          serialize(records.slice(i + 1)),
        );
      break;
    case 5: // explicit zero / empty value for some field number
      records.splice(
        i,
        0,
        rand(2) === 0
          ? { tag: varint((1 + rand(16)) * 8), value: new Uint8Array([0]), len: false }
          : { tag: varint((1 + rand(16)) * 8 + 2), value: new Uint8Array(0), len: true },
      );
      break;
    case 6: // an unpacked element or a second packed run
      records.splice(i + 1, 0, { tag: varint((1 + rand(8)) * 8), value: varint(rand(300)), len: false });
      break;
    case 7: // wire type change
      if (r) records[i] = { ...r, tag: varint((r.tag[0]! & 0xf8) | [0, 1, 2, 5][rand(4)]!) };
      break;
    default: // recurse into a length-delimited record
      if (r?.len && depth < 4) records[i] = { ...r, value: mutate(rand, r.value, depth + 1) };
  }
  return serialize(records);
}

function check(schema: DescMessage, input: Uint8Array): 'canonical' | 'non-canonical' | 'invalid' {
  let msg: ReturnType<typeof fromBinary>;
  try {
    msg = fromBinary(schema, input, { readUnknownFields: false });
  } catch {
    return 'invalid';
  }
  const expected = equalBytes(toBinary(schema, msg, { writeUnknownFields: false }), input);
  const got = isCanonicalEncoding(canonicalPlan(schema)!, input);
  assert.equal(got, expected, `FUZZ_SEED=${SEED} ${schema.typeName} input=${toHex(input.subarray(0, 300))}`);
  return expected ? 'canonical' : 'non-canonical';
}

describe(`canonical walk agrees with re-encoding (seed ${SEED})`, () => {
  const totals = { canonical: 0, 'non-canonical': 0, invalid: 0 };
  SAMPLES.forEach(({ schema, value }, index) => {
    it(schema.typeName, () => {
      const rand = makeRandom(SEED ^ Math.imul(index + 1, 0x9e3779b1));
      const valid = encodeMessage(schema, value);
      assert.equal(check(schema, valid), 'canonical');
      for (let n = 0; n < 300; n++) {
        let input = valid;
        for (let k = 1 + rand(3); k > 0; k--) input = mutate(rand, input);
        totals[check(schema, input)]++;
      }
    });
  });
  it('exercised both outcomes', () => {
    assert.ok(totals.canonical > 100, JSON.stringify(totals));
    assert.ok(totals['non-canonical'] > 1000, JSON.stringify(totals));
  });
});

describe('canonical plan', () => {
  it('rejects the classic non-canonical forms of a small message', () => {
    const plan = canonicalPlan(SAMPLES[0]!.schema)!; // PubKey { uint32 algorithm = 1; bytes key = 2; }
    const ok = (hex: string) => isCanonicalEncoding(plan, Uint8Array.from(Buffer.from(hex, 'hex')));
    assert.ok(ok('08011201ff'));
    assert.ok(ok(''));
    assert.ok(!ok('0800')); // explicit zero
    assert.ok(!ok('1200')); // explicit empty bytes
    assert.ok(!ok('1201ff0801')); // out of order
    assert.ok(!ok('08010802')); // singular twice
    assert.ok(!ok('088100')); // padded varint
    assert.ok(!ok('88000101')); // padded tag
    assert.ok(!ok('08ffffffff1f')); // uint32 overflow (truncated by decoders)
    assert.ok(!ok('1801')); // unknown field
    assert.ok(!ok('090100000000000000')); // wrong wire type
  });
});
