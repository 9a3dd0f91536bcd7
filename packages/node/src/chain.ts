import { create, toBinary } from '@bufbuild/protobuf';
import type { Genesis, LatticeApp } from '@lattice/app';
import {
  type Block,
  BlockIDSchema,
  BlockIdFlag,
  type BlockResults,
  BlockResultsSchema,
  BlockSchema,
  type Commit,
  CommitSchema,
  CommitSigSchema,
  ConsensusSchema,
  commitHash,
  DataSchema,
  dataHashFromTxHashes,
  decodeBlock,
  decodeCommit,
  decodeMessage,
  EvidenceListSchema,
  type ExecTxResult,
  encodeBlock,
  encodeBlockResults,
  evidenceHash,
  type Header,
  HeaderSchema,
  headerHash,
  PubKeySchema,
  resultsHash,
  SignedMsgType,
  timestampFromMs,
  timestampToMs,
  txHash,
  type Validator,
  ValidatorSchema,
  validatorsHash,
  voteSignBytes,
} from '@lattice/codec';
import {
  addressBytesFromPublicKey,
  type PrivateKey,
  SIGN_CONTEXT_VOTE,
  verifySignature,
} from '@lattice/crypto';
import { BLOCK_TXS_MAX } from '@lattice/params';
import type { Store } from '@lattice/store';
import { assert, equalBytes, LatticeError, type Logger, toHex } from '@lattice/utils';
import type { Mempool } from './mempool.ts';

export const BLOCK_PROTOCOL_VERSION = 1n;
export const APP_PROTOCOL_VERSION = 1n;
/** Space a block needs besides its txs: header, last commit and framing. */
const BLOCK_OVERHEAD_BYTES = 64 * 1024;

export interface CommittedBlock {
  height: number;
  hash: Uint8Array;
  block: Block;
  blockBytes: number;
  commit: Commit;
  results: ExecTxResult[];
  appHash: Uint8Array;
  txHashes: Uint8Array[];
  execMs: number;
  commitMs: number;
}

export interface ChainDeps {
  store: Store;
  app: LatticeApp;
  mempool: Mempool;
  genesis: Genesis;
  /** The consensus key; absent on a node that only follows. */
  validatorKey: PrivateKey | undefined;
  logger: Logger;
  /** Called after each block is durably committed, in height order. */
  onCommit?: (b: CommittedBlock) => void;
}

/**
 * The single-validator block path: build a proposal from the mempool, sign the precommit that
 * commits it, execute it, and persist block, commit, results, tx index and state in one LMDB
 * transaction. The BFT engine replaces only how the commit is obtained.
 */
export class Chain {
  readonly #store: Store;
  readonly #app: LatticeApp;
  readonly #mempool: Mempool;
  readonly #genesis: Genesis;
  readonly #key: PrivateKey | undefined;
  readonly #log: Logger;
  readonly #onCommit: ((b: CommittedBlock) => void) | undefined;
  readonly validators: Validator[];
  readonly #validatorsHash: Uint8Array;
  #lastBlockId = create(BlockIDSchema, {});
  #lastCommit: Commit | undefined;
  #lastResultsHash: Uint8Array;
  #lastTimeMs: bigint;
  #height: number;

  constructor(deps: ChainDeps) {
    this.#store = deps.store;
    this.#app = deps.app;
    this.#mempool = deps.mempool;
    this.#genesis = deps.genesis;
    this.#key = deps.validatorKey;
    this.#log = deps.logger;
    this.#onCommit = deps.onCommit;
    this.validators = deps.genesis.validators.map((v) =>
      create(ValidatorSchema, {
        address: addressBytesFromPublicKey(v.alg, v.publicKey),
        pubKey: create(PubKeySchema, { algorithm: v.alg, key: v.publicKey }),
        votingPower: v.power,
        proposerPriority: 0n,
      }),
    );
    this.#validatorsHash = validatorsHash(this.validators);
    this.#lastResultsHash = resultsHash([]);
    this.#lastTimeMs = deps.genesis.genesisTimeMs;
    this.#height = this.#store.blocks.latestHeight();
    this.#loadTip();
  }

  get height(): number {
    return this.#height;
  }

  get isValidator(): boolean {
    return (
      this.#key !== undefined && this.validators.some((v) => equalBytes(v.address, this.#validatorAddress()))
    );
  }

