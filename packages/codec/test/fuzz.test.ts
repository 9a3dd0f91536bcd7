// Every decoder must either succeed or throw a LatticeError with a decode code, for any input.
// Deterministic: set FUZZ_SEED to reproduce a failure, FUZZ_SCALE to run longer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBytes, type ErrorCode, equalBytes, LatticeError, toHex } from '@lattice/utils';
import { mulberry32 } from '../../utils/test/support/prng.ts';
import { canonicalPlan, isCanonicalEncoding } from '../src/canonical.ts';
import {
  AnySchema,
  BlockSchema,
  CommitSchema,
  create,
  type DescMessage,
  decodeBlock,
  decodeCommit,
  decodeHeader,
  decodeMessage,
  decodeTx,
  encodeMessage,
  HeaderSchema,
  MessageRegistry,
  MsgMultiSendSchema,
  MsgSendSchema,
} from '../src/index.ts';
import { block, commit, header, SAMPLES, txParts } from './fixtures.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20240607) >>> 0;
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);
const ALLOWED = new Set<ErrorCode>([
  'DECODE_FAILED',
  'DECODE_TOO_LARGE',
  'TX_MALFORMED',
  'TX_UNKNOWN_MESSAGE',
]);
const FUZZ_MAX_BYTES = 1024 * 1024;

function makeRandom(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number): number => Math.floor(next() * n);
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = int(256);
    return out;
  };
  return { int, bytes };
}
type Random = ReturnType<typeof makeRandom>;

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return new Uint8Array(out);
}

function insert(buf: Uint8Array, at: number, piece: Uint8Array): Uint8Array {
  return concatBytes(buf.subarray(0, at), piece, buf.subarray(at));
}

const tag = (field: number, wire: number) => varint(field * 8 + wire);

/** A nested chain of length-delimited field-1 messages, `depth` levels deep. */
function nested(depth: number, field: number): Uint8Array {
  let inner: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < depth; i++) inner = concatBytes(tag(field, 2), varint(inner.length), inner);
  return inner;
}

const MUTATIONS: ((r: Random, b: Uint8Array, corpus: Uint8Array[]) => Uint8Array)[] = [
  // Bit flips.
  (r, b) => {
    const out = b.slice();
    for (let k = 1 + r.int(8); k > 0 && out.length > 0; k--) out[r.int(out.length)]! ^= 1 << r.int(8);
    return out;
  },
  // Random byte overwrite.
  (r, b) => {
    const out = b.slice();
    if (out.length > 0) out[r.int(out.length)] = r.int(256);
    return out;
  },
  // Truncation.
  (r, b) => b.slice(0, r.int(b.length + 1)),
  // Extension with random bytes.
  (r, b) => concatBytes(b, r.bytes(1 + r.int(64))),
  // Varint overflow: 11 continuation bytes in a value or a length.
  (r, b) => {
    const over = concatBytes(new Uint8Array(10).fill(0xff), new Uint8Array([0x01]));
    return insert(b, r.int(b.length + 1), concatBytes(tag(1 + r.int(16), r.int(2) * 2), over));
  },
  // Huge length prefixes.
  (r, b) => {
    const lens = [0xffffffff, 0x7fffffff, 2 ** 35, b.length + 1, 1 << 24];
    return insert(
      b,
      r.int(b.length + 1),
      concatBytes(tag(1 + r.int(16), 2), varint(lens[r.int(lens.length)]!)),
    );
  },
  // Deep nesting: groups, and length-delimited chains.
  (r, b) => {
    const depth = 1 + r.int(3000);
    const groups = new Uint8Array(depth).fill(0x0b); // field 1, start group
    return insert(b, r.int(b.length + 1), r.int(2) === 0 ? groups : nested(1 + r.int(200), 1 + r.int(4)));
  },
  // Splice in a piece of another valid encoding.
  (r, b, corpus) => {
    const other = corpus[r.int(corpus.length)]!;
    const start = r.int(other.length + 1);
    const piece = other.subarray(start, start + r.int(64));
    const at = r.int(b.length + 1);
    return concatBytes(b.subarray(0, at), piece, b.subarray(at + r.int(16)));
  },
  // Duplicate or delete a segment.
  (r, b) => {
    const start = r.int(b.length + 1);
    const len = r.int(32);
    return r.int(2) === 0
      ? insert(b, start, b.slice(start, start + len))
      : concatBytes(b.subarray(0, start), b.subarray(start + len));
  },
];

