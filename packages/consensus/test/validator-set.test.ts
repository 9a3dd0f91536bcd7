import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, type Validator, ValidatorSchema } from '@lattice/codec';
import { LatticeError } from '@lattice/utils';
import { ValidatorSet } from '../src/index.ts';

const addr = (n: number) => new Uint8Array(32).fill(n);
const val = (n: number, power: number, priority = 0): Validator =>
  create(ValidatorSchema, {
    address: addr(n),
    votingPower: BigInt(power),
    proposerPriority: BigInt(priority),
  });
const name = (v: Validator) => 'ABCDEFG'[v.address[0]! - 1];

function sequence(set: ValidatorSet, n: number): string {
  let s = '';
  let cur = set;
  for (let i = 0; i < n; i++) {
    s += name(cur.proposer);
    cur = cur.copyIncrementProposerPriority(1);
  }
  return s;
}

const priorities = (set: ValidatorSet) => set.validators.map((v) => v.proposerPriority);

describe('ValidatorSet proposer selection', () => {
  it('powers 1,2,3: C B A C B C repeating, with hand-computed priorities', () => {
    const set = ValidatorSet.create([val(3, 3), val(1, 1), val(2, 2)]);
    assert.deepEqual(
      set.validators.map((v) => name(v)),
      ['A', 'B', 'C'],
    );
    assert.deepEqual(priorities(set), [1n, 2n, -3n]);
    assert.equal(sequence(set, 12), 'CBACBCCBACBC');
    assert.equal(set.totalVotingPower, 6n);
  });

  it('equal powers round-robin in address order (ties go to the smaller address)', () => {
    assert.equal(sequence(ValidatorSet.create([val(1, 5), val(2, 5), val(3, 5)]), 7), 'ABCABCA');
  });

  it('a single validator is always the proposer and its priority stays 0', () => {
    const set = ValidatorSet.create([val(1, 7)]);
    assert.equal(sequence(set, 5), 'AAAAA');
    assert.deepEqual(priorities(set.copyIncrementProposerPriority(9)), [0n]);
  });

  it('copyIncrementProposerPriority(n) matches n single increments here and leaves the original alone', () => {
    const set = ValidatorSet.create([val(1, 1), val(2, 2), val(3, 3)]);
    assert.equal(name(set.copyIncrementProposerPriority(2).proposer), 'A');
    assert.deepEqual(priorities(set), [1n, 2n, -3n]);
  });

  it('a new validator starts at -1.125 * P_total, then priorities are centred (floor average)', () => {
    const set = ValidatorSet.create([val(1, 1), val(2, 2), val(3, 3)]);
    const updated = set.applyUpdates([val(4, 4)]);
    // D = -(10 + 10>>3) = -11; (1,2,-3,-11) centred by floor(-11/4) = -3.
    assert.deepEqual(priorities(updated), [4n, 5n, 0n, -8n]);
    assert.equal(updated.totalVotingPower, 10n);
    const next = updated.copyIncrementProposerPriority(1);
    assert.equal(name(next.proposer), 'B');
    assert.deepEqual(priorities(next), [5n, -3n, 3n, -4n]);
  });

  it('rescales when the priority spread exceeds 2 * total power', () => {
    const set = ValidatorSet.restore([val(1, 1, 100), val(2, 1, -100)]);
    const next = set.copyIncrementProposerPriority(1);
    // ratio = ceil(200 / 4) = 50 → (2, -2) → +1 each → A wins and pays 2.
    assert.equal(name(next.proposer), 'A');
    assert.deepEqual(priorities(next), [1n, -1n]);
  });

  it('power 0 removes; updates keep priorities of existing validators', () => {
    const set = ValidatorSet.create([val(1, 1), val(2, 2), val(3, 3)]);
    const updated = set.applyUpdates([val(1, 0), val(2, 5)]);
    assert.deepEqual(
      updated.validators.map((v) => [name(v), v.votingPower]),
      [
        ['B', 5n],
        ['C', 3n],
      ],
    );
    // (2, -3) after A leaves, centred by floor(-1/2) = -1.
    assert.deepEqual(priorities(updated), [3n, -2n]);
    assert.equal(updated.getByAddress(addr(1)), undefined);
    assert.equal(updated.getByAddress(addr(3))!.index, 1);
  });

  it('rejects invalid updates with VALIDATOR_SET_INVALID', () => {
    const set = ValidatorSet.create([val(1, 1), val(2, 2)]);
    const bad = (f: () => unknown) =>
      assert.throws(f, (e: unknown) => e instanceof LatticeError && e.code === 'VALIDATOR_SET_INVALID');
    bad(() => set.applyUpdates([val(3, 1), val(3, 2)]));
    bad(() => set.applyUpdates([val(3, -1)]));
    bad(() => set.applyUpdates([val(9, 0)]));
    bad(() => set.applyUpdates([val(1, 0), val(2, 0)]));
    bad(() => set.applyUpdates([val(3, 0)]));
    bad(() =>
      set.applyUpdates([create(ValidatorSchema, { address: addr(4), votingPower: (1n << 63n) / 8n })]),
    );
    bad(() => ValidatorSet.create([]));
    bad(() => ValidatorSet.create([val(1, 0)]));
    bad(() => ValidatorSet.restore([val(1, 1), val(1, 2)]));
  });
});
