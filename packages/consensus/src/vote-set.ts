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
import { CONSENSUS_CONFLICTING_VOTES_MAX } from '@lattice/params';
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
  /**
   * A further vote for a different block: returned as evidence (ordered by block id) and, like
   * the paper's message counting, also counted towards that block, so an equivocator cannot hide
   * a quorum one honest node already saw from the others.
   */
  | { status: 'conflict'; evidence: DuplicateVote }
  | { status: 'rejected'; reason: VoteRejectReason };

export type Majority = { kind: 'block'; blockId: BlockID } | { kind: 'nil' };

/**
 * The votes of one (height, round, type), by voting power. Power per block id counts every
 * validator with a valid vote for it (Tendermint counts messages from distinct validators per
 * value); `votedPower` counts each validator once. A validator's conflicting votes beyond
 * CONSENSUS_CONFLICTING_VOTES_MAX distinct block ids are evidence only, keeping memory bounded.
 */
export class VoteSet {
  readonly height: bigint;
  readonly round: number;
  readonly type: SignedMsgType;
  readonly validators: ValidatorSet;
  readonly #verify: VerifyVote;
  readonly #votes: (Vote | undefined)[];
  /** block key → each validator's vote for that block (index-aligned). */
  readonly #byBlock = new Map<string, (Vote | undefined)[]>();
  readonly #blocksPerValidator: number[];
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
    this.#blocksPerValidator = new Array(validators.size).fill(0);
  }

  /** `verified` skips the signature check, for the node's own votes. */
  add(vote: Vote, verified = false): AddVoteResult {
    if (vote.height !== this.height) return reject('wrong-height');
    if (vote.round !== this.round) return reject('wrong-round');
    if (vote.type !== this.type) return reject('wrong-type');
    const validator = this.validators.getByIndex(vote.validatorIndex);
    if (validator === undefined) return reject('unknown-validator');
    if (!equalBytes(validator.address, vote.validatorAddress)) return reject('address-mismatch');
    const index = vote.validatorIndex;
    const existing = this.#votes[index];
    const key = blockKey(vote.blockId);
    // Signatures may be randomised (hedged ML-DSA), so a re-signed identical vote is a duplicate, not evidence.
    if (this.#byBlock.get(key)?.[index] !== undefined) return { status: 'duplicate' };
    if (!verified && !this.#verify(vote, validator)) return reject('bad-signature');
    if (existing === undefined) {
      this.#votes[index] = vote;
      this.#sum += validator.votingPower;
    }
    if (this.#blocksPerValidator[index]! < CONSENSUS_CONFLICTING_VOTES_MAX) {
      this.#blocksPerValidator[index]!++;
      let votes = this.#byBlock.get(key);
      if (votes === undefined)
        this.#byBlock.set(key, (votes = new Array(this.validators.size).fill(undefined)));
      votes[index] = vote;
      const power = (this.#power.get(key) ?? 0n) + validator.votingPower;
      this.#power.set(key, power);
      if (this.#maj23 === undefined && power * 3n > this.validators.totalVotingPower * 2n) {
        this.#maj23 = key === '' ? { kind: 'nil' } : { kind: 'block', blockId: vote.blockId! };
      }
    }
    return existing === undefined
      ? { status: 'added' }
      : { status: 'conflict', evidence: orderDuplicateVotes(existing, vote) };
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
    const forBlock = this.#byBlock.get(blockKey(maj.blockId));
    const forNil = this.#byBlock.get('');
    const signatures = this.#votes.map((_, i) => {
      // Votes for another block cannot be verified against this commit's block id: CometBFT drops them too.
      const v = forBlock?.[i] ?? forNil?.[i];
      if (v === undefined) {
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
export function orderDuplicateVotes(a: Vote, b: Vote): DuplicateVote {
  const ha = a.blockId?.hash ?? new Uint8Array();
  const hb = b.blockId?.hash ?? new Uint8Array();
  const ka = blockKey(a.blockId);
  const kb = blockKey(b.blockId);
  const c = compareBytes(ha, hb) || (ka < kb ? -1 : ka > kb ? 1 : 0);
  return c <= 0 ? { voteA: a, voteB: b } : { voteA: b, voteB: a };
}
