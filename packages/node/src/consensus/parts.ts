import { merkleRoot } from '@lattice/codec';
import { BLOCK_PART_BYTES, BLOCK_PARTS_MAX } from '@lattice/params';
import { LatticeError } from '@lattice/utils';

/**
 * How a block is cut: the number of BLOCK_PART_BYTES parts and the Merkle root over them, as a
 * proposal signs it and votes name it (CometBFT's PartSetHeader). Blocks no longer gossip part by
 * part (see compact proposals in the reactor), but the header still binds the exact block bytes a
 * proposer built: a receiver that rebuilds the block from its mempool checks it against this.
 */
export interface PartSetHeader {
  total: number;
  hash: Uint8Array;
}

export function partSetHeader(bytes: Uint8Array): PartSetHeader {
  const total = Math.max(1, Math.ceil(bytes.length / BLOCK_PART_BYTES));
  if (total > BLOCK_PARTS_MAX) throw new LatticeError('LIMIT_EXCEEDED', `a block of ${bytes.length} bytes`);
  const chunks = Array.from({ length: total }, (_, i) =>
    bytes.subarray(i * BLOCK_PART_BYTES, Math.min(bytes.length, (i + 1) * BLOCK_PART_BYTES)),
  );
  return { total, hash: merkleRoot(chunks) };
}

/** A header a proposal may carry: a count within limits and a 32-byte root. */
export function validPartSetHeader(h: { total: number; hash: Uint8Array } | undefined): h is PartSetHeader {
  return h !== undefined && h.total >= 1 && h.total <= BLOCK_PARTS_MAX && h.hash.length === 32;
}
