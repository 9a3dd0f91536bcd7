import type { Commit, Proposal, Vote } from '@lattice/codec';
import type { ProposalValue } from '@lattice/consensus';

/** What travels between simulated nodes. */
export type NetMessage =
  | { kind: 'proposal'; proposal: Proposal; value: ProposalValue }
  | { kind: 'vote'; vote: Vote }
  /** An equivocating pair handed to the receiver back to back, so it must yield evidence there. */
  | { kind: 'vote-pair'; votes: [Vote, Vote] }
  /** Block sync: a decided value with its commit, served to a node that is behind. */
  | { kind: 'sync'; height: bigint; value: ProposalValue; commit: Commit };

export interface Delivery {
  to: number;
  msg: NetMessage;
}