  #validatorAddress(): Uint8Array {
    assert(this.#key !== undefined, 'no validator key');
    return addressBytesFromPublicKey(this.#key.alg, this.#key.publicKey);
  }

  /** Restores the tip (last block id, commit, results hash, time) and checks app and store agree. */
  #loadTip(): void {
    const h = this.#height;
    const appHeight = this.#app.info().lastHeight;
    if (h === 0) {
      assert(
        appHeight === this.#genesis.initialHeight - 1,
        `app at height ${appHeight} but no blocks stored`,
      );
      return;
    }
    if (appHeight !== h) {
      throw new LatticeError(
        'STATE_CORRUPT',
        `block store is at height ${h} but app state is at ${appHeight}`,
      );
    }
    const block = this.blockAt(h);
    const commit = this.commitAt(h);
    assert(block && commit, `block or commit missing at tip ${h}`);
    this.#lastBlockId = create(BlockIDSchema, { hash: headerHash(block.header!) });
    this.#lastCommit = commit;
    this.#lastTimeMs = timestampToMs(block.header!.time!);
    const results = this.resultsAt(h);
    assert(results !== undefined, `results missing at tip ${h}`);
    this.#lastResultsHash = resultsHash(results.txResults);
  }

  blockAt(height: number): Block | undefined {
    const raw = this.#store.blocks.getBlock(height);
    return raw === undefined ? undefined : decodeBlock(raw);
  }

  commitAt(height: number): Commit | undefined {
    const raw = this.#store.blocks.getCommit(height);
    return raw === undefined ? undefined : decodeCommit(raw);
  }

  resultsAt(height: number): BlockResults | undefined {
    const raw = this.#store.results.get(height);
    return raw === undefined
      ? undefined
      : decodeMessage(BlockResultsSchema, raw, Number.MAX_SAFE_INTEGER, 'BlockResults');
  }

