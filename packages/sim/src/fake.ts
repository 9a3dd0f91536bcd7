import { createHash, createHmac } from 'node:crypto';
import {
  BlockIdFlag,
  type Commit,
  create,
  type Proposal,
  proposalSignBytes,
  SignedMsgType,
  type Validator,
  ValidatorSchema,
  type Vote,
  VoteSchema,
  voteSignBytes,
} from '@lattice/codec';
import { type ProposalValue, ValidatorSet } from '@lattice/consensus';
import { equalBytes, utf8 } from '@lattice/utils';

export const SIM_CHAIN_ID = 'lattice-sim';

/**
 * A keyed hash stands in for ML-DSA: deterministic, about a microsecond, and only the holder of
 * the secret can produce it, so a byzantine node can sign as itself and nobody else.
 */
export interface SimKey {
  index: number;
  secret: Uint8Array;
  address: Uint8Array;
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

export function simKey(index: number): SimKey {
  const secret = sha256(utf8(`lattice-sim-validator-${index}`));
  return { index, secret, address: sha256(secret).subarray(0, 20) };
}

export function fakeSign(key: SimKey, bytes: Uint8Array): Uint8Array {
  return createHmac('sha256', key.secret).update(bytes).digest();
}

/** Equal power for every validator, so byzantine power < 1/3 is simply F < N/3. */
export function simValidatorSet(keys: readonly SimKey[]): ValidatorSet {
  return ValidatorSet.create(
    keys.map((k) => create(ValidatorSchema, { address: k.address, votingPower: 10n })),
  );
}

/** Signature checks against the sim's keys, looked up by address. */
export class FakeVerifier {
  readonly #byAddress = new Map<string, SimKey>();

  constructor(keys: readonly SimKey[]) {
    for (const k of keys) this.#byAddress.set(Buffer.from(k.address).toString('hex'), k);
  }

  #key(validator: Validator): SimKey | undefined {
    return this.#byAddress.get(Buffer.from(validator.address).toString('hex'));
  }

  verifyVote = (vote: Vote, validator: Validator): boolean => {
    const k = this.#key(validator);
    return k !== undefined && equalBytes(vote.signature, fakeSign(k, voteSignBytes(SIM_CHAIN_ID, vote)));
  };

  verifyProposal = (proposal: Proposal, proposer: Validator): boolean => {
    const k = this.#key(proposer);
    return (
      k !== undefined &&
      equalBytes(proposal.signature, fakeSign(k, proposalSignBytes(SIM_CHAIN_ID, proposal)))
    );
  };

  /** The precommits of a commit as votes (sign bytes carry no validator index, so each is rebuilt from its slot). */
  commitVotes(commit: Commit, set: ValidatorSet): Vote[] {
    const votes: Vote[] = [];
    commit.signatures.forEach((sig, index) => {
      if (sig.blockIdFlag !== BlockIdFlag.COMMIT) return;
      const validator = set.getByIndex(index);
      if (validator === undefined) return;
      votes.push(
        create(VoteSchema, {
          type: SignedMsgType.PRECOMMIT,
          height: commit.height,
          round: commit.round,
          blockId: commit.blockId,
          timestamp: sig.timestamp,
          validatorAddress: validator.address,
          validatorIndex: index,
          signature: sig.signature,
        }),
      );
    });
    return votes;
  }

  /** Block sync's check: precommits from > 2/3 of the power for exactly this value. */
  verifyCommit(commit: Commit, value: ProposalValue, set: ValidatorSet): boolean {
    if (commit.blockId === undefined || !equalBytes(commit.blockId.hash, value.hash)) return false;
    let power = 0n;
    for (const vote of this.commitVotes(commit, set)) {
      const validator = set.getByIndex(vote.validatorIndex)!;
      if (this.verifyVote(vote, validator)) power += validator.votingPower;
    }
    return power * 3n > set.totalVotingPower * 2n;
  }
}

const INVALID_MARK = ';invalid';

/** The pseudo-block of (proposer, height, round); `kind` marks byzantine variants. */
export function simValue(
  proposer: number,
  height: bigint,
  round: number,
  kind: 'ok' | 'alt' | 'invalid' = 'ok',
): ProposalValue {
  const bytes = utf8(`h=${height};r=${round};p=${proposer}${kind === 'ok' ? '' : `;${kind}`}`);
  return { hash: sha256(bytes), bytes };
}

/** What an honest node's application accepts: a well-formed block not marked invalid. */
export function isValidValue(value: ProposalValue): boolean {
  if (!equalBytes(sha256(value.bytes), value.hash)) return false;
  return !Buffer.from(value.bytes).toString('latin1').endsWith(INVALID_MARK);
}
