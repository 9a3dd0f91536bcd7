export {
  ConsensusCore,
  type ConsensusDependencies,
  type ConsensusOptions,
  type ConsensusStep,
} from './core.ts';
export {
  type ConsensusSigner,
  createLocalSigner,
  type LastSignRecord,
  LastSignState,
  SIGN_STEP_PRECOMMIT,
  SIGN_STEP_PREVOTE,
  SIGN_STEP_PROPOSAL,
  voteStep,
} from './signer.ts';
export {
  type Action,
  blockIdOf,
  blockKey,
  type ConsensusEvent,
  type ConsensusTimeouts,
  isNilBlockId,
  type PersistRecord,
  type ProposalValue,
  proposalBlockId,
  type TimeoutStep,
  type VerifyProposal,
  type VerifyVote,
} from './types.ts';
export { ProposerRotation, ValidatorSet } from './validator-set.ts';
export {
  type AddVoteResult,
  type DuplicateVote,
  type Majority,
  orderDuplicateVotes,
  type VoteRejectReason,
  VoteSet,
} from './vote-set.ts';
