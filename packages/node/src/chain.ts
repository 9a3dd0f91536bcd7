import { create, toBinary } from '@bufbuild/protobuf';
import type { FinalizeBlockResult, Genesis, LatticeApp, Misbehaviour } from '@lattice/app';
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
  type Evidence,
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
import { ValidatorSet } from '@lattice/consensus';
import { addressBytesFromPublicKey, type PrivateKey, SIGN_CONTEXT_VOTE } from '@lattice/crypto';
import { BLOCK_EVIDENCE_MAX, BLOCK_TXS_MAX } from '@lattice/params';
import type { Store } from '@lattice/store';
import { assert, equalBytes, LatticeError, type Logger, toHex } from '@lattice/utils';
import { VerifiedSignatures } from './consensus/verified-signatures.ts';
import { type EvidenceContext, evidenceKey, verifyEvidence } from './evidence.ts';
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
  /** Whether the mempool must be rechecked against the new state (the app could not keep its check state). */
  recheck: boolean;
  execMs: number;
  commitMs: number;
  /** Whether the block was executed before its decision (Chain.speculate). */
  speculated: boolean;
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
  /**
   * Resolves once none of these txs is still in mempool admission (undefined: none is). A block
   * runs only after its txs' admission has ended (TxIngress.settled).
   */
  txsSettled?: (txs: readonly Uint8Array[]) => Promise<void> | undefined;
}

/** A block as proposed: the decoded block, its encoding (the consensus value) and its hash. */
export interface ProposedBlock {
  block: Block;
  bytes: Uint8Array;
  hash: Uint8Array;
  /** The hash of each tx, in block order. */
  txHashes: Uint8Array[];
}

/**
 * The block path shared by the single validator and the BFT engine: build a block from the
 * mempool (buildBlock), check a proposed one before voting for it (checkBlock), and commit a
 * decided block with its commit: execute it and persist block, commit, results, tx index and
 * state in one LMDB transaction. Only how the commit is obtained differs: the single validator
 * signs it alone (produceBlock), the BFT engine collects > 2/3 of the precommits.
 */
export class Chain {
  readonly #store: Store;
  readonly #app: LatticeApp;
  readonly #mempool: Mempool;
  readonly #genesis: Genesis;
  readonly #key: PrivateKey | undefined;
  readonly #log: Logger;
  readonly #onCommit: ((b: CommittedBlock) => void) | undefined;
  readonly #txsSettled: ChainDeps['txsSettled'];
  readonly validators: Validator[];
  /** The genesis set (no validator changes until staking); proposer priorities start here. */
  readonly validatorSet: ValidatorSet;
  readonly #validatorsHash: Uint8Array;
  /** Consensus signatures this node has verified (gossiped votes, commits), shared with the reactor. */
  readonly signatures = new VerifiedSignatures();
  #lastBlockId = create(BlockIDSchema, {});
  #lastCommit: Commit | undefined;
  #lastResultsHash: Uint8Array;
  #lastTimeMs: bigint;
  #height: number;
  #commitQueue: Promise<unknown> = Promise.resolve();
  /** Tx hashes by the bytes object they were computed from (weak: gone with the bytes). */
  readonly #txHashes = new WeakMap<Uint8Array, Uint8Array>();
  readonly #dataHashChecked = new WeakSet<Block>();
  /** The last block checkBlock passed, at the height it was checked for. */
  #checked: { block: Block; height: number; misbehaviour: Misbehaviour[] } | undefined;
  /** A block being executed, or executed, ahead of its decision (see speculate()). */
  #speculation: Speculation | undefined;
  /** A commit is running: it owns the app until it ends. */
  #committing = false;

