import { create } from '@bufbuild/protobuf';
import {
  type Block,
  DataSchema,
  dataHashFromTxHashes,
  decodeBlock,
  encodeBlock,
  headerHash,
} from '@lattice/codec';
import { equalBytes } from '@lattice/utils';
import type { CompactBlockMessage } from './messages.ts';
import { type PartSetHeader, partSetHeader } from './parts.ts';

/**
 * Compact proposals. Every tx reaches every node by mempool gossip already, so a proposed block
 * travels without them: the block with empty data and the hash of each tx (32 bytes instead of a
 * few KiB). A receiver rebuilds the block from its mempool, fetching only what it lacks, and
 * checks the result against what the proposer signed: the header hash binds the data hash, which
 * binds the tx hashes; the part set header binds the exact bytes.
 */

/** A block as it is gossiped, for `round`. */
export function toCompact(block: Block, txHashes: Uint8Array[], round: number): CompactBlockMessage {
  const bare = encodeBlock({ ...block, data: create(DataSchema, { txs: [] }) });
  return { height: block.header!.height, round, txHashes, block: bare };
}

/**
 * The bare block of a compact message, if it is the one `blockHash` names: a header with that
 * hash whose data hash is the root of the listed tx hashes, and no txs of its own.
 */
export function openCompact(m: CompactBlockMessage, blockHash: Uint8Array): Block | undefined {
  let block: Block;
  try {
    block = decodeBlock(m.block);
  } catch {
    return undefined;
  }
  const header = block.header;
  if (header === undefined || (block.data?.txs.length ?? 0) !== 0) return undefined;
  if (!equalBytes(headerHash(header), blockHash)) return undefined;
  if (!equalBytes(header.dataHash, dataHashFromTxHashes(m.txHashes))) return undefined;
  return block;
}

/** The whole block from its bare form and txs, if its bytes are cut as `psh` says. */
export function rebuildBlock(
  bare: Block,
  txs: Uint8Array[],
  psh: PartSetHeader,
): { block: Block; bytes: Uint8Array } | undefined {
  const block: Block = { ...bare, data: create(DataSchema, { txs }) };
  const bytes = encodeBlock(block);
  let cut: PartSetHeader;
  try {
    cut = partSetHeader(bytes);
  } catch {
    return undefined;
  }
  return cut.total === psh.total && equalBytes(cut.hash, psh.hash) ? { block, bytes } : undefined;
}
