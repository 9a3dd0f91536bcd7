import { type Proposal, proposalSignBytes, SignedMsgType, type Vote, voteSignBytes } from '@lattice/codec';
import { equalBytes, LatticeError } from '@lattice/utils';

/** CometBFT's privval steps: the order of signing within one height and round. */
export const SIGN_STEP_PROPOSAL = 1;
export const SIGN_STEP_PREVOTE = 2;
export const SIGN_STEP_PRECOMMIT = 3;

export interface LastSignRecord {
  height: bigint;
  round: number;
  step: number;
  signBytes: Uint8Array;
  signature: Uint8Array;
}

/** Signs consensus messages for one validator; a remote signer implements the same interface. */
export interface ConsensusSigner {
  readonly address: Uint8Array;
  signVote(vote: Vote): Uint8Array;
  signProposal(proposal: Proposal): Uint8Array;
}

export function voteStep(type: SignedMsgType): number {
  if (type === SignedMsgType.PREVOTE) return SIGN_STEP_PREVOTE;
  if (type === SignedMsgType.PRECOMMIT) return SIGN_STEP_PRECOMMIT;
  throw new LatticeError('INVALID_ARGUMENT', `not a vote type: ${type}`);
}

/**
 * The double-sign guard: never sign at a height/round/step below the last one, nor different
 * bytes at the same one. Re-signing identical bytes returns the stored signature, so a vote
 * replayed after a restart is sent again unchanged.
 */
export class LastSignState {
  #last: LastSignRecord | undefined;

  constructor(last?: LastSignRecord) {
    this.#last = last;
  }

  get last(): LastSignRecord | undefined {
    return this.#last;
  }

  /** The signature to reuse for identical bytes, undefined when signing may go ahead; throws CONSENSUS_DOUBLE_SIGN otherwise. */
  check(height: bigint, round: number, step: number, signBytes: Uint8Array): Uint8Array | undefined {
    const last = this.#last;
    if (last === undefined) return undefined;
    const cmp =
      height !== last.height
        ? height < last.height
          ? -1
          : 1
        : round !== last.round
          ? round - last.round
          : step - last.step;
    if (cmp > 0) return undefined;
    if (cmp === 0 && equalBytes(signBytes, last.signBytes)) return last.signature;
    throw new LatticeError(
      'CONSENSUS_DOUBLE_SIGN',
      cmp < 0 ? 'height/round/step regression' : 'conflicting data at the last signed height/round/step',
      { height: String(height), round, step },
    );
  }

  record(height: bigint, round: number, step: number, signBytes: Uint8Array, signature: Uint8Array): void {
    this.#last = { height, round, step, signBytes, signature };
  }

  /** check + sign + record in one step. */
  sign(
    height: bigint,
    round: number,
    step: number,
    signBytes: Uint8Array,
    sign: (bytes: Uint8Array) => Uint8Array,
  ): Uint8Array {
    const reused = this.check(height, round, step, signBytes);
    if (reused !== undefined) return reused;
    const signature = sign(signBytes);
    this.record(height, round, step, signBytes, signature);
    return signature;
  }
}

/** A signer holding its key in this process, guarded by a LastSignState (restored from the WAL on start). */
export function createLocalSigner(options: {
  chainId: string;
  address: Uint8Array;
  sign: (bytes: Uint8Array) => Uint8Array;
  lastSign?: LastSignState;
}): ConsensusSigner {
  const guard = options.lastSign ?? new LastSignState();
  return {
    address: options.address,
    signVote(vote) {
      const bytes = voteSignBytes(options.chainId, vote);
      return guard.sign(vote.height, vote.round, voteStep(vote.type), bytes, options.sign);
    },
    signProposal(proposal) {
      const bytes = proposalSignBytes(options.chainId, proposal);
      return guard.sign(proposal.height, proposal.round, SIGN_STEP_PROPOSAL, bytes, options.sign);
    },
  };
}