  constructor(deps: ChainDeps) {
    this.#store = deps.store;
    this.#app = deps.app;
    this.#mempool = deps.mempool;
    this.#genesis = deps.genesis;
    this.#key = deps.validatorKey;
    this.#log = deps.logger;
    this.#onCommit = deps.onCommit;
    this.#txsSettled = deps.txsSettled;
    this.validatorSet = ValidatorSet.create(
      deps.genesis.validators.map((v) =>
        create(ValidatorSchema, {
          address: addressBytesFromPublicKey(v.alg, v.publicKey),
          pubKey: create(PubKeySchema, { algorithm: v.alg, key: v.publicKey }),
          votingPower: v.power,
          proposerPriority: 0n,
        }),
      ),
    );
    this.validators = [...this.validatorSet.validators];
    this.#validatorsHash = validatorsHash(this.validators);
    this.#lastResultsHash = resultsHash([]);
    this.#lastTimeMs = deps.genesis.genesisTimeMs;
    this.#height = this.#store.blocks.latestHeight();
    this.#loadTip();
  }

  get height(): number {
    return this.#height;
  }

  /** The commit of the latest block, which the next block carries as its last commit. */
  get lastCommit(): Commit | undefined {
    return this.#lastCommit;
  }

  get chainId(): string {
    return this.#genesis.chainId;
  }

  get initialHeight(): number {
    return this.#genesis.initialHeight;
  }

