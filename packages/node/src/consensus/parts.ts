import { merkleProofs, verifyMerkleProof } from '@lattice/codec';
import { BLOCK_PART_BYTES, BLOCK_PARTS_MAX } from '@lattice/params';
import { assert, concatBytes, LatticeError } from '@lattice/utils';

/** How a block is cut: the number of parts and the Merkle root over them (signed in the proposal). */
export interface PartSetHeader {
  total: number;
  hash: Uint8Array;
}

export interface BlockPart {
  index: number;
  bytes: Uint8Array;
  /** Merkle proof of the part under the header's root (aunts, bottom-up). */
  aunts: Uint8Array[];
}

/** Cuts encoded block bytes into BLOCK_PART_BYTES parts, every one with its inclusion proof. */
export function splitBlock(bytes: Uint8Array): { header: PartSetHeader; parts: BlockPart[] } {
  const total = Math.max(1, Math.ceil(bytes.length / BLOCK_PART_BYTES));
  if (total > BLOCK_PARTS_MAX) throw new LatticeError('LIMIT_EXCEEDED', `a block of ${bytes.length} bytes`);
  const chunks = Array.from({ length: total }, (_, i) =>
    bytes.subarray(i * BLOCK_PART_BYTES, Math.min(bytes.length, (i + 1) * BLOCK_PART_BYTES)),
  );
  const { root, aunts } = merkleProofs(chunks);
  return {
    header: { total, hash: root },
    parts: chunks.map((c, index) => ({ index, bytes: c, aunts: aunts[index]! })),
  };
}

export type AddPartResult = 'added' | 'duplicate' | 'invalid';

/**
 * The parts of one proposed block as they arrive: each is checked against the signed header on
 * arrival (so a bad part is pinned on the peer that sent it), and the block is whole once every
 * index is present.
 */
export class PartSet {
  readonly header: PartSetHeader;
  readonly #parts: (Uint8Array | undefined)[];
  #count = 0;

  constructor(header: PartSetHeader) {
    assert(header.total >= 1 && header.total <= BLOCK_PARTS_MAX, 'part count out of range');
    this.header = header;
    this.#parts = new Array(header.total);
  }

  /** A header a proposal may carry: a count within limits and a 32-byte root. */
  static validHeader(h: { total: number; hash: Uint8Array } | undefined): h is PartSetHeader {
    return h !== undefined && h.total >= 1 && h.total <= BLOCK_PARTS_MAX && h.hash.length === 32;
  }

  get complete(): boolean {
    return this.#count === this.header.total;
  }

  add(part: BlockPart): AddPartResult {
    const { total, hash } = this.header;
    if (part.index < 0 || part.index >= total) return 'invalid';
    // Every part but the last is exactly BLOCK_PART_BYTES, so the cut is the same for everyone.
    const last = part.index === total - 1;
    if (
      last
        ? part.bytes.length < 1 || part.bytes.length > BLOCK_PART_BYTES
        : part.bytes.length !== BLOCK_PART_BYTES
    )
      return 'invalid';
    if (this.#parts[part.index] !== undefined) return 'duplicate';
    if (!verifyMerkleProof(hash, part.index, total, part.bytes, part.aunts)) return 'invalid';
    this.#parts[part.index] = part.bytes;
    this.#count++;
    return 'added';
  }

  /** The block bytes; only once complete. */
  assemble(): Uint8Array {
    assert(this.complete, 'assembling an incomplete part set');
    return concatBytes(...(this.#parts as Uint8Array[]));
  }
}
