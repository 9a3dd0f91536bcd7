import {
  type BlockID,
  BlockIdFlag,
  type Commit,
  CommitSchema,
  CommitSigSchema,
  create,
  SignedMsgType,
  type Vote,
} from '@lattice/codec';
import { compareBytes, equalBytes } from '@lattice/utils';
import { blockKey, isNilBlockId, type VerifyVote } from './types.ts';
import type { ValidatorSet } from './validator-set.ts';

export type VoteRejectReason =
  | 'wrong-height'
  | 'wrong-round'
  | 'wrong-type'
  | 'unknown-validator'
  | 'address-mismatch'
  | 'bad-signature';

/** Two signed votes from one validator for different block ids at one height, round and type. */
export interface DuplicateVote {
  voteA: Vote;
  voteB: Vote;
}

export type AddVoteResult =
  | { status: 'added' }
  /** The same vote (same block id) was already counted. */
  | { status: 'duplicate' }
  /** A second vote for a different block: not counted, returned as evidence (ordered by block id). */
  | { status: 'conflict'; evidence: DuplicateVote }
  | { status: 'rejected'; reason: VoteRejectReason };

export type Majority = { kind: 'block'; blockId: BlockID } | { kind: 'nil' };

/** The votes of one (height, round, type), each validator counted once, by voting power. */
export class VoteSet {
  readonly height: bigint;
  readonly round: number;
  readonly type: SignedMsgType;
  readonly validators: ValidatorSet;
  readonly #verify: VerifyVote;
  readonly #votes: (Vote | undefined)[];
  readonly #power = new Map<string, bigint>();
  #sum = 0n;
  #maj23: Majority | undefined;

  constructor(
    height: bigint,
    round: number,
    type: SignedMsgType,
    validators: ValidatorSet,
    verify: VerifyVote,
  ) {
    this.height = height;
    this.round = round;
    this.type = type;
    this.validators = validators;
    this.#verify = verify;
    this.#votes = new Array(validators.size).fill(undefined);
  }

  /** `verified` skips the signature check, for the node's own votes. */
  add(vote: Vote, verified = false): AddVoteResult {
    if (vote.height !== this.height) return reject('wrong-height');
    if (vote.round !== this.round) return reject('wrong-round');
    if (vote.type !== this.type) return reject('wrong-type');
    const validator = this.validators.getByIndex(vote.validatorIndex);
    if (validator === undefined) return reject('unknown-validator');
    if (!equalBytes(validator.address, vote.validatorAddress)) return reject('address-mismatch');
    const existing = this.#votes[vote.validatorIndex];
    const key = blockKey(vote.blockId);
    // Signatures may be randomised (hedged ML-DSA), so a re-signed identical vote is a duplicate, not evidence.
    if (existing !== undefined && blockKey(existing.blockId) === key) return { status: 'duplicate' };
    if (!verified && !this.#verify(vote, validator)) return reject('bad-signature');
    if (existing !== undefined) return { status: 'conflict', evidence: orderEvidence(existing, vote) };
    this.#votes[vote.validatorIndex] = vote;
    const power = (this.#power.get(key) ?? 0n) + validator.votingPower;
    this.#power.set(key, power);
    this.#sum += validator.votingPower;
    if (this.#maj23 === undefined && power * 3n > this.validators.totalVotingPower * 2n) {
      this.#maj23 = key === '' ? { kind: 'nil' } : { kind: 'block', blockId: vote.blockId! };
    }
    return { status: 'added' };
  }

  get(validatorIndex: number): Vote | undefined {
    return this.#votes[validatorIndex];
  }

  /** Power of the votes for this block id (nil when undefined). */
  powerFor(blockId: BlockID | undefined): bigint {
    return this.#power.get(blockKey(blockId)) ?? 0n;
  }

  get votedPower(): bigint {
    return this.#sum;
  }

  /** The block id (or nil) that more than 2/3 of the power voted for, if any. */
  hasTwoThirdsMajority(): Majority | undefined {
    return this.#maj23;
  }

  hasTwoThirdsAny(): boolean {
    return this.#sum * 3n > this.validators.totalVotingPower * 2n;
  }

  hasOneThirdAny(): boolean {
    return this.#sum * 3n > this.validators.totalVotingPower;
  }

  /** The commit for a precommit majority: one CommitSig per validator in index order. */
  makeCommit(): Commit | undefined {
    const maj = this.#maj23;
    if (this.type !== SignedMsgType.PRECOMMIT || maj === undefined || maj.kind !== 'block') return undefined;
    const majKey = blockKey(maj.blockId);
    const signatures = this.#votes.map((v) => {
      // Votes for another block cannot be verified against this commit's block id: CometBFT drops them too.
      if (v === undefined || (!isNilBlockId(v.blockId) && blockKey(v.blockId) !== majKey)) {
        return create(CommitSigSchema, { blockIdFlag: BlockIdFlag.ABSENT });
      }
      return create(CommitSigSchema, {
        blockIdFlag: isNilBlockId(v.blockId) ? BlockIdFlag.NIL : BlockIdFlag.COMMIT,
        validatorAddress: v.validatorAddress,
        timestamp: v.timestamp,
        signature: v.signature,
      });
    });
    return create(CommitSchema, { height: this.height, round: this.round, blockId: maj.blockId, signatures });
  }
}

function reject(reason: VoteRejectReason): AddVoteResult {
  return { status: 'rejected', reason };
}

/** Every node orders the pair the same way, so the evidence (and its hash) is the same everywhere. */
function orderEvidence(a: Vote, b: Vote): DuplicateVote {
  const ha = a.blockId?.hash ?? new Uint8Array();
  const hb = b.blockId?.hash ?? new Uint8Array();
  const ka = blockKey(a.blockId);
  const kb = blockKey(b.blockId);
  const c = compareBytes(ha, hb) || (ka < kb ? -1 : ka > kb ? 1 : 0);
  return c <= 0 ? { voteA: a, voteB: b } : { voteA: b, voteB: a };
}
