import {
  type BlockID,
  BlockIDSchema,
  type Commit,
  create,
  PartSetHeaderSchema,
  type Proposal,
  type Validator,
  type Vote,
} from '@lattice/codec';
import { toHex } from '@lattice/utils';
import type { LastSignRecord } from './signer.ts';

/** A proposed block and its hash; the core never looks inside. */
export interface ProposalValue {
  hash: Uint8Array;
  bytes: Uint8Array;
  /**
   * How the proposal's block travels in parts (count and Merkle root of the parts), signed in
   * the proposal's block id so each part can be checked on arrival. Votes name the block by hash.
   */
  partSet?: { total: number; hash: Uint8Array };
}

/** Base + round × delta for each step, and the pause after a decision before the next height. */
export interface ConsensusTimeouts {
  proposeMs: number;
  proposeDeltaMs: number;
  prevoteMs: number;
  prevoteDeltaMs: number;
  precommitMs: number;
  precommitDeltaMs: number;
  commitMs: number;
}

/** `new-height` starts round 0: commitMs after the previous height's round 0 began (the target block interval), at once if that has passed. */
export type TimeoutStep = 'propose' | 'prevote' | 'precommit' | 'new-height';

export type ConsensusEvent =
  | { kind: 'proposal'; proposal: Proposal; value?: ProposalValue }
  | { kind: 'vote'; vote: Vote }
  | { kind: 'timeout'; height: bigint; round: number; step: TimeoutStep }
  | { kind: 'value'; hash: Uint8Array; value: ProposalValue };

/** What must be durable (WAL, fsync) before the broadcast that follows it in the same action list. */
export type PersistRecord =
  | { kind: 'vote'; vote: Vote; lastSigned: LastSignRecord }
  | { kind: 'proposal'; proposal: Proposal; value: ProposalValue; lastSigned: LastSignRecord };

export type Action =
  | { kind: 'persist'; record: PersistRecord }
  | { kind: 'broadcast-proposal'; proposal: Proposal; value: ProposalValue }
  | { kind: 'broadcast-vote'; vote: Vote }
  | { kind: 'schedule-timeout'; height: bigint; round: number; step: TimeoutStep; delayMs: number }
  | { kind: 'decide'; height: bigint; round: number; value: ProposalValue; commit: Commit }
  | { kind: 'evidence'; voteA: Vote; voteB: Vote };

/** Signature checks are injected so the caller can batch, cache or run them off-thread. */
export type VerifyVote = (vote: Vote, validator: Validator) => boolean;
export type VerifyProposal = (proposal: Proposal, proposer: Validator) => boolean;

export function blockIdOf(hash: Uint8Array): BlockID {
  return create(BlockIDSchema, { hash });
}

/** The block id a proposal of `value` carries: its hash and, if it travels in parts, their header. */
export function proposalBlockId(value: ProposalValue): BlockID {
  if (value.partSet === undefined) return blockIdOf(value.hash);
  return create(BlockIDSchema, {
    hash: value.hash,
    partSetHeader: create(PartSetHeaderSchema, { total: value.partSet.total, hash: value.partSet.hash }),
  });
}

/** A nil vote carries no block id or an all-empty one (codec's voteSignBytes treats both alike). */
export function isNilBlockId(id: BlockID | undefined): boolean {
  if (id === undefined) return true;
  const psh = id.partSetHeader;
  return id.hash.length === 0 && (psh === undefined || (psh.total === 0 && psh.hash.length === 0));
}

/** A map key for a block id; '' is nil. */
export function blockKey(id: BlockID | undefined): string {
  if (isNilBlockId(id)) return '';
  const psh = id!.partSetHeader;
  const pshKey =
    psh === undefined || (psh.total === 0 && psh.hash.length === 0) ? '' : `${psh.total}:${toHex(psh.hash)}`;
  return `${toHex(id!.hash)}/${pshKey}`;
}