  /** Builds, signs, executes and commits the next block. */
  async produceBlock(nowMs: bigint): Promise<CommittedBlock> {
    assert(this.isValidator, 'produceBlock on a node that is not the validator');
    const height = this.#height + 1;
    // Block time is monotonic even if the wall clock steps back.
    const timeMs = nowMs > this.#lastTimeMs ? nowMs : this.#lastTimeMs + 1n;
    const maxBytes = this.#genesis.maxBlockBytes - BLOCK_OVERHEAD_BYTES;
    const reaped = this.#mempool.reap(maxBytes, this.#genesis.maxBlockGas, BLOCK_TXS_MAX);
    const { txs } = this.#app.prepareProposal({ txs: reaped.map((t) => t.bytes), maxBytes });
    const known = new Map(reaped.map((t) => [t.bytes, t.hash]));
    const header = this.#header(
      height,
      timeMs,
      txs.map((b) => known.get(b) ?? txHash(b)),
    );
    const block = create(BlockSchema, {
      header,
      data: create(DataSchema, { txs }),
      evidence: create(EvidenceListSchema, {}),
      lastCommit: this.#lastCommit,
    });
    const hash = headerHash(header);
    const commit = this.#signCommit(height, hash, timeMs);
    return this.#execute(block, hash, commit);
  }

  #header(height: number, timeMs: bigint, txHashes: Uint8Array[]): Header {
    return create(HeaderSchema, {
      version: create(ConsensusSchema, { block: BLOCK_PROTOCOL_VERSION, app: APP_PROTOCOL_VERSION }),
      chainId: this.#genesis.chainId,
      height: BigInt(height),
      time: timestampFromMs(timeMs),
      lastBlockId: this.#lastBlockId,
      lastCommitHash: this.#lastCommit ? commitHash(this.#lastCommit) : new Uint8Array(0),
      dataHash: dataHashFromTxHashes(txHashes),
      validatorsHash: this.#validatorsHash,
      nextValidatorsHash: this.#validatorsHash,
      consensusHash: new Uint8Array(0),
      appHash: this.#app.appHash,
      lastResultsHash: this.#lastResultsHash,
      evidenceHash: evidenceHash([]),
      proposerAddress: this.#validatorAddress(),
    });
  }

  /** The validator's precommit for this block, as the one signature of its commit. */
  #signCommit(height: number, hash: Uint8Array, timeMs: bigint): Commit {
    const blockId = create(BlockIDSchema, { hash });
    const timestamp = timestampFromMs(timeMs);
    const signBytes = voteSignBytes(this.#genesis.chainId, {
      type: SignedMsgType.PRECOMMIT,
      height: BigInt(height),
      round: 0,
      blockId,
      timestamp,
    });
    const signature = this.#key!.sign(signBytes, SIGN_CONTEXT_VOTE);
    return create(CommitSchema, {
      height: BigInt(height),
      round: 0,
      blockId,
      signatures: [
        create(CommitSigSchema, {
          blockIdFlag: BlockIdFlag.COMMIT,
          validatorAddress: this.#validatorAddress(),
          timestamp,
          signature,
        }),
      ],
    });
  }

  /** Checks that a commit carries > 2/3 of the voting power of valid precommits for `hash`. */
  verifyCommit(height: number, hash: Uint8Array, commit: Commit): void {
    if (commit.height !== BigInt(height) || !equalBytes(commit.blockId?.hash ?? new Uint8Array(0), hash)) {
      throw new LatticeError('BLOCK_INVALID', `commit is for another block than ${toHex(hash)} at ${height}`);
    }
    let total = 0n;
    let signed = 0n;
    for (const v of this.validators) total += v.votingPower;
    for (const sig of commit.signatures) {
      if (sig.blockIdFlag !== BlockIdFlag.COMMIT) continue;
      const v = this.validators.find((x) => equalBytes(x.address, sig.validatorAddress));
      if (!v?.pubKey) throw new LatticeError('BLOCK_INVALID', 'commit signed by an unknown validator');
      const bytes = voteSignBytes(this.#genesis.chainId, {
        type: SignedMsgType.PRECOMMIT,
        height: commit.height,
        round: commit.round,
        blockId: commit.blockId,
        timestamp: sig.timestamp,
      });
      if (!verifySignature(v.pubKey.algorithm, v.pubKey.key, bytes, sig.signature, SIGN_CONTEXT_VOTE)) {
        throw new LatticeError('BLOCK_INVALID', `invalid precommit signature from ${toHex(v.address)}`);
      }
      signed += v.votingPower;
    }
    if (signed * 3n <= total * 2n) {
      throw new LatticeError(
        'BLOCK_INVALID',
        `commit has ${signed} of ${total} voting power, needs more than 2/3`,
      );
    }
  }

  async #execute(block: Block, hash: Uint8Array, commit: Commit): Promise<CommittedBlock> {
    const header = block.header!;
    const height = Number(header.height);
    const txs = block.data!.txs;
    await this.#app.preverifyBlock(txs);
    // From here to onCommit everything is synchronous: no admission work interleaves with the
    // block, and the mempool recheck sees the new state in the same step as the commit.
    const t0 = performance.now();
    const { txResults, txHashes, appHash } = this.#app.finalizeBlock({
      height,
      timeMs: timestampToMs(header.time!),
      txs,
    });
    const t1 = performance.now();
    const blockBytes = encodeBlock(block);
    const commitBytes = toBinary(CommitSchema, commit);
    const resultsBytes = encodeBlockResults(BigInt(height), txResults, appHash);
    try {
      this.#store.transaction(() => {
        this.#store.blocks.put({ height, hash, block: blockBytes, commit: commitBytes });
        this.#store.results.put(height, resultsBytes);
        for (const [index, h] of txHashes.entries()) this.#store.txIndex.put(h, { height, index });
        this.#app.commit();
      });
    } catch (e) {
      this.#app.abortPending();
      throw e;
    }
    const t2 = performance.now();
    this.#height = height;
    this.#lastBlockId = create(BlockIDSchema, { hash });
    this.#lastCommit = commit;
    this.#lastResultsHash = resultsHash(txResults);
    this.#lastTimeMs = timestampToMs(header.time!);
    const committed: CommittedBlock = {
      height,
      hash,
      block,
      blockBytes: blockBytes.length,
      commit,
      results: txResults,
      appHash,
      txHashes,
      execMs: t1 - t0,
      commitMs: t2 - t1,
    };
    this.#log.debug('committed block', {
      height,
      txs: txs.length,
      execMs: Math.round(t1 - t0),
      commitMs: Math.round(t2 - t1),
    });
    this.#onCommit?.(committed);
    return committed;
  }
}