function randomInput(r: Random, corpus: Uint8Array[]): Uint8Array {
  if (r.int(5) === 0) return r.bytes(r.int(4) === 0 ? r.int(16) : r.int(600));
  let b = corpus[r.int(corpus.length)]!;
  for (let k = 1 + r.int(3); k > 0; k--) b = MUTATIONS[r.int(MUTATIONS.length)]!(r, b, corpus);
  return b;
}

interface Target {
  name: string;
  iterations: number;
  corpus: Uint8Array[];
  run(input: Uint8Array, r: Random): void;
}

const registry = new MessageRegistry([MsgSendSchema, MsgMultiSendSchema]);
const typeUrls = [...registry.typeUrls(), '/lattice.bank.v1.Unknown', ''];
const msgCorpus = SAMPLES.filter((s) => s.schema === MsgSendSchema || s.schema === MsgMultiSendSchema).map(
  (s) => encodeMessage(s.schema, s.value),
);

function schemaTarget(schema: DescMessage, corpus: Uint8Array[], canonical: boolean): Target {
  const plan = canonicalPlan(schema)!;
  assert.ok(plan, `${schema.typeName} should not need the re-encoding fallback`);
  return {
    name: `decodeMessage(${schema.typeName}${canonical ? '' : ', lenient'})`,
    iterations: 500,
    corpus,
    run(input) {
      const msg = decodeMessage(schema, input, FUZZ_MAX_BYTES, schema.typeName, { canonical });
      // Success in canonical mode means the input was the one encoding of the message.
      if (canonical)
        assert.ok(equalBytes(encodeMessage(schema, msg), input), 'canonical decode must round-trip');
      // The canonical walk must agree with re-encoding on everything that decodes.
      else assert.equal(isCanonicalEncoding(plan, input), equalBytes(encodeMessage(schema, msg), input));
    },
  };
}

const TARGETS: Target[] = [
  {
    name: 'decodeTx',
    iterations: 4000,
    corpus: [txParts(true).txBytes, txParts(false).txBytes],
    run: (b) => decodeTx(b),
  },
  {
    name: 'decodeBlock',
    iterations: 1500,
    corpus: [encodeMessage(BlockSchema, block)],
    run: (b) => decodeBlock(b),
  },
  {
    name: 'decodeHeader',
    iterations: 3000,
    corpus: [encodeMessage(HeaderSchema, header)],
    run: (b) => decodeHeader(b),
  },
  {
    name: 'decodeCommit',
    iterations: 3000,
    corpus: [encodeMessage(CommitSchema, commit)],
    run: (b) => decodeCommit(b),
  },
  {
    name: 'registry.unpack(value)',
    iterations: 3000,
    corpus: msgCorpus,
    run: (b, r) =>
      registry.unpack(create(AnySchema, { typeUrl: typeUrls[r.int(typeUrls.length)]!, value: b })),
  },
  {
    name: 'registry.unpack(decoded Any)',
    iterations: 2000,
    corpus: txParts(true).body.messages.map((a) => encodeMessage(AnySchema, a)),
    run: (b) => registry.unpack(decodeMessage(AnySchema, b, FUZZ_MAX_BYTES, 'Any')),
  },
  ...SAMPLES.flatMap(({ schema, value }) => {
    const corpus = [encodeMessage(schema, value)];
    return [schemaTarget(schema, corpus, true), schemaTarget(schema, corpus, false)];
  }),
];

describe(`decoder fuzzing (seed ${SEED})`, () => {
  TARGETS.forEach((target, index) => {
    it(target.name, () => {
      // One stream per target, so targets can be added without changing the others' inputs.
      const r = makeRandom(SEED ^ Math.imul(index + 1, 0x9e3779b1));
      let ok = 0;
      for (let i = 0; i < target.iterations * SCALE; i++) {
        const input = randomInput(r, target.corpus);
        try {
          target.run(input, r);
          ok++;
        } catch (e) {
          if (e instanceof LatticeError && ALLOWED.has(e.code)) continue;
          const shown = toHex(input.subarray(0, 256));
          assert.fail(
            `FUZZ_SEED=${SEED} target=${target.name} iteration=${i} input(${input.length})=${shown}: ${String(e)}`,
          );
        }
      }
      // The mutations must leave some inputs valid, or the fuzzer only tests the error paths.
      assert.ok(ok > 0 || target.name.startsWith('registry'), `no input decoded for ${target.name}`);
    });
  });
});
