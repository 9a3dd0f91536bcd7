import { create } from '@bufbuild/protobuf';
import {
  BLOCK_BYTES_MAX,
  BLOCK_EVIDENCE_MAX,
  BLOCK_TXS_MAX,
  COMMIT_BYTES_MAX,
  HEADER_BYTES_MAX,
  VALIDATORS_MAX,
} from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import { checkSize, decodeMessage, encodeMessage } from './decode.ts';
import type { ExecTxResult } from './gen/lattice/abci/v1/types_pb.js';
import { type ConsensusParams, ConsensusParamsSchema } from './gen/lattice/types/v1/params_pb.js';
import {
  type Block,
  type BlockID,
  BlockIDSchema,
  BlockSchema,
  CanonicalProposalSchema,
  CanonicalVoteSchema,
  type Commit,
  CommitSchema,
  type Evidence,
  EvidenceSchema,
  type Header,
  HeaderSchema,
  PartSetHeaderSchema,
  type Proposal,
  type Validator,
  ValidatorSchema,
  type Vote,
} from './gen/lattice/types/v1/types_pb.js';
import { merkleRoot } from './merkle.ts';
import { encodeDeterministicResult } from './results.ts';
import { sha256 } from './sha256.ts';
import { txHash } from './tx.ts';
import { limitRepeated } from './wire.ts';

/** The block hash: SHA-256 of the header's canonical encoding. */
export function headerHash(header: Header): Uint8Array {
  return sha256(encodeMessage(HeaderSchema, header));
}

/** Header.data_hash: Merkle root over the txs' hashes (so a tx's inclusion proof starts from its hash). */
export function dataHash(txs: readonly Uint8Array[]): Uint8Array {
  return dataHashFromTxHashes(txs.map(txHash));
}

/** The same root from tx hashes already known (the proposer has them from admission). */
export function dataHashFromTxHashes(hashes: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(hashes);
}

/** Header.last_commit_hash: SHA-256 of the commit's canonical encoding (binds height, round and block id too). */
export function commitHash(commit: Commit): Uint8Array {
  return sha256(encodeMessage(CommitSchema, commit));
}

/** Header.evidence_hash: Merkle root over each evidence's canonical encoding. */
export function evidenceHash(evidence: readonly Evidence[]): Uint8Array {
  return merkleRoot(evidence.map((e) => encodeMessage(EvidenceSchema, e)));
}

/**
 * Header.validators_hash / next_validators_hash: Merkle root over each validator's address,
 * key and power, in set order. proposer_priority is left out because it changes every round.
 */
export function validatorsHash(validators: readonly Validator[]): Uint8Array {
  return merkleRoot(
    validators.map((v) =>
      encodeMessage(
        ValidatorSchema,
        create(ValidatorSchema, { address: v.address, pubKey: v.pubKey, votingPower: v.votingPower }),
      ),
    ),
  );
}

/** Header.consensus_hash: SHA-256 of the consensus params' canonical encoding. */
export function consensusParamsHash(params: ConsensusParams): Uint8Array {
  return sha256(encodeMessage(ConsensusParamsSchema, params));
}

/**
 * Header.last_results_hash: Merkle root over the deterministic part of each tx result (code,
 * data, gas wanted, gas used), as CometBFT does; log, codespace and events are not hashed.
 */
export function resultsHash(results: readonly ExecTxResult[]): Uint8Array {
  return merkleRoot(results.map(encodeDeterministicResult));
}

const INT64_MAX = (1n << 63n) - 1n;

function signedHeight(height: bigint, what: string): bigint {
  if (height > INT64_MAX) throw new LatticeError('INVALID_ARGUMENT', `${what} height out of range`, { what });
  return height;
}

/**
 * A nil vote may carry no block id or an all-zero one; both sign the same bytes (block id
 * left out). A zero part-set header is left out likewise.
 */
function canonicalBlockId(id: BlockID | undefined): BlockID | undefined {
  if (id === undefined) return undefined;
  const psh = id.partSetHeader;
  const pshZero = psh === undefined || (psh.total === 0 && psh.hash.length === 0);
  if (id.hash.length === 0 && pshZero) return undefined;
  return create(BlockIDSchema, {
    hash: id.hash,
    partSetHeader: pshZero ? undefined : create(PartSetHeaderSchema, { total: psh.total, hash: psh.hash }),
  });
}

export type VoteSignFields = Pick<Vote, 'type' | 'height' | 'round' | 'blockId' | 'timestamp'>;

/** The bytes a validator signs for a vote: the canonical encoding of CanonicalVote. */
export function voteSignBytes(chainId: string, vote: VoteSignFields): Uint8Array {
  return encodeMessage(
    CanonicalVoteSchema,
    create(CanonicalVoteSchema, {
      type: vote.type,
      height: signedHeight(vote.height, 'vote'),
      round: BigInt(vote.round),
      blockId: canonicalBlockId(vote.blockId),
      timestamp: vote.timestamp,
      chainId,
    }),
  );
}

export type ProposalSignFields = Pick<
  Proposal,
  'type' | 'height' | 'round' | 'polRound' | 'blockId' | 'timestamp'
>;

/** The bytes a proposer signs for a proposal: the canonical encoding of CanonicalProposal. */
export function proposalSignBytes(chainId: string, proposal: ProposalSignFields): Uint8Array {
  return encodeMessage(
    CanonicalProposalSchema,
    create(CanonicalProposalSchema, {
      type: proposal.type,
      height: signedHeight(proposal.height, 'proposal'),
      round: BigInt(proposal.round),
      polRound: BigInt(proposal.polRound),
      blockId: canonicalBlockId(proposal.blockId),
      timestamp: proposal.timestamp,
      chainId,
    }),
  );
}

/**
 * Decodes a block canonically. Element counts (txs, evidence, commit signatures) are checked
 * on the raw bytes before decoding, so a block of empty elements cannot allocate millions of
 * objects (DECODE_TOO_LARGE).
 */
export function decodeBlock(bytes: Uint8Array): Block {
  checkSize(bytes, BLOCK_BYTES_MAX, 'Block');
  limitRepeated(bytes, [2, 1], BLOCK_TXS_MAX, 'Block.data.txs');
  limitRepeated(bytes, [3, 1], BLOCK_EVIDENCE_MAX, 'Block.evidence.evidence');
  limitRepeated(bytes, [4, 4], VALIDATORS_MAX, 'Block.last_commit.signatures');
  return decodeMessage(BlockSchema, bytes, BLOCK_BYTES_MAX, 'Block');
}

export function decodeHeader(bytes: Uint8Array): Header {
  return decodeMessage(HeaderSchema, bytes, HEADER_BYTES_MAX, 'Header');
}

export function decodeCommit(bytes: Uint8Array): Commit {
  checkSize(bytes, COMMIT_BYTES_MAX, 'Commit');
  limitRepeated(bytes, [4], VALIDATORS_MAX, 'Commit.signatures');
  return decodeMessage(CommitSchema, bytes, COMMIT_BYTES_MAX, 'Commit');
}
