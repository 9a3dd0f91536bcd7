import {
  type Block,
  type Commit,
  decodeBlock,
  headerHash,
  type Proposal,
  proposalSignBytes,
  SignedMsgType,
  timestampToMs,
  txHash,
  type Validator,
  type Vote,
  voteSignBytes,
} from '@lattice/codec';
import {
  type Action,
  ConsensusCore,
  type ConsensusEvent,
  type ConsensusSigner,
  type ConsensusTimeouts,
  type ProposalValue,
  ProposerRotation,
  type ValidatorSet,
} from '@lattice/consensus';
import { SIGN_CONTEXT_PROPOSAL, SIGN_CONTEXT_VOTE } from '@lattice/crypto';
import type { GossipVerdict, P2PHost } from '@lattice/p2p';
import { BLOCK_BYTES_MAX, BLOCK_TXS_MAX, WAL_FILE_BYTES_MAX } from '@lattice/params';
import { assert, equalBytes, isLatticeError, type Logger, toHex } from '@lattice/utils';
import type { Chain } from '../chain.ts';
import { evidenceFromVotes } from '../evidence.ts';
import type { TxIngress } from '../ingress.ts';
import type { Metrics } from '../metrics.ts';
import { openCompact, rebuildBlock, toCompact } from './compact.ts';
import { EvidencePool } from './evidence-pool.ts';
import {
  type CompactBlockMessage,
  consensusTopics,
  decodeBlockTxsRequest,
  decodeBlockTxsResponse,
  decodeCompactBlockMessage,
  decodeEvidenceMessage,
  decodeProposalMessage,
  decodeTxBatch,
  decodeVoteMessage,
  encodeBlockTxsRequest,
  encodeBlockTxsResponse,
  encodeCompactBlockMessage,
  encodeEvidenceMessage,
  encodeProposalMessage,
  encodeTxBatch,
  encodeVoteMessage,
  TX_BATCH_MAX,
} from './messages.ts';
import { partSetHeader, validPartSetHeader } from './parts.ts';
import { BlockSync } from './sync.ts';
import type { WriteAheadLog } from './wal.ts';
import { decodeWalRecord, encodeWalRecord, type WalRecord } from './wal-records.ts';

/**
 * Txs a proposal takes at most (the genesis block size limit applies too). Blocks travel in parts,
 * so this is a latency choice, not a transport limit: a block is built, sent, checked and executed
 * within a round's timeouts on an ordinary machine.
 */
const PROPOSAL_TXS_BYTES_MAX = 4 * 1024 * 1024;
/** WAL room kept for the node's own votes and proposals, which must always be logged. */
const WAL_OWN_RESERVE_BYTES = 64 * 1024 * 1024;
/** Compact blocks that arrive before their proposal are held, up to this many bytes per height. */
const EARLY_COMPACT_BYTES_MAX = 4 * 1024 * 1024;
/**
 * A tx of a proposed block that is not in the mempool is usually still on its way by tx gossip;
 * it is asked for only after this pause, then from the peer that relayed the block, then others.
 */
const BLOCK_TXS_FETCH_DELAY_MS = 100;
const BLOCK_TXS_REQUEST_TIMEOUT_MS = 2_000;
/**
 * Missing txs awaited from the mempool, over all proposals tracked (two blocks' worth); beyond
 * it, a proposal's missing txs are only fetched. Each round can bring a proposal, so without a
 * bound a height that drags on would pile them up.
 */
const WAITING_TXS_MAX = 2 * BLOCK_TXS_MAX;
const EMPTY = new Uint8Array(0);
/** Locally admitted txs are gossiped in batches flushed this often. */
const TX_GOSSIP_FLUSH_MS = 20;
const TX_GOSSIP_BATCH_BYTES_MAX = 1024 * 1024;
/**
 * Tx batches are relayed only after this pause, to the peers that have not got them by then: in
 * a well-connected network every node has them from the origin, and each node received every
 * batch three times among four validators when relaying was immediate.
 */
const TX_RELAY_DELAY_MS = 20;
/**
 * Gossip does not replay old messages to a peer that (re)joins late, so own latest votes are sent
 * again while a height makes no progress: a restarted validator learns the round the others are
 * in (round skipping) and the votes it missed. Proposals (megabytes of parts) are not; a node
 * that missed a decided block gets it by block sync.
 */
const REBROADCAST_INTERVAL_MS = 1_000;
/** How long next-height messages may keep arriving before the current height is fetched instead. */
const NEXT_HEIGHT_SYNC_AFTER_MS = 3 * REBROADCAST_INTERVAL_MS;
/** Rounds whose proposal is tracked, over this height and the next (one proposal per round). */
const PROPOSALS_SEEN_PER_HEIGHT_MAX = 1_024;

function proposalKey(height: bigint, round: number): string {
  return `${height}/${round}`;
}

/**
 * A proposed block being rebuilt from its compact form: the block without txs, each tx's hash,
 * and the txs found so far (by index).
 */
interface CompactBlock {
  block: Block;
  hashes: Uint8Array[];
  txs: (Uint8Array | undefined)[];
  missing: number;
  /** The peer that relayed it (asked first for missing txs); undefined for an own proposal. */
  from: string | undefined;
  fetching: boolean;
}

