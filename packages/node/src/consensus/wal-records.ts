import type { Proposal, Vote } from '@lattice/codec';
import { LatticeError, readU64be, u64be } from '@lattice/utils';
import {
  decodeProposalWithBlock,
  decodeVoteMessage,
  encodeProposalWithBlock,
  encodeVoteMessage,
} from './messages.ts';

/** What the consensus WAL holds: own and received votes and proposals of the current height. */
export type WalRecord =
  | { kind: 'vote'; height: bigint; own: boolean; vote: Vote }
  | { kind: 'proposal'; height: bigint; own: boolean; proposal: Proposal; block: Uint8Array };

const KIND_VOTE = 1;
const KIND_PROPOSAL = 2;
const FLAG_OWN = 1;

/** [kind u8][flags u8][height u64][the vote as gossiped, or the proposal with its block]. */
export function encodeWalRecord(r: WalRecord): Uint8Array {
  const body = r.kind === 'vote' ? encodeVoteMessage(r.vote) : encodeProposalWithBlock(r.proposal, r.block);
  const out = new Uint8Array(10 + body.length);
  out[0] = r.kind === 'vote' ? KIND_VOTE : KIND_PROPOSAL;
  out[1] = r.own ? FLAG_OWN : 0;
  out.set(u64be(r.height), 2);
  out.set(body, 10);
  return out;
}

export function decodeWalRecord(b: Uint8Array): WalRecord {
  if (b.length < 10) throw new LatticeError('WAL_CORRUPT', 'WAL record shorter than its header');
  const own = (b[1]! & FLAG_OWN) !== 0;
  const height = readU64be(b, 2);
  const body = b.subarray(10);
  try {
    if (b[0] === KIND_VOTE) return { kind: 'vote', height, own, vote: decodeVoteMessage(body) };
    if (b[0] === KIND_PROPOSAL) {
      const m = decodeProposalWithBlock(body);
      return { kind: 'proposal', height, own, proposal: m.proposal, block: m.block };
    }
  } catch (e) {
    throw new LatticeError('WAL_CORRUPT', `WAL record does not decode: ${(e as Error).message}`);
  }
  throw new LatticeError('WAL_CORRUPT', `unknown WAL record kind ${b[0]}`);
}
