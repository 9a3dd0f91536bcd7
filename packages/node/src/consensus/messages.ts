import { toBinary } from '@bufbuild/protobuf';
import {
  decodeMessage,
  type Evidence,
  EvidenceSchema,
  type Proposal,
  ProposalSchema,
  type Vote,
  VoteSchema,
} from '@lattice/codec';
import { BLOCK_BYTES_MAX, TX_BYTES_MAX } from '@lattice/params';
import { LatticeError, readU64be, u64be } from '@lattice/utils';

/** Gossip topics and the block request protocol of one chain: a node of another chain never meets them. */
export function consensusTopics(chainId: string) {
  return {
    proposal: `/lattice/${chainId}/consensus/proposal/1`,
    vote: `/lattice/${chainId}/consensus/vote/1`,
    txs: `/lattice/${chainId}/mempool/txs/1`,
    evidence: `/lattice/${chainId}/consensus/evidence/1`,
    blocks: `/lattice/${chainId}/sync/block/1`,
  };
}

/** Votes and proposals are a few KiB (an ML-DSA-65 signature is 3,309 bytes). */
const CONSENSUS_MSG_BYTES_MAX = 16 * 1024;

function u32(b: Uint8Array, at: number): number {
  if (b.length < at + 4) throw new LatticeError('DECODE_FAILED', 'truncated length prefix');
  return new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0);
}

function withLength(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += 4 + p.length;
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

/** Splits [u32 length][bytes]… into its parts; anything malformed is DECODE_FAILED. */
function splitLength(b: Uint8Array, maxParts: number, maxPart: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < b.length) {
    if (out.length >= maxParts) throw new LatticeError('DECODE_FAILED', `more than ${maxParts} parts`);
    const n = u32(b, at);
    if (n > maxPart) throw new LatticeError('DECODE_FAILED', `part of ${n} bytes exceeds ${maxPart}`);
    if (at + 4 + n > b.length) throw new LatticeError('DECODE_FAILED', 'truncated part');
    out.push(b.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

/** A proposal travels with its block (until block parts split large ones). */
export function encodeProposalMessage(proposal: Proposal, block: Uint8Array): Uint8Array {
  return withLength([toBinary(ProposalSchema, proposal), block]);
}

export function decodeProposalMessage(b: Uint8Array): { proposal: Proposal; block: Uint8Array } {
  const parts = splitLength(b, 2, BLOCK_BYTES_MAX);
  if (parts.length !== 2) throw new LatticeError('DECODE_FAILED', 'a proposal message has two parts');
  const proposal = decodeMessage(ProposalSchema, parts[0]!, CONSENSUS_MSG_BYTES_MAX, 'Proposal');
  return { proposal, block: parts[1]! };
}

export function encodeVoteMessage(vote: Vote): Uint8Array {
  return toBinary(VoteSchema, vote);
}

export function decodeVoteMessage(b: Uint8Array): Vote {
  return decodeMessage(VoteSchema, b, CONSENSUS_MSG_BYTES_MAX, 'Vote');
}

/** Duplicate-vote evidence is two votes and a few numbers. */
const EVIDENCE_MSG_BYTES_MAX = 32 * 1024;

export function encodeEvidenceMessage(ev: Evidence): Uint8Array {
  return toBinary(EvidenceSchema, ev);
}

export function decodeEvidenceMessage(b: Uint8Array): Evidence {
  return decodeMessage(EvidenceSchema, b, EVIDENCE_MSG_BYTES_MAX, 'Evidence');
}

/** Txs gossiped in batches: one message per flush instead of one per tx. */
export const TX_BATCH_MAX = 1_024;

export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  return withLength([...txs]);
}

export function decodeTxBatch(b: Uint8Array): Uint8Array[] {
  return splitLength(b, TX_BATCH_MAX, TX_BYTES_MAX);
}

/** Block sync: the request is a height; the answer is [block][commit], or empty when not stored. */
export function encodeBlockRequest(height: number): Uint8Array {
  return u64be(BigInt(height));
}

export function decodeBlockRequest(b: Uint8Array): number {
  if (b.length !== 8) throw new LatticeError('DECODE_FAILED', 'a block request is 8 bytes');
  const h = readU64be(b);
  if (h > BigInt(Number.MAX_SAFE_INTEGER)) throw new LatticeError('DECODE_FAILED', 'height out of range');
  return Number(h);
}

export function encodeBlockResponse(
  found: { block: Uint8Array; commit: Uint8Array } | undefined,
): Uint8Array {
  return found === undefined ? new Uint8Array(0) : withLength([found.block, found.commit]);
}

export function decodeBlockResponse(b: Uint8Array): { block: Uint8Array; commit: Uint8Array } | undefined {
  if (b.length === 0) return undefined;
  const parts = splitLength(b, 2, BLOCK_BYTES_MAX);
  if (parts.length !== 2) throw new LatticeError('DECODE_FAILED', 'a block response has two parts');
  return { block: parts[0]!, commit: parts[1]! };
}