interface ProposalEntry {
  proposal: Proposal;
  compact: CompactBlock | undefined;
  /** The block is whole and handed to the core (or was found not to match the proposal). */
  done: boolean;
}

/** The value a proposal and its block bytes make: named by hash, cut as the proposal's part set says. */
function proposalValue(proposal: Proposal, hash: Uint8Array, bytes: Uint8Array): ProposalValue {
  const psh = proposal.blockId?.partSetHeader;
  return { hash, bytes, ...(psh === undefined ? {} : { partSet: { total: psh.total, hash: psh.hash } }) };
}

export interface ReactorDeps {
  chain: Chain;
  ingress: TxIngress;
  p2p: P2PHost;
  wal: WriteAheadLog;
  /** Absent on a node that follows without voting. */
  signer: ConsensusSigner | undefined;
  timeouts: ConsensusTimeouts;
  logger: Logger;
  metrics?: Metrics;
  /** A block that cannot be committed, or a WAL that cannot be written, stops the node. */
  onFatal: (e: unknown) => void;
  now?: () => bigint;
}

/**
 * Runs the pure Tendermint core on a live node: gossip in (proposals, votes, txs), actions out
 * (WAL, gossip, timers, commits). Decided blocks are committed through the chain, and a node
 * that sees messages from heights ahead of it catches up by block sync before voting again.
 */
export class ConsensusReactor {
  readonly #d: ReactorDeps;
  readonly #topics: ReturnType<typeof consensusTopics>;
  readonly #log: Logger;
  readonly #now: () => bigint;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #blocks = new Map<string, Block>();
  /**
   * The proposal of each round seen (at this height and the next), keyed by proposalKey, with its
   * block being rebuilt from the compact form. A copy of a proposal already here is dropped cheaply.
   */
  readonly #proposals = new Map<string, ProposalEntry>();
  /** This node's latest own block in compact form, made once for the proposal and its broadcast. */
  #own: { hash: string; message: CompactBlockMessage } | undefined;
  #earlyCompact: { m: CompactBlockMessage; from: string; bytes: number }[] = [];
  #earlyCompactBytes = 0;
  /** Txs that proposed blocks wait for, by hash hex: filled as the mempool admits them. */
  readonly #waiting = new Map<string, { entry: ProposalEntry; index: number }[]>();
  /** Proposers of the next height by round, computed on demand. */
  #nextProposers: ProposerRotation | undefined;
  readonly #sync: BlockSync;
  readonly evidence: EvidencePool;
  #core!: ConsensusCore;
  #set!: { height: number; set: ValidatorSet };
  #committing = false;
  #stopped = false;
  #txQueue: Uint8Array[] = [];
  #txQueueBytes = 0;
  #txTimer: NodeJS.Timeout | undefined;
  /** Own latest votes at the current height, by type (prevote, precommit): re-sent while stuck. */
  #ownLatest = new Map<string, { topic: string; data: Uint8Array }>();
  #rebroadcastTimer: NodeJS.Timeout | undefined;
  #heightAtLastTick = -1n;
  /** When the first message of the next height came, at this height (see #nextHeightSeen). */
  #nextHeightSince: number | undefined;
  /** The core's step as last observed, and since when (for the step-time metric). */
  #stepSeen = '';
  #stepSince = 0;

