import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockIdFlag, SignedMsgType } from '@lattice/codec';
import { toHex } from '@lattice/utils';
import { VoteSet } from '../src/index.ts';
import { key, makeValidators, signedVote, valueFor, verifier } from './harness.ts';

const { set, keys } = makeValidators([10, 10, 10, 10]);
const { verifyVote } = verifier(keys);
const k = [0, 1, 2, 3].map(key);
const A = valueFor(1n, 0, 'A');
const B = valueFor(1n, 0, 'B');
const prevotes = () => new VoteSet(1n, 0, SignedMsgType.PREVOTE, set, verifyVote);
// null is a nil vote (undefined would pick the default).
const pv = (i: number, v: typeof A | null = A) =>
  signedVote(set, k[i]!, SignedMsgType.PREVOTE, 1n, 0, v ?? undefined);

describe('VoteSet', () => {
  it('reports a block majority only above 2/3 of the power', () => {
    const vs = prevotes();
    assert.equal(vs.add(pv(0)).status, 'added');
    assert.equal(vs.add(pv(1)).status, 'added');
    assert.equal(vs.hasOneThirdAny(), true);
    assert.equal(vs.hasTwoThirdsAny(), false);
    assert.equal(vs.hasTwoThirdsMajority(), undefined);
    assert.equal(vs.add(pv(2)).status, 'added');
    const maj = vs.hasTwoThirdsMajority();
    assert.equal(maj?.kind, 'block');
    assert.equal(maj?.kind === 'block' && toHex(maj.blockId.hash), toHex(A.hash));
    assert.equal(vs.powerFor(pv(0).blockId), 30n);
  });

  it('reports a nil majority, and two-thirds-any without a majority', () => {
    const nil = prevotes();
    for (const i of [0, 1, 2]) nil.add(pv(i, null));
    assert.deepEqual(nil.hasTwoThirdsMajority(), { kind: 'nil' });
    const split = prevotes();
    split.add(pv(0, A));
    split.add(pv(1, B));
    split.add(pv(2, null));
    assert.equal(split.hasTwoThirdsAny(), true);
    assert.equal(split.hasTwoThirdsMajority(), undefined);
  });

  it('ignores an identical vote and returns a conflicting one as ordered evidence', () => {
    const vs = prevotes();
    assert.equal(vs.add(pv(0, A)).status, 'added');
    assert.equal(vs.add(pv(0, A)).status, 'duplicate');
    const r = vs.add(pv(0, B));
    assert.equal(r.status, 'conflict');
    if (r.status !== 'conflict') return;
    const hashes = [r.evidence.voteA, r.evidence.voteB].map((v) => toHex(v.blockId!.hash));
    assert.deepEqual(hashes, [toHex(A.hash), toHex(B.hash)].sort());
    assert.equal(vs.votedPower, 10n, 'a validator counts once towards any-votes');
    assert.equal(vs.powerFor(pv(0, A).blockId), 10n);
    assert.equal(vs.powerFor(pv(0, B).blockId), 10n, 'but its conflicting vote counts for B too');
    const other = prevotes();
    other.add(pv(0, B));
    const r2 = other.add(pv(0, A));
    assert.deepEqual(r2, r, 'both orders of arrival give the same evidence');
  });

  it('lets a quorum that includes an equivocator be seen by every node, whatever vote arrived first', () => {
    // Validator 0 is byzantine: prevotes A to one node and B to another. 0,1,2 for A is a quorum.
    const first = prevotes();
    const second = prevotes();
    first.add(pv(0, A));
    second.add(pv(0, B));
    for (const vs of [first, second]) {
      vs.add(pv(1, A));
      vs.add(pv(2, A));
    }
    assert.equal(
      second.hasTwoThirdsMajority(),
      undefined,
      'without the conflicting vote there is no quorum for A',
    );
    assert.equal(second.add(pv(0, A)).status, 'conflict');
    for (const vs of [first, second]) {
      const maj = vs.hasTwoThirdsMajority();
      assert.equal(maj?.kind === 'block' && toHex(maj.blockId.hash), toHex(A.hash));
      assert.equal(vs.powerFor(pv(0, A).blockId), 30n);
    }
  });

  it('rejects bad signatures, non-validators, mismatched addresses and wrong height/round/type', () => {
    const vs = prevotes();
    const bad = pv(0);
    bad.signature = new Uint8Array(32);
    assert.deepEqual(vs.add(bad), { status: 'rejected', reason: 'bad-signature' });
    const outsider = pv(1);
    outsider.validatorIndex = 7;
    assert.deepEqual(vs.add(outsider), { status: 'rejected', reason: 'unknown-validator' });
    const swapped = pv(1);
    swapped.validatorIndex = pv(2).validatorIndex;
    assert.deepEqual(vs.add(swapped), { status: 'rejected', reason: 'address-mismatch' });
    assert.deepEqual(vs.add(signedVote(set, k[0]!, SignedMsgType.PREVOTE, 2n, 0, A)), {
      status: 'rejected',
      reason: 'wrong-height',
    });
    assert.deepEqual(vs.add(signedVote(set, k[0]!, SignedMsgType.PREVOTE, 1n, 1, A)), {
      status: 'rejected',
      reason: 'wrong-round',
    });
    assert.deepEqual(vs.add(signedVote(set, k[0]!, SignedMsgType.PRECOMMIT, 1n, 0, A)), {
      status: 'rejected',
      reason: 'wrong-type',
    });
    assert.equal(vs.votedPower, 0n);
    // A forged conflicting vote is rejected before it could become evidence.
    vs.add(pv(0, A));
    const forged = pv(0, B);
    forged.signature = new Uint8Array(32);
    assert.deepEqual(vs.add(forged), { status: 'rejected', reason: 'bad-signature' });
  });

  it('builds a commit ordered by validator index with commit, nil and absent flags', () => {
    const vs = new VoteSet(1n, 0, SignedMsgType.PRECOMMIT, set, verifyVote);
    const pc = (i: number, v: typeof A | undefined) =>
      signedVote(set, k[i]!, SignedMsgType.PRECOMMIT, 1n, 0, v);
    assert.equal(vs.makeCommit(), undefined);
    const byIndex = (i: number) => k.findIndex((x) => toHex(x.address) === toHex(set.getByIndex(i)!.address));
    vs.add(pc(byIndex(0), A));
    vs.add(pc(byIndex(1), A));
    vs.add(pc(byIndex(2), A));
    vs.add(pc(byIndex(3), undefined));
    const commit = vs.makeCommit()!;
    assert.equal(commit.height, 1n);
    assert.equal(toHex(commit.blockId!.hash), toHex(A.hash));
    assert.deepEqual(
      commit.signatures.map((s) => s.blockIdFlag),
      [BlockIdFlag.COMMIT, BlockIdFlag.COMMIT, BlockIdFlag.COMMIT, BlockIdFlag.NIL],
    );
    commit.signatures.forEach((s, i) => {
      assert.equal(toHex(s.validatorAddress), toHex(set.getByIndex(i)!.address));
    });
  });
});
