import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BLOCK_BYTES_MAX,
  BLOCK_EVIDENCE_MAX,
  BLOCK_TXS_MAX,
  COMMIT_BYTES_MAX,
  HEADER_BYTES_MAX,
  VALIDATORS_MAX,
} from '@lattice/params';
import { concatBytes, isLatticeError, toHex } from '@lattice/utils';
import {
  BlockSchema,
  CommitSchema,
  commitHash,
  consensusParamsHash,
  countRepeated,
  create,
  decodeBlock,
  decodeCommit,
  decodeHeader,
  encodeMessage,
  equals,
  evidenceHash,
  HeaderSchema,
  headerHash,
  merkleRoot,
  resultsHash,
  validatorsHash,
} from '../src/index.ts';
import { sha256 } from '../src/sha256.ts';
import {
  block,
  commit,
  consensusParams,
  evidence,
  execTxResult,
  fill,
  header,
  validator,
} from './fixtures.ts';

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return new Uint8Array(out);
}

function field(no: number, payload: Uint8Array): Uint8Array {
  return concatBytes(varint((no << 3) | 2), varint(payload.length), payload);
}

/** `count` copies of an empty length-delimited field `no`: two bytes each on the wire. */
function emptyRepeated(no: number, count: number): Uint8Array {
  const out = new Uint8Array(count * 2);
  for (let i = 0; i < count; i++) out[i * 2] = (no << 3) | 2;
  return out;
}

function tooLarge(what: string) {
  return (e: unknown) => isLatticeError(e, 'DECODE_TOO_LARGE') && e.meta['what'] === what;
}

describe('block decoding', () => {
  it('round-trips a block, header and commit', () => {
    const bytes = encodeMessage(BlockSchema, block);
    assert.ok(equals(BlockSchema, decodeBlock(bytes), block));
    assert.ok(equals(HeaderSchema, decodeHeader(encodeMessage(HeaderSchema, header)), header));
    assert.ok(equals(CommitSchema, decodeCommit(encodeMessage(CommitSchema, commit)), commit));
  });

  it('enforces the byte limits before decoding', () => {
    assert.throws(() => decodeHeader(new Uint8Array(HEADER_BYTES_MAX + 1)), tooLarge('Header'));
    assert.throws(() => decodeCommit(new Uint8Array(COMMIT_BYTES_MAX + 1)), tooLarge('Commit'));
    assert.throws(() => decodeBlock(new Uint8Array(BLOCK_BYTES_MAX + 1)), tooLarge('Block'));
  });

  it('limits txs per block on the raw bytes, summing repeated Data fields', () => {
    const ok = field(2, emptyRepeated(1, BLOCK_TXS_MAX));
    assert.equal(decodeBlock(ok).data!.txs.length, BLOCK_TXS_MAX);
    assert.throws(
      () => decodeBlock(field(2, emptyRepeated(1, BLOCK_TXS_MAX + 1))),
      tooLarge('Block.data.txs'),
    );
    const half = field(2, emptyRepeated(1, BLOCK_TXS_MAX / 2 + 1));
    assert.throws(() => decodeBlock(concatBytes(half, half)), tooLarge('Block.data.txs'));
  });

  it('rejects a maximal block of empty txs quickly instead of allocating millions of objects', () => {
    const payloadBytes = BLOCK_BYTES_MAX - 16;
    const bytes = field(2, emptyRepeated(1, payloadBytes / 2));
    assert.ok(bytes.length <= BLOCK_BYTES_MAX);
    const start = process.hrtime.bigint();
    assert.throws(() => decodeBlock(bytes), tooLarge('Block.data.txs'));
    assert.ok(Number(process.hrtime.bigint() - start) / 1e6 < 500);
  });

  it('limits evidence and commit signatures', () => {
    assert.throws(
      () => decodeBlock(field(3, emptyRepeated(1, BLOCK_EVIDENCE_MAX + 1))),
      tooLarge('Block.evidence.evidence'),
    );
    assert.throws(
      () => decodeBlock(field(4, emptyRepeated(4, VALIDATORS_MAX + 1))),
      tooLarge('Block.last_commit.signatures'),
    );
    assert.throws(() => decodeCommit(emptyRepeated(4, VALIDATORS_MAX + 1)), tooLarge('Commit.signatures'));
    assert.equal(decodeCommit(emptyRepeated(4, VALIDATORS_MAX)).signatures.length, VALIDATORS_MAX);
  });

  it('the pre-scan rejects malformed wire data with DECODE_FAILED', () => {
    for (const bad of [
      new Uint8Array([0x13]), // field 2 as a group
      new Uint8Array([0x12, 0x05, 0x0a]), // length beyond the end
      new Uint8Array([0x12, 0x02, 0x0a, 0x05]), // inner length beyond the enclosing field
      new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // 11-byte varint
      new Uint8Array([0x00]), // field number 0
    ]) {
      assert.throws(() => decodeBlock(bad), { code: 'DECODE_FAILED' }, toHex(bad));
    }
  });

  it('countRepeated counts elements at a path', () => {
    const bytes = encodeMessage(BlockSchema, block);
    assert.equal(countRepeated(bytes, [2, 1], 100, 'b'), 2);
    assert.equal(countRepeated(bytes, [3, 1], 100, 'b'), 1);
    assert.equal(countRepeated(bytes, [4, 4], 100, 'b'), 2);
  });
});

describe('block hashes', () => {
  it('headerHash is SHA-256 of the canonical header and covers every field', () => {
    assert.deepEqual(headerHash(header), sha256(encodeMessage(HeaderSchema, header)));
    const changed = create(HeaderSchema, { ...header, appHash: fill(32, 99) });
    assert.notDeepEqual(headerHash(changed), headerHash(header));
    assert.deepEqual(headerHash(decodeHeader(encodeMessage(HeaderSchema, header))), headerHash(header));
  });

  it('commitHash binds height, round and signatures', () => {
    assert.deepEqual(commitHash(commit), sha256(encodeMessage(CommitSchema, commit)));
    assert.notDeepEqual(commitHash(create(CommitSchema, { ...commit, round: 2 })), commitHash(commit));
  });

  it('validatorsHash ignores proposer priority', () => {
    const moved = { ...validator, proposerPriority: 12345n };
    assert.deepEqual(validatorsHash([moved]), validatorsHash([validator]));
    assert.notDeepEqual(validatorsHash([{ ...validator, votingPower: 1n }]), validatorsHash([validator]));
    assert.deepEqual(validatorsHash([]), sha256(new Uint8Array(0)));
  });

  it('resultsHash covers code, data and gas but not log or events', () => {
    const base = resultsHash([execTxResult]);
    assert.deepEqual(resultsHash([{ ...execTxResult, log: 'other', events: [] }]), base);
    assert.notDeepEqual(resultsHash([{ ...execTxResult, code: 5 }]), base);
    assert.notDeepEqual(resultsHash([{ ...execTxResult, gasUsed: 1n }]), base);
  });

  it('evidenceHash and consensusParamsHash', () => {
    assert.deepEqual(evidenceHash([]), merkleRoot([]));
    assert.equal(evidenceHash([evidence]).length, 32);
    const other = { ...consensusParams, block: { ...consensusParams.block!, maxGas: 5n } };
    assert.notDeepEqual(consensusParamsHash(other), consensusParamsHash(consensusParams));
  });
});