  constructor(deps: ReactorDeps) {
    this.#d = deps;
    this.#topics = consensusTopics(deps.chain.chainId);
    this.#log = deps.logger.child({ mod: 'consensus' });
    this.#now = deps.now ?? (() => BigInt(Date.now()));
    this.evidence = new EvidencePool(deps.chain);
    this.#sync = new BlockSync({
      chain: deps.chain,
      p2p: deps.p2p,
      protocol: this.#topics.blocks,
      logger: this.#log,
      ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
      onSynced: () => this.#restartCore(),
      onFatal: deps.onFatal,
    });
  }

  get height(): bigint {
    return this.#core.height;
  }

  get round(): number {
    return this.#core.round;
  }

  get step(): string {
    return this.#core.step;
  }

  get syncing(): boolean {
    return this.#sync.active;
  }

  /** Catch up to `height` by block sync, starting with `peer`. */
  syncFrom(peer: string, height: number): void {
    this.#sync.request(peer, height);
  }

  start(): void {
    const p2p = this.#d.p2p;
    p2p.subscribe(this.#topics.proposal, (m) => this.#onProposalMessage(m.data, m.from));
    p2p.subscribe(this.#topics.compact, (m) => this.#onCompactMessage(m.data, m.from));
    p2p.subscribe(this.#topics.vote, (m) => this.#onVoteMessage(m.data, m.from));
    p2p.subscribe(this.#topics.txs, (m) => this.#onTxMessage(m.data), { relayDelayMs: TX_RELAY_DELAY_MS });
    p2p.subscribe(this.#topics.evidence, (m) => this.#onEvidenceMessage(m.data));
    this.#sync.serve();
    p2p.handle(this.#topics.blockTxs, async (req) => this.#serveBlockTxs(req), {
      maxResponseBytes: BLOCK_BYTES_MAX,
    });
    this.#d.ingress.onLocalAdmitted = (tx) => this.#queueTx(tx);
    this.#d.ingress.onArrived = (hashHex, bytes, hash) => this.#onTxAtHand(hashHex, bytes, hash);
    this.#restartCore();
    this.#rebroadcastTimer = setInterval(() => this.#rebroadcast(), REBROADCAST_INTERVAL_MS);
  }

  #rebroadcast(): void {
    if (this.#stopped || this.#sync.active) return;
    const height = this.#core.height;
    if (height === this.#heightAtLastTick) {
      for (const m of this.#ownLatest.values()) this.#publish(m.topic, m.data);
    }
    this.#heightAtLastTick = height;
  }

  #sendOwn(kind: string, topic: string, data: Uint8Array): void {
    this.#ownLatest.set(kind, { topic, data });
    this.#publish(topic, data);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#txTimer) clearTimeout(this.#txTimer);
    if (this.#rebroadcastTimer) clearInterval(this.#rebroadcastTimer);
    this.#d.ingress.onLocalAdmitted = undefined;
    this.#d.ingress.onArrived = undefined;
    await this.#sync.stop();
  }

  /**
   * What is kept per height goes when the height does; what already arrived for the height that
   * starts now (`keepFrom`) stays, as the core keeps its buffered next-height messages.
   */
  #clearHeight(keepFrom?: bigint): void {
    const stale = (height: bigint) => keepFrom === undefined || height < keepFrom;
    this.#blocks.clear();
    for (const [key, e] of this.#proposals) if (stale(e.proposal.height)) this.#proposals.delete(key);
    for (const [hex, waiting] of this.#waiting) {
      const left = waiting.filter((w) => !stale(w.entry.proposal.height));
      if (left.length === 0) this.#waiting.delete(hex);
      else this.#waiting.set(hex, left);
    }
    this.#earlyCompact = this.#earlyCompact.filter((e) => !stale(e.m.height));
    this.#earlyCompactBytes = this.#earlyCompact.reduce((n, e) => n + e.bytes, 0);
    this.#nextProposers = undefined;
    this.#ownLatest.clear();
    this.#nextHeightSince = undefined;
  }

  /** Whether a message's height is the one being decided or the next (which the core buffers). */
  #current(height: bigint): boolean {
    return height === this.#core.height || height === this.#core.height + 1n;
  }

  /** The proposer of `round` at `height` (the current height or the next). */
  #proposerAt(height: bigint, round: number): Validator {
    if (height === this.#core.height) return this.#core.proposer(round);
    // The next height's set is this one's with priorities advanced once (see #validatorsAt).
    this.#nextProposers ??= new ProposerRotation(this.#core.validators.copyIncrementProposerPriority(1));
    return this.#nextProposers.at(round);
  }

  /** A fresh core at the chain's next height, fed with what the WAL holds for that height. */
  #restartCore(): void {
    if (this.#stopped) return;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#clearHeight();
    const height = BigInt(this.#d.chain.height + 1);
    this.#core = new ConsensusCore(
      {
        chainId: this.#d.chain.chainId,
        height,
        validators: this.#validatorsAt(Number(height)),
        timeouts: this.#d.timeouts,
      },
      {
        ...(this.#d.signer === undefined ? {} : { signer: this.#d.signer }),
        getValue: () => this.#proposeValue(),
        isValid: (v) => this.#isValid(v),
        verifyVote: (v, val) => this.#verifyVote(v, val.pubKey!.algorithm, val.pubKey!.key),
        verifyProposal: (p, proposer) => this.#verifyProposal(p, proposer),
        now: this.#now,
      },
    );
    const replay = this.#walEvents(height);
    this.#dispatch(this.#core.start());
    // Own messages replayed from the WAL are sent again: peers that missed them before the
    // crash still need them, and the double-sign guard keeps the node from signing new ones.
    for (const { event, own } of replay) {
      this.#dispatch(this.#core.handle(event));
      if (own && event.kind === 'vote')
        this.#sendOwn(`vote${event.vote.type}`, this.#topics.vote, encodeVoteMessage(event.vote));
      if (own && event.kind === 'proposal' && event.value)
        this.#broadcastProposal(event.proposal, event.value);
    }
  }

  /** Validator sets per height: the genesis set's proposer priorities advanced once per height. */
  #validatorsAt(height: number): ValidatorSet {
    const first = this.#d.chain.initialHeight;
    if (this.#set === undefined || this.#set.height > height) {
      this.#set = { height: first, set: this.#d.chain.validatorSet };
    }
    while (this.#set.height < height) {
      this.#set = { height: this.#set.height + 1, set: this.#set.set.copyIncrementProposerPriority(1) };
    }
    return this.#set.set;
  }

  #walEvents(height: bigint): { event: ConsensusEvent; own: boolean }[] {
    const out: { event: ConsensusEvent; own: boolean }[] = [];
    for (const raw of this.#d.wal.replayed()) {
      let r: WalRecord;
      try {
        r = decodeWalRecord(raw);
      } catch (e) {
        // A record that passed its checksum but does not decode is corruption, not a torn tail.
        this.#d.onFatal(e);
        return [];
      }
      if (r.height !== height) continue;
      if (r.kind === 'vote') out.push({ event: { kind: 'vote', vote: r.vote }, own: r.own });
      else {
        const block = decodeBlock(r.block);
        const value = proposalValue(r.proposal, headerHash(block.header!), r.block);
        this.#blocks.set(toHex(value.hash), block);
        out.push({ event: { kind: 'proposal', proposal: r.proposal, value }, own: r.own });
      }
    }
    return out;
  }

  #handle(event: ConsensusEvent): void {
    if (this.#stopped || this.#sync.active) return;
    const { height, round } = this.#core;
    this.#dispatch(this.#core.handle(event));
    if (this.#core.height === height && this.#core.round !== round) {
      // Round 0 is the norm; a later round means a proposal or votes did not arrive in time.
      this.#log.info('entering new round', {
        height: height.toString(),
        round: this.#core.round,
        after: event.kind === 'timeout' ? `timeout ${event.step}` : event.kind,
      });
    }
  }

  #dispatch(actions: Action[]): void {
    this.#dispatchAll(actions);
    this.#observeStep();
  }

  #observeStep(): void {
    const m = this.#d.metrics;
    if (m === undefined || this.#stopped) return;
    const step = this.#core.step;
    if (step === this.#stepSeen) return;
    const now = performance.now();
    if (this.#stepSeen !== '')
      m.consensusStepSeconds.observe({ step: this.#stepSeen }, (now - this.#stepSince) / 1000);
    this.#stepSeen = step;
    this.#stepSince = now;
    m.consensusHeight.set(Number(this.#core.height));
    m.consensusRound.set(this.#core.round);
  }

  #dispatchAll(actions: Action[]): void {
    for (const a of actions) {
      if (this.#stopped) return;
      switch (a.kind) {
        case 'persist': {
          // Logged before the broadcast that follows it in the same list; a vote is fsynced first.
          // An own proposal is not: what keeps a restarted proposer from signing another one for
          // the round is the signer's state, made durable before it returned the signature. The
          // proposal (with its whole block, megabytes) becomes durable with the next synced
          // record, the prevote that follows it, instead of holding the proposal back.
          const r = a.record;
          const ok = this.#appendWal(
            r.kind === 'vote'
              ? { kind: 'vote', height: r.vote.height, own: true, vote: r.vote }
              : {
                  kind: 'proposal',
                  height: r.proposal.height,
                  own: true,
                  proposal: r.proposal,
                  block: r.value.bytes,
                },
            r.kind === 'vote',
          );
          if (!ok) return;
          break;
        }
        case 'broadcast-proposal':
          this.#broadcastProposal(a.proposal, a.value);
          break;
        case 'broadcast-vote':
          this.#sendOwn(`vote${a.vote.type}`, this.#topics.vote, encodeVoteMessage(a.vote));
          if (a.vote.type === SignedMsgType.PRECOMMIT) this.#speculate(a.vote.blockId?.hash);
          break;
        case 'schedule-timeout': {
          const t = setTimeout(() => {
            this.#timers.delete(t);
            this.#handle({ kind: 'timeout', height: a.height, round: a.round, step: a.step });
          }, a.delayMs);
          this.#timers.add(t);
          break;
        }
        case 'decide':
          this.#d.metrics?.consensusRoundsPerHeight.observe(a.round + 1);
          void this.#commit(a.height, a.value, a.commit);
          break;
        case 'evidence':
          this.#onEquivocation(a);
          break;
      }
    }
  }

  /**
   * Once this node has precommitted a block, executes it while the other precommits arrive
   * (Chain.speculate): a decision for it then only has to write it. After the precommit is
   * sent, not before, so the execution never holds back this node's own vote.
   */
  #speculate(hash: Uint8Array | undefined): void {
    if (hash === undefined || hash.length === 0) return;
    const block = this.#blocks.get(toHex(hash));
    if (block === undefined) return;
    setImmediate(() => {
      if (!this.#stopped) void this.#d.chain.speculate(block, hash);
    });
  }

  async #commit(height: bigint, value: ProposalValue, commit: Commit): Promise<void> {
    assert(!this.#committing, 'two decisions in flight');
    this.#committing = true;
    try {
      const block = this.#blocks.get(toHex(value.hash)) ?? decodeBlock(value.bytes);
      await this.#d.chain.commitBlock(block, value.hash, commit, value.bytes);
      this.#d.wal.reset();
    } catch (e) {
      this.#log.error('cannot commit a decided block; stopping', {
        height: height.toString(),
        error: String(e),
      });
      this.#d.onFatal(e);
      return;
    } finally {
      this.#committing = false;
    }
    if (this.#stopped) return;
    this.#clearHeight(height + 1n);
    this.#dispatch(this.#core.nextHeight(this.#validatorsAt(Number(height) + 1)));
  }

  /** Conflicting votes the core caught: evidence for a block, and for the peers. */
  #onEquivocation(pair: { voteA: Vote; voteB: Vote }): void {
    const ev = evidenceFromVotes(pair, this.#core.validators);
    let added: 'added' | 'known';
    try {
      added = this.evidence.add(ev);
    } catch (e) {
      this.#log.warn('cannot keep evidence', { error: (e as Error).message });
      return;
    }
    if (added === 'known') return;
    this.#log.warn('duplicate vote: evidence queued for the next block', {
      height: pair.voteA.height.toString(),
      round: pair.voteA.round,
      validator: toHex(pair.voteA.validatorAddress),
    });
    this.#d.metrics?.consensusEvidenceTotal.inc({ source: 'own' });
    this.#publish(this.#topics.evidence, encodeEvidenceMessage(ev));
  }

  #onEvidenceMessage(data: Uint8Array): GossipVerdict {
    let ev: ReturnType<typeof decodeEvidenceMessage>;
    try {
      ev = decodeEvidenceMessage(data);
    } catch {
      return 'reject';
    }
    try {
      if (this.evidence.add(ev) === 'known') return 'ignore';
    } catch (e) {
      // Well-formed but old, committed or ahead of us is not the sender's fault.
      return isLatticeError(e, 'EVIDENCE_INVALID') && e.meta.stale !== true ? 'reject' : 'ignore';
    }
    this.#d.metrics?.consensusEvidenceTotal.inc({ source: 'peer' });
    return 'accept';
  }

  #proposeValue(): ProposalValue {
    const p = this.#d.chain.buildBlock(
      this.#d.signer!.address,
      PROPOSAL_TXS_BYTES_MAX,
      this.evidence.forBlock(),
    );
    this.#blocks.set(toHex(p.hash), p.block);
    this.#own = { hash: toHex(p.hash), message: toCompact(p.block, p.txHashes, 0) };
    return { hash: p.hash, bytes: p.bytes, partSet: partSetHeader(p.bytes) };
  }

  #isValid(value: ProposalValue): boolean {
    try {
      const block = this.#blocks.get(toHex(value.hash)) ?? decodeBlock(value.bytes);
      this.#d.chain.checkBlock(block);
      this.#blocks.set(toHex(value.hash), block);
      return true;
    } catch (e) {
      this.#log.warn('invalid proposed block', { hash: toHex(value.hash), error: (e as Error).message });
      return false;
    }
  }

  #verifySig(
    bytes: Uint8Array,
    signature: Uint8Array,
    alg: number,
    key: Uint8Array,
    context: string,
  ): boolean {
    return this.#d.chain.signatures.verify(alg, key, bytes, signature, context);
  }

  #verifyProposal(p: Proposal, proposer: Validator): boolean {
    const bytes = proposalSignBytes(this.#d.chain.chainId, p);
    return this.#verifySig(
      bytes,
      p.signature,
      proposer.pubKey!.algorithm,
      proposer.pubKey!.key,
      SIGN_CONTEXT_PROPOSAL,
    );
  }

  #verifyVote(v: Vote, alg: number, key: Uint8Array): boolean {
    return this.#verifySig(voteSignBytes(this.#d.chain.chainId, v), v.signature, alg, key, SIGN_CONTEXT_VOTE);
  }

  #publish(topic: string, data: Uint8Array): void {
    this.#d.p2p.publish(topic, data).catch((e: unknown) => {
      this.#log.warn('publish failed', { topic, bytes: data.length, error: String(e) });
    });
  }

  // ---- gossip in -----------------------------------------------------------------------------

  /** Messages ahead of the next height mean this node is behind: catch up by block sync. */
  #ahead(height: bigint, from: string): boolean {
    if (height === this.#core.height + 1n) this.#nextHeightSeen(from);
    if (height <= this.#core.height + 1n) return false;
    this.#sync.request(from, Number(height) - 1);
    return true;
  }

  /**
   * Messages of the next height are normal for a moment (a peer committed first), but if they
   * keep coming while this node still cannot decide, the others have decided without it and
   * moved on: they no longer send this height's votes. That happens to a validator killed after
   * its precommit and restarted before it committed. The block is fetched by block sync from a
   * peer that has it (its commit is verified like any other).
   */
  #nextHeightSeen(from: string): void {
    const now = performance.now();
    if (this.#nextHeightSince === undefined) {
      this.#nextHeightSince = now;
      return;
    }
    if (now - this.#nextHeightSince < NEXT_HEIGHT_SYNC_AFTER_MS) return;
    this.#nextHeightSince = now;
    this.#log.info('peers are a height ahead: fetching the decided block', {
      height: this.#core.height.toString(),
      peer: from,
    });
    this.#sync.request(from, Number(this.#core.height));
  }

  /**
   * A proposal goes out alone, then its block in compact form: the one made when the block was
   * built, or made again (WAL replay, a re-proposed valid value). The node keeps the whole block
   * as an entry, to serve the txs peers ask for.
   */
  #broadcastProposal(proposal: Proposal, value: ProposalValue): void {
    // Txs waiting for the gossip timer go first: the block may list some, and peers that lack
    // them when its compact form arrives must wait for them.
    this.#flushTxs();
    this.#publish(this.#topics.proposal, encodeProposalMessage(proposal));
    const hex = toHex(value.hash);
    const block = this.#blocks.get(hex) ?? decodeBlock(value.bytes);
    const txs = block.data?.txs ?? [];
    const m =
      this.#own?.hash === hex
        ? { ...this.#own.message, round: proposal.round }
        : toCompact(
            block,
            txs.map((t) => txHash(t)),
            proposal.round,
          );
    this.#proposals.set(proposalKey(proposal.height, proposal.round), {
      proposal,
      compact: { block, hashes: m.txHashes, txs, missing: 0, from: undefined, fetching: false },
      done: true,
    });
    this.#publish(this.#topics.compact, encodeCompactBlockMessage(m));
  }

  #onProposalMessage(data: Uint8Array, from: string): GossipVerdict {
    let p: Proposal;
    try {
      p = decodeProposalMessage(data);
    } catch {
      return 'reject';
    }
    if (this.#sync.active || this.#ahead(p.height, from)) return 'ignore';
    if (!this.#current(p.height)) return 'ignore';
    if (p.blockId === undefined || !Number.isSafeInteger(p.round) || p.round < 0) return 'reject';
    if (!validPartSetHeader(p.blockId.partSetHeader)) return 'reject';
    // One proposal per round: a second one (an equivocating proposer) would only cost a block's
    // worth of fetching, memory and WAL; conflicting votes are what evidence is made of.
    const key = proposalKey(p.height, p.round);
    if (this.#proposals.has(key)) return 'ignore';
    if (!this.#verifyProposal(p, this.#proposerAt(p.height, p.round))) return 'reject';
    if (this.#proposals.size >= PROPOSALS_SEEN_PER_HEIGHT_MAX) return 'ignore';
    const entry: ProposalEntry = { proposal: p, compact: undefined, done: false };
    this.#proposals.set(key, entry);
    this.#observeProposalDelay(p, 'received');
    this.#log.debug('proposal received', { height: p.height.toString(), round: p.round });
    // A compact block that came first (by another path through the mesh) is taken now.
    const early = this.#earlyCompact.find((e) => e.m.height === p.height && e.m.round === p.round);
    if (early !== undefined && !this.#takeCompact(entry, early.m, early.from))
      this.#d.p2p.penalize(early.from, 'compact block that does not match its proposal');
    return 'accept';
  }

  #onCompactMessage(data: Uint8Array, from: string): GossipVerdict {
    let m: CompactBlockMessage;
    try {
      // Copied: what is kept (the bare block, hashes) must not alias the gossip buffer.
      m = decodeCompactBlockMessage(data.slice());
    } catch {
      return 'reject';
    }
    if (this.#sync.active || !this.#current(m.height)) return 'ignore';
    const entry = this.#proposals.get(proposalKey(m.height, m.round));
    if (entry === undefined) {
      // Unverifiable until its proposal arrives: held (not relayed), within a byte budget.
      if (this.#earlyCompactBytes + data.length <= EARLY_COMPACT_BYTES_MAX) {
        this.#earlyCompact.push({ m, from, bytes: data.length });
        this.#earlyCompactBytes += data.length;
      }
      return 'ignore';
    }
    if (entry.compact !== undefined) return 'ignore';
    return this.#takeCompact(entry, m, from) ? 'accept' : 'reject';
  }

  /**
   * Binds a compact block to its signed proposal (header hash, and the data hash over the listed
   * tx hashes) and fills in the txs the mempool has; the rest are awaited, then fetched. False
   * when it does not match: whoever sent it is at fault.
   */
  #takeCompact(entry: ProposalEntry, m: CompactBlockMessage, from: string): boolean {
    const block = openCompact(m, entry.proposal.blockId!.hash);
    if (block === undefined) return false;
    const c: CompactBlock = {
      block,
      hashes: m.txHashes,
      // Filled, not sparse: the missing indexes are found by iterating.
      txs: new Array(m.txHashes.length).fill(undefined),
      missing: m.txHashes.length,
      from,
      fetching: false,
    };
    entry.compact = c;
    let fromMempool = 0;
    let inAdmission = 0;
    for (const [i, h] of m.txHashes.entries()) {
      const hex = toHex(h);
      const tx = this.#d.ingress.pending(hex);
      if (tx !== undefined) {
        this.#fill(entry, i, tx.bytes, tx.hash);
        fromMempool++;
        continue;
      }
      // Still in admission here (its signature waits for the verifier): the block need not wait
      // for that; it is executed after the admission ends (Chain's txsSettled).
      const checking = this.#d.ingress.checkingBytes(hex);
      if (checking !== undefined) {
        this.#fill(entry, i, checking, h);
        inAdmission++;
        continue;
      }
      const waiting = this.#waiting.get(hex);
      if (waiting !== undefined) waiting.push({ entry, index: i });
      else if (this.#waiting.size < WAITING_TXS_MAX) this.#waiting.set(hex, [{ entry, index: i }]);
    }
    this.#d.metrics?.consensusBlockTxsTotal.inc({ source: 'mempool' }, fromMempool);
    this.#d.metrics?.consensusBlockTxsTotal.inc({ source: 'admission' }, inAdmission);
    if (c.missing === 0) this.#complete(entry);
    else setTimeout(() => void this.#fetchMissing(entry), BLOCK_TXS_FETCH_DELAY_MS).unref();
    return true;
  }

  /**
   * A tx now at hand (arrived and being checked, or fetched) may be one proposed blocks wait for:
   * its bytes match the listed hash, which is all a block needs of it before execution.
   */
  #onTxAtHand(hashHex: string, bytes: Uint8Array, hash: Uint8Array): void {
    const waiting = this.#waiting.get(hashHex);
    if (waiting === undefined) return;
    this.#waiting.delete(hashHex);
    for (const w of waiting) this.#fill(w.entry, w.index, bytes, hash);
  }

  #fill(entry: ProposalEntry, index: number, bytes: Uint8Array, hash: Uint8Array): void {
    const c = entry.compact!;
    if (c.txs[index] !== undefined) return;
    c.txs[index] = bytes;
    this.#d.chain.noteTxHash(bytes, hash);
    c.missing--;
    if (c.missing === 0) this.#complete(entry);
  }

  /**
   * Asks peers for the txs a proposed block still lacks: the relaying peer first, then the others.
   * Txs this node already has and is still checking for admission are not asked for (under load
   * the verifier's queue holds them past the fetch delay): they fill the block when admitted, and
   * are asked for on a later attempt only if they are refused.
   */
  async #fetchMissing(entry: ProposalEntry): Promise<void> {
    const c = entry.compact!;
    const { height, round } = entry.proposal;
    const key = proposalKey(height, round);
    // Still lacking txs, and still the proposal tracked for its round.
    const needed = () => !entry.done && c.missing > 0 && !this.#stopped && this.#proposals.get(key) === entry;
    if (c.fetching || !needed()) return;
    c.fetching = true;
    const wanted = (i: number) => c.txs[i] === undefined && !this.#d.ingress.checking(toHex(c.hashes[i]!));
    const peers = [c.from!, ...this.#d.p2p.readyPeers().map((p) => p.id)].filter(
      (p, i, all) => all.indexOf(p) === i,
    );
    for (const peer of peers) {
      if (!needed()) return;
      const indexes = c.txs.flatMap((_, i) => (wanted(i) ? [i] : []));
      if (indexes.length === 0) break;
      let txs: Uint8Array[];
      try {
        const res = await this.#d.p2p.request(
          peer,
          this.#topics.blockTxs,
          encodeBlockTxsRequest({ height, round, blockHash: entry.proposal.blockId!.hash, indexes }),
          { timeoutMs: BLOCK_TXS_REQUEST_TIMEOUT_MS, maxResponseBytes: BLOCK_BYTES_MAX },
        );
        txs = decodeBlockTxsResponse(res);
      } catch (e) {
        this.#log.debug('cannot fetch block txs', { peer, error: String(e) });
        continue;
      }
      if (txs.length !== indexes.length) {
        this.#d.p2p.penalize(peer, 'block txs answer of the wrong length');
        continue;
      }
      let fetched = 0;
      for (const [j, tx] of txs.entries()) {
        const index = indexes[j]!;
        if (tx.length === 0 || c.txs[index] !== undefined) continue;
        const hash = txHash(tx);
        if (!equalBytes(hash, c.hashes[index]!)) {
          this.#d.p2p.penalize(peer, 'block tx that does not match its hash');
          break;
        }
        fetched++;
        const bytes = tx.slice();
        // Every proposal waiting for this tx gets it, not only this one; this one may not be
        // waiting at all (WAITING_TXS_MAX), and filling twice is a no-op.
        this.#onTxAtHand(toHex(hash), bytes, hash);
        this.#fill(entry, index, bytes, hash);
      }
      this.#d.metrics?.consensusBlockTxsTotal.inc({ source: 'fetched' }, fetched);
    }
    c.fetching = false;
    if (!needed()) return;
    if (c.txs.some((t, i) => t === undefined && !wanted(i))) {
      setTimeout(() => void this.#fetchMissing(entry), BLOCK_TXS_FETCH_DELAY_MS).unref();
      return;
    }
    this.#log.warn('no peer had every tx of a proposed block', {
      height: height.toString(),
      round,
      missing: c.missing,
    });
  }

  /**
   * The txs of a proposed block this node has, for a peer rebuilding it: from the proposal being
   * decided, or from the block store once this node has committed it (a slower peer asks late).
   */
  #serveBlockTxs(req: Uint8Array): Uint8Array {
    const r = decodeBlockTxsRequest(req);
    const entry = this.#proposals.get(proposalKey(r.height, r.round));
    let txs: readonly (Uint8Array | undefined)[] = [];
    if (entry?.compact !== undefined && equalBytes(entry.proposal.blockId!.hash, r.blockHash)) {
      txs = entry.compact.txs;
    } else if (r.height <= BigInt(this.#d.chain.height)) {
      const block = this.#d.chain.blockAt(Number(r.height));
      if (block?.header !== undefined && equalBytes(headerHash(block.header), r.blockHash))
        txs = block.data?.txs ?? [];
    }
    return encodeBlockTxsResponse(r.indexes.map((i) => txs[i] ?? EMPTY));
  }

  /** A whole block: checked against the signed part set, made durable, handed to the core. */
  #complete(entry: ProposalEntry): void {
    if (entry.done) return;
    entry.done = true;
    const p = entry.proposal;
    const c = entry.compact!;
    const whole = rebuildBlock(c.block, c.txs as Uint8Array[], p.blockId!.partSetHeader!);
    if (whole === undefined) {
      // Header and txs match what the proposer signed, so the proposer cut other bytes than these.
      this.#log.warn('proposed block does not match its proposal', {
        height: p.height.toString(),
        round: p.round,
      });
      return;
    }
    const { block, bytes } = whole;
    this.#observeProposalDelay(p, 'complete');
    // openCompact bound the header's data hash to the listed hashes, and every tx matched its own.
    this.#d.chain.noteDataHashChecked(block);
    const hash = p.blockId!.hash;
    // Next-height messages are not logged: the WAL is emptied when the current height commits.
    if (p.height === this.#core.height)
      this.#appendWal({ kind: 'proposal', height: p.height, own: false, proposal: p, block: bytes }, false);
    // Built once: the validity check that follows uses this copy.
    this.#blocks.set(toHex(hash), block);
    this.#handle({ kind: 'proposal', proposal: p, value: proposalValue(p, hash, bytes) });
  }

  /**
   * How long after the proposer stamped it a proposal got here, by the node clocks: a diagnostic
   * (on one machine, as in bench:localnet, the clocks agree). Skewed clocks only skew the metric.
   */
  #observeProposalDelay(p: Proposal, stage: 'received' | 'complete'): void {
    if (p.timestamp === undefined) return;
    const ms = Number(this.#now() - timestampToMs(p.timestamp));
    if (ms >= 0) this.#d.metrics?.consensusProposalDelaySeconds.observe({ stage }, ms / 1000);
  }

  #onVoteMessage(data: Uint8Array, from: string): GossipVerdict {
    let vote: Vote;
    try {
      vote = decodeVoteMessage(data);
    } catch {
      return 'reject';
    }
    if (this.#sync.active || this.#ahead(vote.height, from)) return 'ignore';
    if (!this.#current(vote.height)) return 'ignore';
    // The set's members are the same at the next height until staking changes sets (H+2 rule).
    const validator = this.#core.validators.getByIndex(vote.validatorIndex);
    if (validator === undefined || toHex(validator.address) !== toHex(vote.validatorAddress)) return 'reject';
    if (!this.#verifyVote(vote, validator.pubKey!.algorithm, validator.pubKey!.key)) return 'reject';
    if (vote.height === this.#core.height)
      this.#appendWal({ kind: 'vote', height: vote.height, own: false, vote }, false);
    this.#handle({ kind: 'vote', vote });
    return 'accept';
  }

  /**
   * Own votes are fsynced before they are sent (own proposals with the next vote, see 'persist');
   * received messages are not: losing them costs a re-gossip, never safety. A WAL that cannot be
   * written stops the node (false).
   */
  #appendWal(r: WalRecord, sync: boolean): boolean {
    const record = encodeWalRecord(r);
    // Received messages only save a re-gossip after a crash: in a height that drags on for many
    // rounds they stop being logged before they could crowd out the node's own (which must be).
    if (!r.own && this.#d.wal.sizeBytes + record.length > WAL_FILE_BYTES_MAX - WAL_OWN_RESERVE_BYTES) {
      this.#log.debug('consensus WAL near its limit: received message not logged', { kind: r.kind });
      return true;
    }
    try {
      const started = performance.now();
      this.#d.wal.append(record, { sync });
      this.#d.metrics?.consensusWalWriteSeconds.observe(
        { sync: String(sync) },
        (performance.now() - started) / 1000,
      );
      return true;
    } catch (e) {
      this.#d.onFatal(e);
      return false;
    }
  }

  #onTxMessage(data: Uint8Array): GossipVerdict {
    let txs: Uint8Array[];
    try {
      txs = decodeTxBatch(data);
    } catch {
      return 'reject';
    }
    // Copied: the gossip buffer is not ours to keep. Refusals are counted by the ingress.
    void this.#d.ingress.submitPeerBatch(txs.map((tx) => tx.slice()));
    return 'accept';
  }

  #queueTx(tx: Uint8Array): void {
    this.#txQueue.push(tx);
    this.#txQueueBytes += tx.length;
    if (this.#txQueue.length >= TX_BATCH_MAX || this.#txQueueBytes >= TX_GOSSIP_BATCH_BYTES_MAX)
      this.#flushTxs();
    else if (this.#txTimer === undefined)
      this.#txTimer = setTimeout(() => this.#flushTxs(), TX_GOSSIP_FLUSH_MS);
  }

  #flushTxs(): void {
    if (this.#txTimer) clearTimeout(this.#txTimer);
    this.#txTimer = undefined;
    if (this.#txQueue.length === 0 || this.#stopped) return;
    const batch = this.#txQueue;
    this.#txQueue = [];
    this.#txQueueBytes = 0;
    this.#publish(this.#topics.txs, encodeTxBatch(batch));
  }
}
