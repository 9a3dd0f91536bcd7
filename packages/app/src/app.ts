import { create, fromBinary } from '@bufbuild/protobuf';
import {
  type CodeInfo,
  type ContractInfo,
  type ExecTxResult,
  ExecTxResultSchema,
  type Metadata,
  MetadataSchema,
  signDocBytes,
  txHash,
  UploadAccess,
  WasmParamsSchema,
} from '@lattice/codec';
import {
  addressBytesFromPublicKey,
  SIGN_CONTEXT_TX,
  type SignatureVerifier,
  type VerifyRequest,
  verifySignature,
} from '@lattice/crypto';
import {
  ADDRESS_BYTES,
  CHECK_STATE_CARRY_CHANGES_MAX,
  DENOM_DRT,
  GAS_PER_TX_BYTE,
  GAS_PRICE_DECIMALS,
  GAS_SIG_VERIFY,
  GAS_TX_BASE,
  TX_GAS_LIMIT_MAX,
} from '@lattice/params';
import { type AuthenticatedState, Overlay, type StagedState, type StateReader } from '@lattice/state';
import {
  assert,
  ceilDiv,
  concatBytes,
  equalBytes,
  GenerationalCache,
  LatticeError,
  maxBigint,
  parseDecimal,
  toHex,
  toLatticeError,
  utf8,
} from '@lattice/utils';
import { VmFault } from '@lattice/vm';
import { type Coin, decodeAmount } from './amount.ts';
import { CheckCarry } from './check-carry.ts';
import { type AppEvent, event } from './events.ts';
import { GasKV, GasMeter } from './gas.ts';
import type { Genesis } from './genesis.ts';
import {
  FEE_COLLECTOR_ADDRESS,
  KEY_CHAIN_PARAMS,
  KEY_RESERVE_ADDRESS,
  PREFIX_BALANCE,
  PREFIX_DENOM_METADATA,
  wasmStorePrefix,
} from './keys.ts';
import type { KVStore } from './kv.ts';
import { type Account, type AccountPubKey, AuthKeeper } from './modules/auth.ts';
import { BankKeeper } from './modules/bank.ts';
import { type Misbehaviour, MisbehaviourKeeper, type MisbehaviourRecord } from './modules/misbehaviour.ts';
import { type BlockInfo, WasmKeeper } from './modules/wasm/keeper.ts';
import { VerifiedSignatureCache } from './sigcache.ts';
import { type DecodedTx, decodeTx } from './tx.ts';

const EMPTY_BYTES = new Uint8Array(0);

const UPLOAD_ACCESS = {
  everybody: UploadAccess.EVERYBODY,
  governance: UploadAccess.GOVERNANCE,
  allowlist: UploadAccess.ALLOWLIST,
} as const;

export type TxMode = 'check' | 'recheck' | 'deliver' | 'simulate';

export interface TxOutcome {
  error: LatticeError | undefined;
  gasWanted: bigint;
  gasUsed: bigint;
  events: AppEvent[];
  /** Simulations only: what contracts printed with `debug` (on chain it goes nowhere). */
  debug?: string[];
}

export interface CheckTxAccepted {
  ok: true;
  tx: DecodedTx;
  gasWanted: bigint;
  gasUsed: bigint;
  priority: bigint;
}

export type CheckTxResult = CheckTxAccepted | { ok: false; error: LatticeError; hashHex: string | undefined };

interface CheckItem {
  bytes: Uint8Array;
  knownHash?: Uint8Array | undefined;
  admit?: ((accepted: CheckTxAccepted) => void) | undefined;
}

interface PendingCheck extends CheckItem {
  resolve: (r: CheckTxResult) => void;
  reject: (e: unknown) => void;
}

/** At most this many single checkTx calls are admitted as one batch. */
const CHECK_BATCH_MAX = 64;
/**
 * A block's txs admission has not verified yet, up to this many, are verified inline while the
 * block executes (~0.15 ms each for ML-DSA-44, so ≤ ~5 ms) instead of waiting for the verifier
 * pool, whose queue holds admission's work: under load a block behind it waited up to 0.9 s for
 * a handful of signatures. More (a block from block sync) go to the pool, in parallel.
 */
const BLOCK_INLINE_VERIFY_MAX = 32;

export interface FinalizeBlockRequest {
  height: number;
  timeMs: bigint;
  txs: readonly Uint8Array[];
  /** Misbehaviour proven by the block's evidence; recorded before its txs run. */
  misbehaviour?: readonly Misbehaviour[];
}

