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
import { BLOCK_BYTES_MAX, BLOCK_TXS_MAX, TX_BYTES_MAX } from '@lattice/params';
import { LatticeError, readU64be, u64be } from '@lattice/utils';

/** Gossip topics and the block request protocol of one chain: a node of another chain never meets them. */
export function consensusTopics(chainId: string) {
  return {
    proposal: `/lattice/${chainId}/consensus/proposal/2`,
    compact: `/lattice/${chainId}/consensus/compact-block/1`,
    vote: `/lattice/${chainId}/consensus/vote/1`,
    txs: `/lattice/${chainId}/mempool/txs/1`,
    evidence: `/lattice/${chainId}/consensus/evidence/1`,
    blocks: `/lattice/${chainId}/sync/block/1`,
    blockTxs: `/lattice/${chainId}/consensus/block-txs/1`,
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

/** A proposal travels alone; its block follows as a compact block message. */
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

const HASH_BYTES = 32;
const COMPACT_PREFIX_BYTES = 8 + 4 + 4;

/**
 * A proposed block as it is gossiped: the block without its txs (header, last commit, evidence)
 * and the hash of each tx in order. Receivers take the txs from their mempools, where gossip has
 * already put nearly all of them, and fetch the rest (BlockTxsRequest).
 */
export interface CompactBlockMessage {
  height: bigint;
  round: number;
  txHashes: Uint8Array[];
  /** The encoded Block with empty data. */
  block: Uint8Array;
}

/** [u64 height][u32 round][u32 count][32-byte tx hashes…][block without txs] */
export function encodeCompactBlockMessage(m: CompactBlockMessage): Uint8Array {
  const hashesEnd = COMPACT_PREFIX_BYTES + m.txHashes.length * HASH_BYTES;
  const out = new Uint8Array(hashesEnd + m.block.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, m.height);
  view.setUint32(8, m.round);
  view.setUint32(12, m.txHashes.length);
  for (const [i, h] of m.txHashes.entries()) out.set(h, COMPACT_PREFIX_BYTES + i * HASH_BYTES);
  out.set(m.block, hashesEnd);
  return out;
}

export function decodeCompactBlockMessage(b: Uint8Array): CompactBlockMessage {
  if (b.length < COMPACT_PREFIX_BYTES) throw new LatticeError('DECODE_FAILED', 'truncated compact block');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = view.getUint32(12);
  if (count > BLOCK_TXS_MAX) throw new LatticeError('DECODE_FAILED', `${count} tx hashes`);
  const hashesEnd = COMPACT_PREFIX_BYTES + count * HASH_BYTES;
  if (b.length <= hashesEnd) throw new LatticeError('DECODE_FAILED', 'truncated compact block');
  return {
    height: view.getBigUint64(0),
    round: view.getUint32(8),
    txHashes: Array.from({ length: count }, (_, i) =>
      b.subarray(COMPACT_PREFIX_BYTES + i * HASH_BYTES, COMPACT_PREFIX_BYTES + (i + 1) * HASH_BYTES),
    ),
    block: b.subarray(hashesEnd),
  };
}

/**
 * Txs of a proposed block asked for by index: the ones a node's mempool did not have. The block
 * hash lets a peer that has already committed the height answer from its block store.
 */
export interface BlockTxsRequest {
  height: bigint;
  round: number;
  blockHash: Uint8Array;
  indexes: number[];
}

const TXS_REQUEST_PREFIX_BYTES = 8 + 4 + HASH_BYTES;

/** [u64 height][u32 round][32-byte block hash][u32 index…] */
export function encodeBlockTxsRequest(r: BlockTxsRequest): Uint8Array {
  const out = new Uint8Array(TXS_REQUEST_PREFIX_BYTES + 4 * r.indexes.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, r.height);
  view.setUint32(8, r.round);
  out.set(r.blockHash, 12);
  for (const [i, index] of r.indexes.entries()) view.setUint32(TXS_REQUEST_PREFIX_BYTES + 4 * i, index);
  return out;
}

export function decodeBlockTxsRequest(b: Uint8Array): BlockTxsRequest {
  if (b.length < TXS_REQUEST_PREFIX_BYTES || (b.length - TXS_REQUEST_PREFIX_BYTES) % 4 !== 0)
    throw new LatticeError('DECODE_FAILED', 'malformed block txs request');
  const count = (b.length - TXS_REQUEST_PREFIX_BYTES) / 4;
  if (count > BLOCK_TXS_MAX) throw new LatticeError('DECODE_FAILED', `${count} tx indexes`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    height: view.getBigUint64(0),
    round: view.getUint32(8),
    blockHash: b.slice(12, TXS_REQUEST_PREFIX_BYTES),
    indexes: Array.from({ length: count }, (_, i) => view.getUint32(TXS_REQUEST_PREFIX_BYTES + 4 * i)),
  };
}

/** The answer: each asked-for tx in request order, empty where the node does not have it. */
export function encodeBlockTxsResponse(txs: readonly Uint8Array[]): Uint8Array {
  return withLength([...txs]);
}

export function decodeBlockTxsResponse(b: Uint8Array): Uint8Array[] {
  return splitLength(b, BLOCK_TXS_MAX, TX_BYTES_MAX);
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
