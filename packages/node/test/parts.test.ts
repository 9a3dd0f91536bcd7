import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOCK_PART_BYTES } from '@lattice/params';
import { isLatticeError } from '@lattice/utils';
import { mulberry32 } from '../../utils/test/support/prng.ts';
import { decodePartMessage, encodePartMessage } from '../src/consensus/messages.ts';
import { PartSet, splitBlock } from '../src/consensus/parts.ts';

function bytes(n: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

describe('block parts', () => {
  it('cut a block into proven parts that reassemble in any order', () => {
    for (const size of [
      1,
      BLOCK_PART_BYTES - 1,
      BLOCK_PART_BYTES,
      BLOCK_PART_BYTES + 1,
      5 * BLOCK_PART_BYTES + 123,
    ]) {
      const block = bytes(size, size);
      const { header, parts } = splitBlock(block);
      assert.equal(header.total, Math.ceil(size / BLOCK_PART_BYTES));
      const set = new PartSet(header);
      const rnd = mulberry32(size + 1);
      const order = parts.map((_, i) => i).sort(() => rnd() - 0.5);
      for (const i of order) {
        assert.equal(set.complete, false);
        assert.equal(set.add(parts[i]!), 'added');
        assert.equal(set.add(parts[i]!), 'duplicate');
      }
      assert.ok(set.complete);
      assert.deepEqual(set.assemble(), block);
      // The cut is fixed, so everyone derives the same header from the same bytes.
      assert.deepEqual(splitBlock(block).header, header);
    }
  });

  it('refuse a part that is not the one the header names', () => {
    const { header, parts } = splitBlock(bytes(3 * BLOCK_PART_BYTES + 10, 7));
    const other = splitBlock(bytes(3 * BLOCK_PART_BYTES + 10, 8));
    const set = new PartSet(header);
    const p = parts[1]!;
    assert.equal(set.add({ ...p, bytes: other.parts[1]!.bytes }), 'invalid', 'other content');
    assert.equal(set.add({ ...p, index: 2 }), 'invalid', 'other index');
    assert.equal(set.add({ ...p, index: 9 }), 'invalid', 'index out of range');
    assert.equal(set.add({ ...p, aunts: other.parts[1]!.aunts }), 'invalid', 'other proof');
    assert.equal(set.add({ ...p, bytes: p.bytes.subarray(1) }), 'invalid', 'short middle part');
    assert.equal(set.add(p), 'added');
    assert.ok(!PartSet.validHeader({ total: 0, hash: header.hash }));
    assert.ok(!PartSet.validHeader({ total: 1, hash: new Uint8Array(31) }));
  });

  it('travel as part messages that decode to the same part, and malformed ones are refused', () => {
    const { parts } = splitBlock(bytes(2 * BLOCK_PART_BYTES + 5, 3));
    for (const part of parts) {
      const m = decodePartMessage(encodePartMessage({ height: 42n, round: 3, part }));
      assert.deepEqual(
        { height: m.height, round: m.round, index: m.part.index, aunts: m.part.aunts, bytes: m.part.bytes },
        { height: 42n, round: 3, index: part.index, aunts: part.aunts, bytes: part.bytes },
      );
    }
    const good = encodePartMessage({ height: 1n, round: 0, part: parts[0]! });
    const tooManyAunts = good.slice();
    tooManyAunts[16] = 200;
    for (const bad of [good.subarray(0, 10), tooManyAunts, good.subarray(0, 17 + 32 * good[16]!)]) {
      assert.throws(
        () => decodePartMessage(bad),
        (e) => isLatticeError(e, 'DECODE_FAILED'),
      );
    }
  });
});
