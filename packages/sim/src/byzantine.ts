import {
  create,
  type Proposal,
  ProposalSchema,
  proposalSignBytes,
  SignedMsgType,
  timestampFromMs,
  type Vote,
  VoteSchema,
  voteSignBytes,
} from '@lattice/codec';
import { blockIdOf, isNilBlockId } from '@lattice/consensus';
import { fakeSign, SIM_CHAIN_ID, type SimKey, simValue } from './fake.ts';
import type { Delivery, NetMessage } from './messages.ts';
import type { Prng } from './prng.ts';
import type { ByzantineBehaviour } from './scenario.ts';

/** Rounds ahead of its own that a flooding node votes for: near, far, and at the int32 edge. */
const FLOOD_ROUNDS_AHEAD = [5, 60, 5_000, 2 ** 30] as const;

export interface ByzantineNode {
  key: SimKey;
  validatorIndex: number;
  behaviours: readonly ByzantineBehaviour[];
  peers: readonly number[];
}

/** Rewrites one outgoing broadcast of a byzantine node into the deliveries it actually makes. */
export function byzantineDeliveries(node: ByzantineNode, msg: NetMessage, rng: Prng): Delivery[] {
  const b = node.behaviours;
  if (b.includes('silent')) return [];
  if (msg.kind === 'proposal' && b.includes('equivocate-proposal')) {
    const alt = simValue(node.key.index, msg.proposal.height, msg.proposal.round, 'alt');
    const altProposal = signProposal(node.key, msg.proposal, alt.hash);
    // Two halves see two different proposals; the core keeps no evidence of this.
    return rng
      .shuffle(node.peers)
      .map((to, i) =>
        i % 2 === 0 ? { to, msg } : { to, msg: { kind: 'proposal', proposal: altProposal, value: alt } },
      );
  }
  if (msg.kind === 'vote' && b.includes('equivocate-vote')) {
    const v = msg.vote;
    const other = isNilBlockId(v.blockId)
      ? blockIdOf(simValue(node.key.index, v.height, v.round, 'alt').hash)
      : undefined;
    const twin = signVote(node.key, { ...fields(v), blockId: other });
    return node.peers.map((to) => {
      const pick = rng.int(0, 2);
      if (pick === 0) return { to, msg };
      if (pick === 1) return { to, msg: { kind: 'vote', vote: twin } };
      return { to, msg: { kind: 'vote-pair', votes: [v, twin] } };
    });
  }
  return node.peers.map((to) => ({ to, msg }));
}

/** Nil prevotes for rounds far ahead of the node's own, signed as itself. */
export function floodVotes(node: ByzantineNode, height: bigint, round: number, nowMs: bigint): Delivery[] {
  const out: Delivery[] = [];
  for (const ahead of FLOOD_ROUNDS_AHEAD) {
    const r = Math.min(round + ahead, 2 ** 31 - 1);
    const vote = signVote(node.key, {
      type: SignedMsgType.PREVOTE,
      height,
      round: r,
      blockId: undefined,
      timestamp: timestampFromMs(nowMs),
      validatorAddress: node.key.address,
      validatorIndex: node.validatorIndex,
    });
    for (const to of node.peers) out.push({ to, msg: { kind: 'vote', vote } });
  }
  return out;
}

type VoteFields = Pick<
  Vote,
  'type' | 'height' | 'round' | 'blockId' | 'timestamp' | 'validatorAddress' | 'validatorIndex'
>;

function fields(v: Vote): VoteFields {
  return {
    type: v.type,
    height: v.height,
    round: v.round,
    blockId: v.blockId,
    timestamp: v.timestamp,
    validatorAddress: v.validatorAddress,
    validatorIndex: v.validatorIndex,
  };
}

function signVote(key: SimKey, f: VoteFields): Vote {
  const vote = create(VoteSchema, f);
  vote.signature = fakeSign(key, voteSignBytes(SIM_CHAIN_ID, vote));
  return vote;
}

function signProposal(key: SimKey, p: Proposal, hash: Uint8Array): Proposal {
  const out = create(ProposalSchema, {
    type: p.type,
    height: p.height,
    round: p.round,
    polRound: p.polRound,
    blockId: blockIdOf(hash),
    timestamp: p.timestamp,
  });
  out.signature = fakeSign(key, proposalSignBytes(SIM_CHAIN_ID, out));
  return out;
}
