import { create } from '@bufbuild/protobuf';
import type { Misbehaviour } from '@lattice/app';
import {
  DuplicateVoteEvidenceSchema,
  type Evidence,
  EvidenceSchema,
  SignedMsgType,
  type Vote,
  voteSignBytes,
} from '@lattice/codec';
import { blockKey, type DuplicateVote, orderDuplicateVotes, type ValidatorSet } from '@lattice/consensus';
import { SIGN_CONTEXT_VOTE, verifySignature } from '@lattice/crypto';
import { EVIDENCE_MAX_AGE_BLOCKS } from '@lattice/params';
import { equalBytes, LatticeError, toHex } from '@lattice/utils';

/** What evidence is judged against: the chain at the height of the block that would carry it. */
export interface EvidenceContext {
  chainId: string;
  /** Height of the block that carries (or would carry) the evidence. */
  atHeight: bigint;
  initialHeight: bigint;
  /** The validator set at the evidence's height (static until staking changes sets). */
  validatorsAt: (height: bigint) => ValidatorSet;
  /** Whether evidence for this validator and height was already committed. */
  committed: (validator: Uint8Array, height: bigint) => boolean;
}

/** The block evidence for a pair of conflicting votes the consensus engine caught. */
export function evidenceFromVotes(pair: DuplicateVote, set: ValidatorSet): Evidence {
  const v = set.getByIndex(pair.voteA.validatorIndex);
  return create(EvidenceSchema, {
    sum: {
      case: 'duplicateVoteEvidence',
      value: create(DuplicateVoteEvidenceSchema, {
        voteA: pair.voteA,
        voteB: pair.voteB,
        totalVotingPower: set.totalVotingPower,
        validatorPower: v?.votingPower ?? 0n,
      }),
    },
  });
}

/** One evidence per validator and height: the key a block and the pool deduplicate by. */
export function evidenceKey(m: Pick<Misbehaviour, 'validator' | 'height'>): string {
  return `${toHex(m.validator)}/${m.height}`;
}

function sameStep(a: Vote, b: Vote): boolean {
  return a.height === b.height && a.round === b.round && a.type === b.type;
}

/**
 * Checks duplicate-vote evidence completely: two votes by one validator for the same height,
 * round and step but different blocks, in canonical order, both correctly signed, within the
 * maximum age, with the powers of the set at that height, and not committed before. Returns the
 * misbehaviour it proves; anything else is EVIDENCE_INVALID with the reason.
 */
export function verifyEvidence(ev: Evidence, ctx: EvidenceContext): Misbehaviour {
  // `stale` marks evidence that is well formed but not usable here (already committed, too old,
  // or from a height this node has not reached): a peer sending it is not misbehaving.
  const fail = (why: string, stale = false): never => {
    throw new LatticeError('EVIDENCE_INVALID', why, { stale });
  };
  if (ev.sum.case !== 'duplicateVoteEvidence') fail('unknown kind of evidence');
  const d = ev.sum.value!;
  const a = d.voteA ?? fail('vote A is missing');
  const b = d.voteB ?? fail('vote B is missing');
  if (!sameStep(a, b)) fail('the votes are not for the same height, round and step');
  if (a.type !== SignedMsgType.PREVOTE && a.type !== SignedMsgType.PRECOMMIT) fail('not a vote type');
  if (!equalBytes(a.validatorAddress, b.validatorAddress) || a.validatorIndex !== b.validatorIndex)
    fail('the votes are from different validators');
  if (blockKey(a.blockId) === blockKey(b.blockId)) fail('the votes are for the same block');
  if (orderDuplicateVotes(a, b).voteA !== a) fail('the votes are not in canonical order');
  const height = a.height;
  if (height < ctx.initialHeight) fail(`height ${height} is before the chain began`);
  if (height >= ctx.atHeight) fail(`height ${height} is not before ${ctx.atHeight}`, true);
  if (ctx.atHeight - height > BigInt(EVIDENCE_MAX_AGE_BLOCKS))
    fail(`evidence from height ${height} is older than ${EVIDENCE_MAX_AGE_BLOCKS} blocks`, true);
  const set = ctx.validatorsAt(height);
  const v = set.getByIndex(a.validatorIndex);
  if (v === undefined || !equalBytes(v.address, a.validatorAddress)) fail('not a validator at that height');
  if (d.validatorPower !== v!.votingPower || d.totalVotingPower !== set.totalVotingPower)
    fail('the voting powers do not match the validator set');
  for (const vote of [a, b]) {
    const bytes = voteSignBytes(ctx.chainId, vote);
    if (!verifySignature(v!.pubKey!.algorithm, v!.pubKey!.key, bytes, vote.signature, SIGN_CONTEXT_VOTE))
      fail('a vote signature is invalid');
  }
  if (ctx.committed(a.validatorAddress, height))
    fail('evidence for this validator and height is already committed', true);
  return {
    kind: 'duplicate-vote',
    validator: a.validatorAddress,
    height,
    power: v!.votingPower,
    totalPower: set.totalVotingPower,
  };
}