export interface FinalizeBlockResult {
  txResults: ExecTxResult[];
  /** The hash of each tx, in block order (undecodable ones included). */
  txHashes: Uint8Array[];
  appHash: Uint8Array;
}

export interface AppInfo {
  /** Height of the last committed state (the genesis state has initialHeight - 1). */
  lastHeight: number;
  lastAppHash: Uint8Array;
  initialized: boolean;
}

export interface AppOptions {
  chainId: string;
  /** This node's own floor for mempool admission, e.g. "0.025"; never below the chain's. */
  minGasPrice?: string;
}

export interface AppDeps {
  state: AuthenticatedState;
  verifier: SignatureVerifier;
}

/** Senders whose announced public key is remembered for parallel verification (~1.4 KiB each). */
const ANNOUNCED_KEYS_MAX = 16_384;

interface ChainParams {
  minGasPrice: bigint;
  initialHeight: number;
}

/**
 * The Lattice state machine. Deterministic: everything it computes in finalizeBlock depends
 * only on the committed state and the block (its height, time and txs).
 */
export class LatticeApp {
  readonly chainId: string;
  readonly #state: AuthenticatedState;
  readonly #verifier: SignatureVerifier;
  readonly #auth = new AuthKeeper();
  readonly #bank = new BankKeeper(this.#auth);
  readonly #misbehaviour = new MisbehaviourKeeper();
  readonly #wasm = new WasmKeeper(this.#bank);
  readonly #sigCache = new VerifiedSignatureCache();
  readonly #carry = new CheckCarry(CHECK_STATE_CARRY_CHANGES_MAX);
  /**
   * A tx decoded at admission is reused when its block executes: the mempool hands the same
   * bytes object to the proposal, so identity is the key and the entry lives as long as they do.
   */
  readonly #decoded = new WeakMap<Uint8Array, DecodedTx>();
  /**
   * Public keys seen in txs (checked to hash to their signer's address), so the signatures of
   * the same sender's next txs can be verified in parallel before the first one has put its key
   * into state: gossip delivers a sender's txs in batches.
   */
  readonly #announcedKeys = new GenerationalCache<string, { alg: number; key: Uint8Array }>(
    ANNOUNCED_KEYS_MAX,
  );
  readonly #localMinGasPrice: bigint;
  #params: ChainParams | undefined;
  #checkState: Overlay;
  #pending:
    | {
        height: number;
        /** The block's time (none for genesis): admission assumes it once the block is committed. */
        timeMs?: bigint;
        staged: StagedState;
        params: ChainParams;
        /** Whether the check state stays valid across this block (see CheckCarry). */
        keepCheckState: boolean;
        txHashHexes: string[];
      }
    | undefined;
  #checkQueue: Promise<unknown> = Promise.resolve();
  #pendingChecks: PendingCheck[] = [];
  #lastBlockTimeMs = 0n;

  constructor(opts: AppOptions, deps: AppDeps) {
    this.chainId = opts.chainId;
    this.#state = deps.state;
    this.#verifier = deps.verifier;
    this.#localMinGasPrice = parseDecimal(opts.minGasPrice ?? '0', GAS_PRICE_DECIMALS, 'min gas price');
    this.#checkState = new Overlay(this.#state);
    this.#params = this.#loadParams(this.#state);
  }

  get sigCacheHits(): number {
    return this.#sigCache.hits;
  }

  info(): AppInfo {
    return {
      lastHeight: this.#state.height,
      lastAppHash: this.#state.root,
      initialized: this.#params !== undefined,
    };
  }

  // ---- genesis -------------------------------------------------------------------------------

  /** Builds the genesis state. The caller persists it with commit() inside a store transaction. */
  initChain(genesis: Genesis): { appHash: Uint8Array } {
    assert(this.#params === undefined, 'initChain on an initialized app');
    assert(genesis.chainId === this.chainId, 'genesis chain id differs from the app chain id');
    const kv = new Overlay(this.#state);
    const params: ChainParams = { minGasPrice: genesis.minGasPrice, initialHeight: genesis.initialHeight };
    kv.set(
      KEY_CHAIN_PARAMS,
      utf8(
        JSON.stringify({ minGasPrice: params.minGasPrice.toString(), initialHeight: params.initialHeight }),
      ),
    );
    kv.set(KEY_RESERVE_ADDRESS, genesis.drtReserve);
    for (const meta of genesis.denomMetadata) this.#bank.setDenomMetadata(kv, meta);
    for (const b of genesis.balances) this.#bank.mint(kv, b.address, b.coins);
    this.#wasm.setParams(
      kv,
      create(WasmParamsSchema, {
        uploadAccess: UPLOAD_ACCESS[genesis.wasmUploadAccess],
        allowlist: genesis.wasmAllowlist,
      }),
    );
    this.#auth.ensureAccount(kv, genesis.drtReserve);
    this.#auth.ensureAccount(kv, FEE_COLLECTOR_ADDRESS);
    const height = genesis.initialHeight - 1;
    const staged = this.#state.stage(height, kv.writes());
    this.#pending = { height, staged, params, keepCheckState: false, txHashHexes: [] };
    return { appHash: staged.root };
  }

  #loadParams(reader: StateReader): ChainParams | undefined {
    const raw = reader.get(KEY_CHAIN_PARAMS);
    if (raw === undefined) return undefined;
    const p = JSON.parse(new TextDecoder().decode(raw)) as { minGasPrice: string; initialHeight: number };
    return { minGasPrice: BigInt(p.minGasPrice), initialHeight: p.initialHeight };
  }

  #requireParams(): ChainParams {
    if (!this.#params)
      throw new LatticeError('RPC_UNAVAILABLE', 'the chain has not been initialised from genesis');
    return this.#params;
  }

  /** The committed record of a validator's misbehaviour at `height`, if evidence proved one. */
  misbehaviour(validator: Uint8Array, height: bigint): MisbehaviourRecord | undefined {
    return this.#misbehaviour.get(new Overlay(this.#state), validator, height);
  }

  // ---- mempool admission ---------------------------------------------------------------------

  /**
   * Checks a tx against the check state (committed state plus the txs already admitted), and on
   * success applies it there so the same sender's next sequence is accepted. Signatures are
   * verified off-thread first, in parallel; the stateful part runs strictly in arrival order.
   */
  checkTx(
    bytes: Uint8Array,
    admit?: (accepted: CheckTxAccepted) => void,
    knownHash?: Uint8Array,
  ): Promise<CheckTxResult> {
    // Calls made in one turn of the event loop (the entries of a JSON-RPC batch) are admitted
    // together, as checkTxs does for a gossip batch.
    const { promise, resolve, reject } = Promise.withResolvers<CheckTxResult>();
    if (this.#pendingChecks.length === 0) queueMicrotask(() => this.#flushChecks());
    this.#pendingChecks.push({ bytes, knownHash, admit, resolve, reject });
    if (this.#pendingChecks.length >= CHECK_BATCH_MAX) this.#flushChecks();
    return promise;
  }

  /**
   * checkTx for several txs that arrived together (a gossip batch): one signature batch and one
   * turn of the admission queue for all of them, each still checked and admitted on its own, in
   * the given order. Results are in that order.
   */
  checkTxs(
    items: readonly { bytes: Uint8Array; knownHash?: Uint8Array | undefined }[],
    admit?: (accepted: CheckTxAccepted) => void,
  ): Promise<CheckTxResult[]> {
    // Single calls made before this one keep their place in the admission order.
    this.#flushChecks();
    return this.#admitBatch(items.map((i) => ({ ...i, admit })));
  }

  #flushChecks(): void {
    if (this.#pendingChecks.length === 0) return;
    const batch = this.#pendingChecks;
    this.#pendingChecks = [];
    this.#admitBatch(batch).then(
      (results) => {
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
      },
      (e: unknown) => {
        for (const p of batch) p.reject(e);
      },
    );
  }

  #admitBatch(items: readonly CheckItem[]): Promise<CheckTxResult[]> {
    const decoded: (DecodedTx | LatticeError)[] = items.map(({ bytes, knownHash }) => {
      try {
        return this.#decode(bytes, knownHash);
      } catch (e) {
        return toLatticeError(e, 'TX_MALFORMED');
      }
    });
    const presig = this.#preverify(
      decoded.filter((d): d is DecodedTx => !(d instanceof LatticeError)),
      this.#checkState,
    );
    return this.#serial(async () => {
      await presig;
      return decoded.map(
        (d, i): CheckTxResult =>
          d instanceof LatticeError
            ? { ok: false, error: d, hashHex: undefined }
            : this.#checkSync(d, 'check', items[i]!.admit),
      );
    });
  }

  /**
   * Re-admits a tx that is still in the mempool after a block, against the fresh check state.
   * Call it synchronously right after commit(), in each sender's sequence order.
   */
  recheckTx(tx: DecodedTx): CheckTxResult {
    return this.#checkSync(tx, 'recheck', undefined);
  }

  /** The admission queue: the stateful part of checkTx runs strictly in arrival order. */
  #serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.#checkQueue.then(fn);
    this.#checkQueue = run.catch(() => undefined);
    return run;
  }

  #checkSync(
    tx: DecodedTx,
    mode: 'check' | 'recheck',
    admit: ((a: CheckTxAccepted) => void) | undefined,
  ): CheckTxResult {
    const params = this.#requireParams();
    const overlay = new Overlay(this.#checkState);
    const out = this.#runTx(overlay, tx, mode, this.#nextBlock(), params);
    if (out.error) {
      overlay.discard();
      return { ok: false, error: out.error, hashHex: tx.hashHex };
    }
    const priority = tx.gasLimit === 0n ? 0n : (tx.fee * 10n ** 9n) / tx.gasLimit;
    const accepted: CheckTxAccepted = {
      ok: true,
      tx,
      gasWanted: out.gasWanted,
      gasUsed: out.gasUsed,
      priority,
    };
    try {
      admit?.(accepted);
    } catch (e) {
      overlay.discard();
      return { ok: false, error: toLatticeError(e), hashHex: tx.hashHex };
    }
    this.#carry.admitted(tx, overlay);
    overlay.commitToParent();
    return accepted;
  }

  /** Runs a tx against the check state without keeping anything: gas estimation for clients. */
  simulate(bytes: Uint8Array): TxOutcome {
    const params = this.#requireParams();
    const tx = decodeTx(bytes, this.chainId);
    const overlay = new Overlay(this.#checkState);
    const debug: string[] = [];
    const out = this.#runTx(overlay, tx, 'simulate', this.#nextBlock(), params, (contract, message) =>
      debug.push(`${contract}: ${message}`),
    );
    overlay.discard();
    return { ...out, debug };
  }

  /**
   * The block admission and simulation assume: the next height, at the last block's time. The
   * time is not state (an empty block changes nothing); the node tells a restarted app.
   */
  #nextBlock(): BlockInfo {
    return { height: this.#state.height + 1, timeMs: this.#lastBlockTimeMs, chainId: this.chainId };
  }

  /** The time of the last committed block, for contracts run at admission and in simulations. */
  setLastBlockTime(ms: bigint): void {
    this.#lastBlockTimeMs = ms;
  }

  #decode(bytes: Uint8Array, knownHash?: Uint8Array): DecodedTx {
    const tx = decodeTx(bytes, this.chainId, knownHash);
    this.#decoded.set(bytes, tx);
    return tx;
  }

  // ---- block execution -----------------------------------------------------------------------

  /** Picks txs in the mempool's order up to the block limits; every tx must pass processProposal. */
  prepareProposal(req: { txs: readonly Uint8Array[]; maxBytes: number }): { txs: Uint8Array[] } {
    const out: Uint8Array[] = [];
    let bytes = 0;
    for (const tx of req.txs) {
      if (bytes + tx.length > req.maxBytes) break;
      bytes += tx.length;
      out.push(tx);
    }
    return { txs: out };
  }

  /** Rejects a proposal only for structural reasons; failing txs are executed and get error receipts. */
  processProposal(req: { txs: readonly Uint8Array[]; maxBytes: number }): {
    accept: boolean;
    reason?: string;
  } {
    let bytes = 0;
    for (const tx of req.txs) bytes += tx.length;
    if (bytes > req.maxBytes) return { accept: false, reason: `txs total ${bytes} bytes > ${req.maxBytes}` };
    return { accept: true };
  }

  /**
   * Verifies, on the verifier pool, the signatures of a block's txs that admission has not
   * already verified (none, for blocks built from this node's mempool). Optional: finalizeBlock
   * verifies whatever is left inline, and up to BLOCK_INLINE_VERIFY_MAX are left to it on purpose.
   */
  async preverifyBlock(txs: readonly Uint8Array[]): Promise<void> {
    const decoded: DecodedTx[] = [];
    for (const bytes of txs) {
      try {
        decoded.push(this.#decodeCached(bytes));
      } catch {
        // finalizeBlock reports undecodable txs in their receipts.
      }
    }
    await this.#preverify(decoded, this.#state, BLOCK_INLINE_VERIFY_MAX);
  }

  /**
   * Executes a block against the committed state. Synchronous on purpose: nothing else runs on
   * the event loop between the first tx and the staged app hash.
   */
  finalizeBlock(req: FinalizeBlockRequest): FinalizeBlockResult {
    const params = this.#requireParams();
    assert(this.#pending === undefined, 'finalizeBlock while a block awaits commit');
    assert(
      req.height === this.#state.height + 1,
      `finalizeBlock height ${req.height} after ${this.#state.height}`,
    );
    const block = new Overlay(this.#state);
    const blockInfo: BlockInfo = { height: req.height, timeMs: req.timeMs, chainId: this.chainId };
    const misbehaviour = req.misbehaviour ?? [];
    for (const m of misbehaviour) this.#misbehaviour.record(block, m, BigInt(req.height));
    const txResults: ExecTxResult[] = [];
    const txHashes: Uint8Array[] = [];
    const decoded: (DecodedTx | undefined)[] = [];
    let failed = 0;
    for (const bytes of req.txs) {
      let tx: DecodedTx;
      try {
        tx = this.#decodeCached(bytes);
      } catch (e) {
        txResults.push(
          this.#result({ error: toLatticeError(e, 'TX_MALFORMED'), gasWanted: 0n, gasUsed: 0n, events: [] }),
        );
        txHashes.push(txHash(bytes));
        decoded.push(undefined);
        failed++;
        continue;
      }
      const out = this.#runTx(block, tx, 'deliver', blockInfo, params);
      if (out.error) failed++;
      txResults.push(this.#result(out));
      txHashes.push(tx.hash);
      decoded.push(tx);
    }
    const staged = this.#state.stage(req.height, block.writes());
    this.#pending = {
      height: req.height,
      timeMs: req.timeMs,
      staged,
      params,
      keepCheckState: this.#carry.blockKeeps(decoded, failed, misbehaviour.length),
      txHashHexes: decoded.flatMap((t) => (t === undefined ? [] : [t.hashHex])),
    };
    return { txResults, txHashes, appHash: staged.root };
  }

  /**
   * Persists the pending state; must run inside the store transaction that also writes the block.
   * `recheck` says whether the mempool must be rechecked: false when the check state was kept
   * (it reads through to the committed state, which now includes the block).
   */
  commit(): { height: number; appHash: Uint8Array; recheck: boolean } {
    const pending = this.#pending;
    assert(pending !== undefined, 'commit without a finalized block');
    this.#state.commit(pending.staged);
    this.#pending = undefined;
    this.#params = pending.params;
    if (pending.timeMs !== undefined) this.#lastBlockTimeMs = pending.timeMs;
    const kept = this.#carry.afterCommit(pending.keepCheckState, pending.txHashHexes, this.#checkState);
    if (!kept) this.#checkState = new Overlay(this.#state);
    return { height: pending.height, appHash: pending.staged.root, recheck: !kept };
  }

  /**
   * Drops a finalized but uncommitted block (the store transaction failed, or the block was
   * executed ahead of a decision that went to another). Nothing else saw it: finalizeBlock
   * changes neither the committed state nor the check state.
   */
  abortPending(): void {
    this.#pending = undefined;
  }

  #decodeCached(bytes: Uint8Array): DecodedTx {
    return this.#decoded.get(bytes) ?? decodeTx(bytes, this.chainId);
  }

  #feeCollector(): Uint8Array {
    return FEE_COLLECTOR_ADDRESS;
  }

  /**
   * Receipts are built as complete message literals: create() costs more than the transfer it
   * describes once a block holds thousands of txs with five events each.
   */
  #result(out: TxOutcome): ExecTxResult {
    return {
      $typeName: ExecTxResultSchema.typeName,
      code: out.error ? out.error.numericCode : 0,
      codespace: out.error ? out.error.code : '',
      log: out.error ? out.error.message : '',
      data: EMPTY_BYTES,
      gasWanted: out.gasWanted,
      gasUsed: out.gasUsed,
      events: out.events,
    };
  }

  // ---- queries (committed state; a past height reads through the Merkle tree) ----------------

  #reader(height?: number): KVStore {
    if (height === undefined || height === this.#state.height) return new Overlay(this.#state);
    if (height > this.#state.height || this.#state.rootAt(height) === undefined) {
      throw new LatticeError('NOT_FOUND', `no state at height ${height} (latest is ${this.#state.height})`);
    }
    const state = this.#state;
    return new Overlay({ get: (key) => state.prove(key, height).value });
  }

  get height(): number {
    return this.#state.height;
  }

  stateRootAt(height: number): Uint8Array | undefined {
    return this.#state.rootAt(height);
  }

  get appHash(): Uint8Array {
    return this.#state.root;
  }

  account(address: Uint8Array, height?: number): Account | undefined {
    return this.#auth.getAccount(this.#reader(height), address);
  }

  pubKey(address: Uint8Array, height?: number): AccountPubKey | undefined {
    return this.#auth.getPubKey(this.#reader(height), address);
  }

  /** The account as the mempool sees it: the next sequence to use includes pending txs. */
  pendingAccount(address: Uint8Array): Account | undefined {
    return this.#auth.getAccount(new Overlay(this.#checkState), address);
  }

  balance(address: Uint8Array, denom: string, height?: number): bigint {
    return this.#bank.getBalance(this.#reader(height), address, denom);
  }

  denoms(): Metadata[] {
    const out: Metadata[] = [];
    for (const [, value] of this.#state.iterate(new Uint8Array([PREFIX_DENOM_METADATA]))) {
      out.push(fromBinary(MetadataSchema, value));
    }
    return out;
  }

  balances(address: Uint8Array, height?: number): Coin[] {
    const kv = this.#reader(height);
    return this.denoms()
      .map((m) => ({ denom: m.base, amount: this.#bank.getBalance(kv, address, m.base) }))
      .filter((c) => c.amount > 0n);
  }

  supply(height?: number): Coin[] {
    const kv = this.#reader(height);
    return this.denoms().map((m) => ({ denom: m.base, amount: this.#bank.getSupply(kv, m.base) }));
  }

  prove(key: Uint8Array, height?: number): ReturnType<AuthenticatedState['prove']> {
    return this.#state.prove(key, height);
  }

  // ---- contracts (committed state) ------------------------------------------------------------

  wasmCodeInfo(codeId: bigint, height?: number): CodeInfo | undefined {
    return this.#wasm.codeInfo(this.#reader(height), codeId);
  }

  wasmCodeBytes(codeId: bigint): Uint8Array | undefined {
    return this.#wasm.codeBytes(new Overlay(this.#state), codeId);
  }

  wasmContractInfo(address: Uint8Array, height?: number): ContractInfo | undefined {
    return this.#wasm.contractInfo(this.#reader(height), address);
  }

  wasmContractsByCode(codeId: bigint, startAfter: Uint8Array | undefined, limit: number): string[] {
    return this.#wasm.contractsByCode(new Overlay(this.#state), codeId, startAfter, limit);
  }

  /** A contract's query entry point on the latest state, read-only, within `gasLimit` app gas. */
  wasmSmartQuery(
    address: Uint8Array,
    msg: Uint8Array,
    gasLimit: bigint,
  ): { value: unknown; gasUsed: bigint } {
    return this.#wasm.smartQuery(new Overlay(this.#state), address, msg, gasLimit, this.#nextBlock());
  }

  /** The state key of a contract's storage key, to read or prove it. */
  wasmStoreKey(address: Uint8Array, key: Uint8Array): Uint8Array {
    return concatBytes(wasmStorePrefix(address), key);
  }

  /**
   * Supply conservation and balance sanity over the whole committed state. Cheap enough for tests
   * after every block; returns the violations found (empty when all hold).
   */
  checkInvariants(): string[] {
    const problems: string[] = [];
    const sums = new Map<string, bigint>();
    for (const [key, value] of this.#state.iterate(new Uint8Array([PREFIX_BALANCE]))) {
      const denom = new TextDecoder().decode(key.subarray(1 + ADDRESS_BYTES));
      const amount = decodeAmount(value);
      if (amount <= 0n) problems.push(`non-positive balance stored under ${toHex(key)}`);
      sums.set(denom, (sums.get(denom) ?? 0n) + amount);
    }
    const kv = new Overlay(this.#state);
    for (const m of this.denoms()) {
      const supply = this.#bank.getSupply(kv, m.base);
      const sum = sums.get(m.base) ?? 0n;
      if (supply !== sum) problems.push(`supply of ${m.base} is ${supply} but balances add up to ${sum}`);
      sums.delete(m.base);
    }
    for (const denom of sums.keys()) problems.push(`balances exist in unregistered denom ${denom}`);
    return problems;
  }

  // ---- the tx pipeline -----------------------------------------------------------------------

  /**
   * Verifies the signatures we can already resolve, in one batch on the verifier pool, unless
   * there are no more than `inlineMax` of them (left to the caller's inline checks).
   */
  async #preverify(txs: readonly DecodedTx[], reader: StateReader, inlineMax = 0): Promise<void> {
    const reqs: VerifyRequest[] = [];
    const verified: { hashHex: string; accountNumber: bigint }[] = [];
    const view = new Overlay(reader);
    for (const tx of txs) this.#announceKey(tx);
    for (const tx of txs) {
      // Admitted txs were verified here already: a block of them costs no account reads.
      if (this.#sigCache.verifiedOnce(tx.hashHex)) continue;
      const acc = this.#auth.getAccount(view, tx.signer);
      if (!acc) continue;
      const pk =
        tx.pubKey ?? this.#auth.getPubKey(view, tx.signer) ?? this.#announcedKeys.get(toHex(tx.signer));
      if (!pk) continue;
      reqs.push(this.#verifyRequest(tx, pk, acc.accountNumber));
      verified.push({ hashHex: tx.hashHex, accountNumber: acc.accountNumber });
    }
    if (reqs.length <= inlineMax) return;
    const ok = await this.#verifier.verify(reqs);
    ok.forEach((valid, i) => {
      if (valid) this.#sigCache.add(verified[i]!.hashHex, verified[i]!.accountNumber);
    });
  }

  /** Remembers a tx's public key if it is really its signer's (the ante check, done early). */
  #announceKey(tx: DecodedTx): void {
    if (tx.pubKey === undefined) return;
    const signer = toHex(tx.signer);
    if (this.#announcedKeys.has(signer)) return;
    if (equalBytes(addressBytesFromPublicKey(tx.pubKey.alg, tx.pubKey.key), tx.signer))
      this.#announcedKeys.set(signer, tx.pubKey);
  }

  #verifyRequest(tx: DecodedTx, pk: { alg: number; key: Uint8Array }, accountNumber: bigint): VerifyRequest {
    const message = signDocBytes({
      bodyBytes: tx.bodyBytes,
      authInfoBytes: tx.authInfoBytes,
      chainId: this.chainId,
      accountNumber,
    });
    return { alg: pk.alg, publicKey: pk.key, message, signature: tx.signature, context: SIGN_CONTEXT_TX };
  }

  #signatureValid(kv: KVStore, tx: DecodedTx, accountNumber: bigint): boolean {
    if (this.#sigCache.has(tx.hashHex, accountNumber)) return true;
    const pk = tx.pubKey ?? this.#auth.getPubKey(kv, tx.signer);
    if (!pk) return false;
    const r = this.#verifyRequest(tx, pk, accountNumber);
    const ok = verifySignature(r.alg, r.publicKey, r.message, r.signature, r.context);
    if (ok) this.#sigCache.add(tx.hashHex, accountNumber);
    return ok;
  }

  #minGasPrice(mode: TxMode, params: ChainParams): bigint {
    // The node's own floor applies to admission only; blocks are judged by the chain's.
    return mode === 'check' || mode === 'recheck'
      ? maxBigint(this.#localMinGasPrice, params.minGasPrice)
      : params.minGasPrice;
  }

  /**
   * Ante handler then messages. Ante effects (fee, sequence, public key) survive a failing
   * message; a failing ante leaves no trace. Every check has its own error code.
   */
  #runTx(
    kv: Overlay,
    tx: DecodedTx,
    mode: TxMode,
    block: BlockInfo,
    params: ChainParams,
    debug?: (contract: string, message: string) => void,
  ): TxOutcome {
    const height = block.height;
    const simulate = mode === 'simulate';
    const meter = new GasMeter(simulate ? TX_GAS_LIMIT_MAX : tx.gasLimit);
    // Admission never shows events to anyone, so it does not build them.
    const wantEvents = mode === 'deliver' || simulate;
    const events: AppEvent[] | undefined = wantEvents ? [] : undefined;
    // Only a block keeps a failed tx's ante effects (fee, sequence) without its messages' effects.
    // Admission and simulation throw the caller's overlay away on any failure, so they run on it
    // directly instead of on two more layers.
    const layered = mode === 'deliver';
    const ante = layered ? new Overlay(kv) : kv;
    try {
      this.#ante(ante, tx, mode, height, params, meter, events);
    } catch (e) {
      if (layered) ante.discard();
      return { error: toLatticeError(e), gasWanted: tx.gasLimit, gasUsed: meter.used, events: [] };
    }
    const msgs = layered ? new Overlay(ante) : ante;
    const msgEvents: AppEvent[] | undefined = wantEvents ? [] : undefined;
    try {
      const ctx = {
        kv: new GasKV(msgs, meter),
        events: msgEvents,
        bank: this.#bank,
        store: msgs,
        meter,
        block,
        wasm: this.#wasm,
        ...(debug === undefined ? {} : { debug }),
      };
      const admission = mode === 'check' || mode === 'recheck';
      for (const m of tx.msgs) if (!admission || m.checkExecutes !== false) m.execute(ctx);
    } catch (e) {
      // A fault of the vm (or of this code) must stop the node, never become a receipt.
      if (e instanceof VmFault) throw e;
      if (layered) {
        msgs.discard();
        ante.commitToParent();
      }
      return { error: toLatticeError(e), gasWanted: tx.gasLimit, gasUsed: meter.used, events: events ?? [] };
    }
    if (layered) {
      msgs.commitToParent();
      ante.commitToParent();
    }
    return {
      error: undefined,
      gasWanted: tx.gasLimit,
      gasUsed: meter.used,
      events: events && msgEvents ? events.concat(msgEvents) : [],
    };
  }

  #ante(
    kv: KVStore,
    tx: DecodedTx,
    mode: TxMode,
    height: number,
    params: ChainParams,
    meter: GasMeter,
    events: AppEvent[] | undefined,
  ): void {
    const timeout = tx.timeoutHeight;
    if (timeout !== 0n && BigInt(height) > timeout) {
      throw new LatticeError('TX_TIMEOUT_HEIGHT', `transaction timed out at height ${timeout}`);
    }
    const acc: Account | undefined = this.#auth.getAccount(kv, tx.signer);
    if (!acc) {
      throw new LatticeError(
        'TX_UNKNOWN_ACCOUNT',
        'the signer account does not exist: it has never received funds',
      );
    }
    const { alg, isNew } = this.#resolvePubKey(kv, tx, acc);
    const intrinsic = GAS_TX_BASE + GAS_PER_TX_BYTE * BigInt(tx.bytes.length) + (GAS_SIG_VERIFY[alg] ?? 0n);
    if (mode !== 'simulate' && tx.gasLimit < intrinsic) {
      throw new LatticeError(
        'TX_GAS_LIMIT_TOO_LOW',
        `gas limit ${tx.gasLimit} is below the ${intrinsic} this tx needs before execution`,
        {
          gasLimit: tx.gasLimit.toString(),
          required: intrinsic.toString(),
        },
      );
    }
    meter.consume(intrinsic, 'intrinsic gas');
    if (mode !== 'simulate') {
      const required = ceilDiv(
        tx.gasLimit * this.#minGasPrice(mode, params),
        10n ** BigInt(GAS_PRICE_DECIMALS),
      );
      if (tx.fee < required) {
        throw new LatticeError(
          'TX_INSUFFICIENT_FEE',
          `fee ${tx.fee}${DENOM_DRT} is below the minimum ${required}${DENOM_DRT} for gas limit ${tx.gasLimit}`,
          {
            fee: tx.fee.toString(),
            required: required.toString(),
          },
        );
      }
    }
    if (tx.sequence !== acc.sequence) {
      const code = tx.sequence < acc.sequence ? 'TX_SEQUENCE_TOO_LOW' : 'TX_SEQUENCE_TOO_HIGH';
      throw new LatticeError(
        code,
        `account sequence mismatch: expected ${acc.sequence}, got ${tx.sequence}`,
        {
          expected: acc.sequence.toString(),
          got: tx.sequence.toString(),
        },
      );
    }
    if (mode !== 'simulate' && !this.#signatureValid(kv, tx, acc.accountNumber)) {
      throw new LatticeError('TX_BAD_SIGNATURE', 'signature verification failed');
    }
    if (tx.fee > 0n) {
      const coins = [{ denom: DENOM_DRT, amount: tx.fee }];
      this.#bank.subtract(kv, tx.signer, coins);
      this.#bank.add(kv, this.#feeCollector(), coins);
    }
    acc.sequence += 1n;
    if (isNew) this.#auth.setPubKey(kv, acc, tx.pubKey!);
    this.#auth.setAccount(kv, acc);
    events?.push(event('tx', { fee: `${tx.fee}${DENOM_DRT}`, fee_payer: tx.msgs[0]!.signerText }));
  }

  /**
   * Which algorithm verifies this tx: the stored key's, or the key the account's first tx
   * carries (it must hash to the signer address). The key itself is read only when a signature
   * actually has to be checked.
   */
  #resolvePubKey(kv: KVStore, tx: DecodedTx, acc: Account): { alg: number; isNew: boolean } {
    if (acc.pubKeyAlg !== 0) {
      if (tx.pubKey) {
        const stored = this.#auth.getPubKey(kv, tx.signer);
        if (!stored || tx.pubKey.alg !== stored.alg || !equalBytes(tx.pubKey.key, stored.key)) {
          throw new LatticeError(
            'TX_PUBKEY_MISMATCH',
            'the public key in the tx differs from the one stored for this account',
          );
        }
      }
      return { alg: acc.pubKeyAlg, isNew: false };
    }
    if (!tx.pubKey) {
      throw new LatticeError(
        'TX_MISSING_PUBKEY',
        "the account's first transaction must carry its public key",
      );
    }
    if (!equalBytes(addressBytesFromPublicKey(tx.pubKey.alg, tx.pubKey.key), tx.signer)) {
      throw new LatticeError('TX_PUBKEY_MISMATCH', 'the public key does not belong to the signer address');
    }
    return { alg: tx.pubKey.alg, isNew: true };
  }
}
