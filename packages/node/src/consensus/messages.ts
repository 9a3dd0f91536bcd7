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
import { BLOCK_BYTES_MAX, BLOCK_PART_BYTES, BLOCK_PARTS_MAX, TX_BYTES_MAX } from '@lattice/params';
import { LatticeError, readU64be, u64be } from '@lattice/utils';
import type { BlockPart } from './parts.ts';

/** Gossip topics and the block request protocol of one chain: a node of another chain never meets them. */
export function consensusTopics(chainId: string) {
  return {
    proposal: `/lattice/${chainId}/consensus/proposal/2`,
    parts: `/lattice/${chainId}/consensus/block-part/1`,
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

/** A proposal travels alone; its block follows in parts (part messages). */
export function encodeProposalMessage(proposal: Proposal): Uint8Array {
  return toBinary(ProposalSchema, proposal);
}

export function decodeProposalMessage(b: Uint8Array): Proposal {
  return decodeMessage(ProposalSchema, b, CONSENSUS_MSG_BYTES_MAX, 'Proposal');
}

/** A proposal with its whole block, as the consensus WAL keeps it: [u32 len][Proposal][u32 len][block]. */
export function encodeProposalWithBlock(proposal: Proposal, block: Uint8Array): Uint8Array {
  return withLength([toBinary(ProposalSchema, proposal), block]);
}

export function decodeProposalWithBlock(b: Uint8Array): { proposal: Proposal; block: Uint8Array } {
  const parts = splitLength(b, 2, BLOCK_BYTES_MAX);
  if (parts.length !== 2) throw new LatticeError('DECODE_FAILED', 'a proposal record has two parts');
  return { proposal: decodeProposalMessage(parts[0]!), block: parts[1]! };
}

/** A tree of BLOCK_PARTS_MAX leaves is at most this deep. */
const PART_AUNTS_MAX = Math.ceil(Math.log2(BLOCK_PARTS_MAX)) + 1;
const HASH_BYTES = 32;
const PART_PREFIX_BYTES = 8 + 4 + 4 + 1;

export interface PartMessage {
  height: bigint;
  round: number;
  part: BlockPart;
}

/** [u64 height][u32 round][u32 index][u8 aunts][32-byte aunts…][part bytes] */
export function encodePartMessage(m: PartMessage): Uint8Array {
  const { part } = m;
  const out = new Uint8Array(PART_PREFIX_BYTES + part.aunts.length * HASH_BYTES + part.bytes.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, m.height);
  view.setUint32(8, m.round);
  view.setUint32(12, part.index);
  out[16] = part.aunts.length;
  for (const [i, a] of part.aunts.entries()) out.set(a, PART_PREFIX_BYTES + i * HASH_BYTES);
  out.set(part.bytes, PART_PREFIX_BYTES + part.aunts.length * HASH_BYTES);
  return out;
}

export function decodePartMessage(b: Uint8Array): PartMessage {
  if (b.length < PART_PREFIX_BYTES) throw new LatticeError('DECODE_FAILED', 'truncated block part');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const auntCount = b[16]!;
  if (auntCount > PART_AUNTS_MAX) throw new LatticeError('DECODE_FAILED', 'block part proof too long');
  const start = PART_PREFIX_BYTES + auntCount * HASH_BYTES;
  const length = b.length - start;
  if (length < 1 || length > BLOCK_PART_BYTES) throw new LatticeError('DECODE_FAILED', 'block part size');
  const aunts = Array.from({ length: auntCount }, (_, i) =>
    b.subarray(PART_PREFIX_BYTES + i * HASH_BYTES, PART_PREFIX_BYTES + (i + 1) * HASH_BYTES),
  );
  return {
    height: view.getBigUint64(0),
    round: view.getUint32(8),
    part: { index: view.getUint32(12), aunts, bytes: b.subarray(start) },
  };
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