  /** Room for txs in a block: the chain's block limit less header, last commit and framing. */
  get #txBytesMax(): number {
    return this.#genesis.maxBlockBytes - BLOCK_OVERHEAD_BYTES;
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
    this.#app.setLastBlockTime(this.#lastTimeMs);
    const results = this.resultsAt(h);
    assert(results !== undefined, `results missing at tip ${h}`);
    this.#lastResultsHash = resultsHash(results.txResults);
  }

  /** A stored block and its commit as encoded, for peers that sync from this node. */
  rawBlockAndCommit(height: number): { block: Uint8Array; commit: Uint8Array } | undefined {
    const block = this.#store.blocks.getBlock(height);
    const commit = this.#store.blocks.getCommit(height);
    return block === undefined || commit === undefined ? undefined : { block, commit };
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

  /** Builds, signs, executes and commits the next block (the single-validator path). */
  async produceBlock(nowMs: bigint, maxTxBytes?: number): Promise<CommittedBlock> {
    assert(this.isValidator, 'produceBlock on a node that is not the validator');
    this.#dropSpeculation();
    const p = this.buildBlock(this.#validatorAddress(), maxTxBytes);
    // The precommit's timestamp is the signer's clock; the next block's time derives from it.
    const commitTimeMs = nowMs > this.#lastTimeMs ? nowMs : this.#lastTimeMs + 1n;
    const commit = this.#signCommit(Number(p.block.header!.height), p.hash, commitTimeMs);
    return this.#execute(p.block, p.hash, commit);
  }

  /**
   * The next block from the mempool, as `proposer` proposes it. `maxBytes` caps the txs below
   * the chain's limit (the BFT engine gossips a proposal as one message until block parts).
   */
  buildBlock(
    proposer: Uint8Array,
    maxBytes = this.#txBytesMax,
    evidence: readonly Evidence[] = [],
  ): ProposedBlock {
    const height = this.#height + 1;
    maxBytes = Math.min(maxBytes, this.#txBytesMax);
    const reaped = this.#mempool.reap(maxBytes, this.#genesis.maxBlockGas, BLOCK_TXS_MAX);
    const { txs } = this.#app.prepareProposal({ txs: reaped.map((t) => t.bytes), maxBytes });
    for (const t of reaped) this.noteTxHash(t.bytes, t.hash);
    const txHashes = txs.map((b) => this.#txHashOf(b));
    const header = this.#header(
      height,
      blockTimeMs(this.#lastCommit, this.validatorSet, this.#lastTimeMs, this.#genesis.genesisTimeMs),
      txHashes,
      proposer,
      evidence,
    );
    const block = create(BlockSchema, {
      header,
      data: create(DataSchema, { txs }),
      evidence: create(EvidenceListSchema, { evidence: [...evidence] }),
      lastCommit: this.#lastCommit,
    });
    // Its data hash was just computed from these txs' hashes: checkBlock need not redo the tree.
    this.noteDataHashChecked(block);
    return { block, bytes: encodeBlock(block), hash: headerHash(header), txHashes };
  }

  /**
   * Remembers the hash of tx bytes hashed elsewhere (mempool admission, a compact proposal's
   * checked list), keyed by the bytes object: a block rebuilt from the mempool is not hashed again.
   * The caller vouches that `hash` is the hash of `bytes`.
   */
  noteTxHash(bytes: Uint8Array, hash: Uint8Array): void {
    this.#txHashes.set(bytes, hash);
  }

  /**
   * Marks a block whose data hash the caller has checked against its txs' hashes (a compact
   * proposal binds them on arrival), so checkBlock does not compute the tree again. The block
   * object must not be changed afterwards.
   */
  noteDataHashChecked(block: Block): void {
    this.#dataHashChecked.add(block);
  }

  #txHashOf(bytes: Uint8Array): Uint8Array {
    let h = this.#txHashes.get(bytes);
    if (h === undefined) {
      h = txHash(bytes);
      this.#txHashes.set(bytes, h);
    }
    return h;
  }

  /**
   * Checks a proposed next block against the chain without executing it: header fields the
   * chain determines, the data hash, the last commit's signatures and size limits. Throws
   * BLOCK_INVALID with the reason.
   */
  checkBlock(block: Block): void {
    this.#checked = { block, height: this.#height, misbehaviour: this.#check(block) };
  }

  /** checkBlock, returning the misbehaviour the block's evidence proves (to hand to the app). */
  #check(block: Block): Misbehaviour[] {
    const h = block.header;
    const fail = (why: string): never => {
      throw new LatticeError('BLOCK_INVALID', why, { height: this.#height + 1 });
    };
    if (h === undefined) fail('block has no header');
    const header = h!;
    const height = this.#height + 1;
    if (header.chainId !== this.#genesis.chainId) fail(`chain id ${header.chainId}`);
    if (header.height !== BigInt(height)) fail(`height ${header.height}, expected ${height}`);
    if (header.version?.block !== BLOCK_PROTOCOL_VERSION || header.version?.app !== APP_PROTOCOL_VERSION)
      fail('unknown protocol version');
    if (!equalBytes(header.lastBlockId?.hash ?? new Uint8Array(0), this.#lastBlockId.hash))
      fail('last block id does not match');
    if (!equalBytes(header.appHash, this.#app.appHash)) fail('app hash does not match the executed state');
    if (!equalBytes(header.lastResultsHash, this.#lastResultsHash)) fail('last results hash does not match');
    if (!equalBytes(header.validatorsHash, this.#validatorsHash)) fail('validators hash does not match');
    if (!equalBytes(header.nextValidatorsHash, this.#validatorsHash))
      fail('next validators hash does not match');
    const evidence = block.evidence?.evidence ?? [];
    if (evidence.length > BLOCK_EVIDENCE_MAX)
      fail(`${evidence.length} pieces of evidence, at most ${BLOCK_EVIDENCE_MAX}`);
    if (!equalBytes(header.evidenceHash, evidenceHash(evidence))) fail('evidence hash does not match');
    const misbehaviour = this.#checkEvidence(evidence, fail);
    if (this.validatorSet.getByAddress(header.proposerAddress) === undefined)
      fail('proposer is not a validator');
    const expectedTime = blockTimeMs(
      block.lastCommit,
      this.validatorSet,
      this.#lastTimeMs,
      this.#genesis.genesisTimeMs,
    );
    if (header.time === undefined || timestampToMs(header.time) !== expectedTime)
      fail('block time is not the weighted median of the last commit');
    if (height === this.#genesis.initialHeight) {
      if (block.lastCommit !== undefined && block.lastCommit.signatures.length > 0)
        fail('first block with a last commit');
      if (header.lastCommitHash.length !== 0) fail('first block with a last commit hash');
    } else {
      if (block.lastCommit === undefined) fail('missing last commit');
      if (!equalBytes(header.lastCommitHash, commitHash(block.lastCommit!)))
        fail('last commit hash does not match');
      this.verifyCommit(height - 1, this.#lastBlockId.hash, block.lastCommit!);
    }
    const txs = block.data?.txs ?? [];
    if (txs.length > BLOCK_TXS_MAX) fail(`${txs.length} txs, at most ${BLOCK_TXS_MAX}`);
    if (!this.#app.processProposal({ txs, maxBytes: this.#txBytesMax }).accept)
      fail('txs exceed the block size limit');
    if (
      !this.#dataHashChecked.has(block) &&
      !equalBytes(header.dataHash, dataHashFromTxHashes(txs.map((t) => this.#txHashOf(t))))
    )
      fail('data hash does not match');
    return misbehaviour;
  }

  /** The chain as evidence for the next block is judged against. */
  evidenceContext(): EvidenceContext {
    return {
      chainId: this.#genesis.chainId,
      atHeight: BigInt(this.#height + 1),
      initialHeight: BigInt(this.#genesis.initialHeight),
      validatorsAt: () => this.validatorSet,
      committed: (validator, height) => this.#app.misbehaviour(validator, height) !== undefined,
    };
  }

  /** Every piece valid, and at most one per validator and height. */
  #checkEvidence(evidence: readonly Evidence[], fail: (why: string) => never): Misbehaviour[] {
    const ctx = this.evidenceContext();
    const seen = new Set<string>();
    return evidence.map((ev, i) => {
      let m: Misbehaviour;
      try {
        m = verifyEvidence(ev, ctx);
      } catch (e) {
        return fail(`evidence ${i}: ${(e as Error).message}`);
      }
      const key = evidenceKey(m);
      if (seen.has(key)) fail(`evidence ${i} repeats a validator and height`);
      seen.add(key);
      return m;
    });
  }

  /**
   * Verifies `commit` for `block` (which must be the next block) and commits it. Consensus and
   * block sync may both bring the same height: commits run one at a time, and a block whose
   * height is already committed resolves to undefined. `bytes`, when given, is the block's
   * encoding as proposed (the bytes its part set was cut from), stored as is.
   */
  commitBlock(
    block: Block,
    hash: Uint8Array,
    commit: Commit,
    bytes?: Uint8Array,
  ): Promise<CommittedBlock | undefined> {
    const run = this.#commitQueue.then(async () => {
      this.#committing = true;
      try {
        return await this.#commitNext(block, hash, commit, bytes);
      } finally {
        this.#committing = false;
      }
    });
    this.#commitQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Executes the checked next block before it is decided (optimistic execution, as in ABCI++):
   * the reactor calls this once it has precommitted the block, so that the block runs while the
   * other precommits arrive and the decision only has to write it. Nothing is persisted: the
   * app holds the result as its pending state, commitBlock uses it if this very block is
   * decided, and discards it for any other (a later round, block sync). A no-op unless `block` is
   * the one checkBlock last passed at this height and no commit or other speculation is running.
   */
  async speculate(block: Block, hash: Uint8Array): Promise<void> {
    const checked = this.#checked;
    if (this.#committing || this.#speculation !== undefined) return;
    if (checked === undefined || checked.block !== block || checked.height !== this.#height) return;
    const speculation: Speculation = { block, hash };
    this.#speculation = speculation;
    const txs = block.data?.txs ?? [];
    try {
      await this.#beforeExecution(txs);
    } catch {
      // The commit verifies again and reports it.
      if (this.#speculation === speculation) this.#speculation = undefined;
      return;
    }
    // A commit that started meanwhile owns the app (and has dropped this speculation).
    if (this.#speculation !== speculation || this.#committing || checked.height !== this.#height) return;
    const started = performance.now();
    try {
      const result = this.#app.finalizeBlock({
        height: this.#height + 1,
        timeMs: timestampToMs(block.header!.time!),
        txs,
        misbehaviour: checked.misbehaviour,
      });
      speculation.result = { ...result, execMs: performance.now() - started };
    } catch {
      // Left to the commit, which executes the block again and stops the node if it fails.
      this.#app.abortPending();
      this.#speculation = undefined;
    }
  }

  /** The speculative result for this decided block, if any; any other is discarded. */
  #takeSpeculation(block: Block, hash: Uint8Array): SpeculativeResult | undefined {
    const s = this.#speculation;
    if (s?.result !== undefined && s.block === block && equalBytes(s.hash, hash)) {
      this.#speculation = undefined;
      return s.result;
    }
    this.#dropSpeculation();
    return undefined;
  }

  /** Forgets any speculation, releasing the app from its pending result. */
  #dropSpeculation(): void {
    const s = this.#speculation;
    this.#speculation = undefined;
    if (s?.result !== undefined) this.#app.abortPending();
  }

  async #commitNext(
    block: Block,
    hash: Uint8Array,
    commit: Commit,
    bytes: Uint8Array | undefined,
  ): Promise<CommittedBlock | undefined> {
    if (block.header !== undefined && block.header.height <= BigInt(this.#height)) return undefined;
    const speculated = this.#takeSpeculation(block, hash);
    let misbehaviour: Misbehaviour[];
    try {
      // The proposal check of this very block object at this height already ran (the core
      // checks a block before voting for it): the result stands, as the chain has not moved.
      const checked = this.#checked;
      misbehaviour =
        checked?.block === block && checked.height === this.#height
          ? checked.misbehaviour
          : this.#check(block);
      this.#checked = undefined;
      if (!equalBytes(headerHash(block.header!), hash)) {
        throw new LatticeError('BLOCK_INVALID', 'block hash does not match its header');
      }
      this.verifyCommit(this.#height + 1, hash, commit);
    } catch (e) {
      if (speculated !== undefined) this.#app.abortPending();
      throw e;
    }
    return this.#execute(block, hash, commit, misbehaviour, bytes, speculated);
  }

  #header(
    height: number,
    timeMs: bigint,
    txHashes: Uint8Array[],
    proposer: Uint8Array,
    evidence: readonly Evidence[] = [],
  ): Header {
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
      evidenceHash: evidenceHash(evidence),
      proposerAddress: proposer,
    });
  }

  /** The single validator's precommit for this block, as the one signature of its commit. */
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

  /**
   * Checks that a commit carries valid precommits for `hash` from more than 2/3 of the voting
   * power. Signatures are in validator-set order, one slot per validator, so none counts twice.
   */
  verifyCommit(height: number, hash: Uint8Array, commit: Commit): void {
    const fail = (why: string): never => {
      throw new LatticeError('BLOCK_INVALID', why, { height });
    };
    if (commit.height !== BigInt(height) || !equalBytes(commit.blockId?.hash ?? new Uint8Array(0), hash)) {
      fail(`commit is for another block than ${toHex(hash)} at ${height}`);
    }
    const set = this.validatorSet;
    if (commit.signatures.length !== set.size)
      fail(`commit has ${commit.signatures.length} slots for ${set.size} validators`);
    let signed = 0n;
    commit.signatures.forEach((sig, i) => {
      if (sig.blockIdFlag !== BlockIdFlag.COMMIT) return;
      const v = set.validators[i]!;
      if (!equalBytes(v.address, sig.validatorAddress))
        fail(`commit slot ${i} is not signed by its validator`);
      const bytes = voteSignBytes(this.#genesis.chainId, {
        type: SignedMsgType.PRECOMMIT,
        height: commit.height,
        round: commit.round,
        blockId: commit.blockId,
        timestamp: sig.timestamp,
      });
      if (
        !this.signatures.verify(v.pubKey!.algorithm, v.pubKey!.key, bytes, sig.signature, SIGN_CONTEXT_VOTE)
      ) {
        fail(`invalid precommit signature from ${toHex(v.address)}`);
      }
      signed += v.votingPower;
    });
    if (signed * 3n <= set.totalVotingPower * 2n) {
      fail(`commit has ${signed} of ${set.totalVotingPower} voting power, needs more than 2/3`);
    }
  }

  /**
   * What a block's execution waits for: admission of any of its txs this node is still checking
   * (each is then verified once, and applied to the check state before the block, which keeps
   * the check carry valid), then the signatures no admission has verified.
   */
  async #beforeExecution(txs: readonly Uint8Array[]): Promise<void> {
    const admitting = this.#txsSettled?.(txs);
    if (admitting !== undefined) await admitting;
    await this.#app.preverifyBlock(txs);
  }

  async #execute(
    block: Block,
    hash: Uint8Array,
    commit: Commit,
    misbehaviour: readonly Misbehaviour[] = [],
    bytes?: Uint8Array,
    speculated?: SpeculativeResult,
  ): Promise<CommittedBlock> {
    const header = block.header!;
    const height = Number(header.height);
    const txs = block.data!.txs;
    let executed: SpeculativeResult;
    if (speculated !== undefined) {
      executed = speculated;
    } else {
      await this.#beforeExecution(txs);
      // From here to onCommit everything is synchronous: no admission work interleaves between
      // the block and its commit (a speculative execution leaves the app's committed state and
      // check state untouched until then, too).
      const started = performance.now();
      const result = this.#app.finalizeBlock({
        height,
        timeMs: timestampToMs(header.time!),
        txs,
        misbehaviour,
      });
      executed = { ...result, execMs: performance.now() - started };
    }
    const { txResults, txHashes, appHash } = executed;
    const t1 = performance.now();
    const blockBytes = bytes ?? encodeBlock(block);
    const commitBytes = toBinary(CommitSchema, commit);
    const resultsBytes = encodeBlockResults(BigInt(height), txResults, appHash);
    let recheck = true;
    try {
      this.#store.transaction(() => {
        this.#store.blocks.put({ height, hash, block: blockBytes, commit: commitBytes });
        this.#store.results.put(height, resultsBytes);
        for (const [index, h] of txHashes.entries()) this.#store.txIndex.put(h, { height, index });
        recheck = this.#app.commit().recheck;
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
      recheck,
      execMs: executed.execMs,
      commitMs: t2 - t1,
      speculated: speculated !== undefined,
    };
    this.#log.debug('committed block', {
      height,
      txs: txs.length,
      speculated: speculated !== undefined,
      execMs: Math.round(executed.execMs),
      commitMs: Math.round(t2 - t1),
    });
    this.#onCommit?.(committed);
    return committed;
  }
}

/**
 * BFT time (CometBFT): a block's time is the voting-power-weighted median of the precommit
 * timestamps in its last commit, so no single validator's clock sets it; the first block takes
 * the genesis time. Forced strictly after the previous block's time.
 */
export function blockTimeMs(
  lastCommit: Commit | undefined,
  validators: ValidatorSet,
  lastTimeMs: bigint,
  genesisTimeMs: bigint,
): bigint {
  const votes: { ms: bigint; power: bigint }[] = [];
  let total = 0n;
  if (lastCommit !== undefined) {
    lastCommit.signatures.forEach((sig, i) => {
      const v = validators.getByIndex(i);
      if (sig.blockIdFlag !== BlockIdFlag.COMMIT || sig.timestamp === undefined || v === undefined) return;
      votes.push({ ms: timestampToMs(sig.timestamp), power: v.votingPower });
      total += v.votingPower;
    });
  }
  let t = genesisTimeMs;
  if (votes.length > 0) {
    votes.sort((a, b) => (a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : 0));
    let acc = 0n;
    for (const v of votes) {
      acc += v.power;
      if (acc * 2n > total) {
        t = v.ms;
        break;
      }
    }
  }
  return t > lastTimeMs ? t : lastTimeMs + 1n;
}

type SpeculativeResult = FinalizeBlockResult & { execMs: number };

interface Speculation {
  block: Block;
  hash: Uint8Array;
  /** Set once the block has executed; until then the speculation is verifying its signatures. */
  result?: SpeculativeResult;
}
