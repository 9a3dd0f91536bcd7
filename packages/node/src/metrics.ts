import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Request and execution latencies: 100 µs to 10 s, roughly ×2.5 per step. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
/** Block intervals cluster around the 1 s target; the tail shows round changes and stalls. */
export const BLOCK_INTERVAL_BUCKETS_SECONDS: readonly number[] = [
  0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 5, 10, 30, 60,
];
/** Up to BLOCK_TXS_MAX (20 000). */
export const BLOCK_TXS_BUCKETS: readonly number[] = [
  0, 1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 20_000,
];
/** 1 KiB to BLOCK_BYTES_MAX (32 MiB), ×4 per step. */
export const BLOCK_BYTES_BUCKETS: readonly number[] = [
  1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 33_554_432,
];

export interface MetricsOptions {
  /** Prepended to every metric name; default 'lattice_'. */
  prefix?: string;
  /** Also collect the process metrics of prom-client (CPU, memory, event loop lag, GC). */
  collectDefault?: boolean;
}

/**
 * Every Prometheus metric of one node, in its own registry rather than prom-client's global one, so
 * that several nodes (tests, the simulator) can live in one process without name clashes.
 */
export class Metrics {
  readonly registry: Registry;
  readonly contentType: string;

  readonly height: Gauge;
  readonly blockIntervalSeconds: Histogram;
  readonly blockTxs: Histogram;
  readonly blockBytes: Histogram;
  readonly blockExecSeconds: Histogram;
  readonly blockCommitSeconds: Histogram;

  readonly mempoolSize: Gauge;
  readonly mempoolBytes: Gauge;
  /** Label `code`: the LatticeError code of the rejection. */
  readonly mempoolRejectedTotal: Counter<'code'>;

  /** Label `outcome`: ok | failed. */
  readonly txsTotal: Counter<'outcome'>;
  /** Signature verifications performed; rate() gives verifications per second. */
  readonly sigVerificationsTotal: Counter;
  readonly sigVerifyCacheHitsTotal: Counter;

  /** Label `method`: a registered method name, `<unknown>` or `<invalid>`. */
  readonly rpcRequestDurationSeconds: Histogram<'method'>;
  /** Labels `method` (as above) and `outcome`: ok | error | internal. */
  readonly rpcRequestsTotal: Counter<'method' | 'outcome'>;
  readonly wsConnections: Gauge;

  /** The height and round the consensus engine is working on (not yet committed). */
  readonly consensusHeight: Gauge;
  readonly consensusRound: Gauge;
  /** Rounds a height took to commit: 1 is the norm, more means timeouts or faults. */
  readonly consensusRoundsPerHeight: Histogram;
  /** Label `step`: propose | prevote | precommit | commit — time spent in each step of a round. */
  readonly consensusStepSeconds: Histogram<'step'>;
  /** Label `stage`: received (the proposal message) | complete (its block rebuilt). */
  readonly consensusProposalDelaySeconds: Histogram<'stage'>;
  readonly consensusWalWriteSeconds: Histogram<'sync'>;
  /** Label `source`: own (this node caught the equivocation) | peer (gossiped to us). */
  readonly consensusEvidenceTotal: Counter<'source'>;
  /** Txs of proposed blocks by where a node found them: its mempool, or fetched from a peer. */
  readonly consensusBlockTxsTotal: Counter<'source'>;
  /** After each block: a full mempool recheck, or the check state kept (nothing to recheck). */
  readonly mempoolRechecksTotal: Counter<'kind'>;
  /** Label `source`: local (RPC, faucet) | peer (gossip). From arrival to admission, admitted txs only. */
  readonly mempoolAdmissionSeconds: Histogram<'source'>;
  readonly p2pPeers: Gauge;
  /** Labels `topic` and `direction` (in: new messages received; out: own publishes). */
  readonly p2pGossipBytesTotal: Counter<'topic' | 'direction'>;
  readonly p2pGossipMessagesTotal: Counter<'topic' | 'direction'>;
  /** Penalties given to peers (invalid, oversized or rate-limited messages…) and the bans they led to. */
  readonly p2pPenaltiesTotal: Counter;
  readonly p2pBansTotal: Counter;
  readonly blockSyncActive: Gauge;
  readonly blockSyncTargetHeight: Gauge;
  readonly blockSyncBlocksTotal: Counter;

  constructor(opts: MetricsOptions = {}) {
    const prefix = opts.prefix ?? 'lattice_';
    const registry = new Registry();
    this.registry = registry;
    this.contentType = registry.contentType;
    const registers = [registry];

    this.height = new Gauge({
      name: `${prefix}height`,
      help: 'Height of the last committed block',
      registers,
    });
    this.blockIntervalSeconds = new Histogram({
      name: `${prefix}block_interval_seconds`,
      help: 'Time between consecutive block headers',
      buckets: [...BLOCK_INTERVAL_BUCKETS_SECONDS],
      registers,
    });
    this.blockTxs = new Histogram({
      name: `${prefix}block_txs`,
      help: 'Transactions per committed block',
      buckets: [...BLOCK_TXS_BUCKETS],
      registers,
    });
    this.blockBytes = new Histogram({
      name: `${prefix}block_bytes`,
      help: 'Encoded size of committed blocks',
      buckets: [...BLOCK_BYTES_BUCKETS],
      registers,
    });
    this.blockExecSeconds = new Histogram({
      name: `${prefix}block_exec_seconds`,
      help: 'Time to execute a block (finalizeBlock)',
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.blockCommitSeconds = new Histogram({
      name: `${prefix}block_commit_seconds`,
      help: 'Time to commit a block and its state to disk',
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });

    this.mempoolSize = new Gauge({
      name: `${prefix}mempool_size`,
      help: 'Transactions in the mempool',
      registers,
    });
    this.mempoolBytes = new Gauge({
      name: `${prefix}mempool_bytes`,
      help: 'Bytes of transactions in the mempool',
      registers,
    });
    this.mempoolRejectedTotal = new Counter({
      name: `${prefix}mempool_rejected_total`,
      help: 'Transactions refused by the mempool, by error code',
      labelNames: ['code'],
      registers,
    });

    this.txsTotal = new Counter({
      name: `${prefix}txs_total`,
      help: 'Transactions executed in committed blocks, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.sigVerificationsTotal = new Counter({
      name: `${prefix}sig_verifications_total`,
      help: 'Signature verifications performed',
      registers,
    });
    this.sigVerifyCacheHitsTotal = new Counter({
      name: `${prefix}sig_verify_cache_hits_total`,
      help: 'Signature verifications skipped thanks to the verified-signature cache',
      registers,
    });

    this.rpcRequestDurationSeconds = new Histogram({
      name: `${prefix}rpc_request_duration_seconds`,
      help: 'JSON-RPC request handling time, by method',
      labelNames: ['method'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.rpcRequestsTotal = new Counter({
      name: `${prefix}rpc_requests_total`,
      help: 'JSON-RPC requests, by method and outcome',
      labelNames: ['method', 'outcome'],
      registers,
    });
    this.wsConnections = new Gauge({
      name: `${prefix}rpc_ws_connections`,
      help: 'Open WebSocket connections',
      registers,
    });

    this.consensusHeight = new Gauge({
      name: `${prefix}consensus_height`,
      help: 'Height the consensus engine is deciding',
      registers,
    });
    this.consensusRound = new Gauge({
      name: `${prefix}consensus_round`,
      help: 'Round of the height being decided',
      registers,
    });
    this.consensusRoundsPerHeight = new Histogram({
      name: `${prefix}consensus_rounds_per_height`,
      help: 'Rounds each committed height took (1 = decided in its first round)',
      buckets: [1, 2, 3, 4, 6, 8, 16],
      registers,
    });
    this.consensusStepSeconds = new Histogram({
      name: `${prefix}consensus_step_seconds`,
      help: 'Time spent in each consensus step',
      labelNames: ['step'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.consensusProposalDelaySeconds = new Histogram({
      name: `${prefix}consensus_proposal_delay_seconds`,
      help: "Time from a peer's proposal timestamp to this node receiving it and completing its block",
      labelNames: ['stage'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.consensusWalWriteSeconds = new Histogram({
      name: `${prefix}consensus_wal_write_seconds`,
      help: 'Consensus WAL append latency; sync=true for own messages (fsynced)',
      labelNames: ['sync'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.mempoolRechecksTotal = new Counter({
      name: `${prefix}mempool_rechecks_total`,
      help: 'After each block, kind=full: the mempool was rechecked; kind=kept: the check state stayed valid',
      labelNames: ['kind'],
      registers,
    });
    this.mempoolAdmissionSeconds = new Histogram({
      name: `${prefix}mempool_admission_seconds`,
      help: 'Time from a tx reaching the node to its admission into the mempool (checks and signature verification)',
      labelNames: ['source'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.consensusBlockTxsTotal = new Counter({
      name: `${prefix}consensus_block_txs_total`,
      help: 'Txs of proposed blocks, by where this node found them when the block arrived (mempool, admission: still being checked, or fetched from a peer; the rest arrived later by gossip)',
      labelNames: ['source'],
      registers,
    });
    this.consensusEvidenceTotal = new Counter({
      name: `${prefix}consensus_evidence_total`,
      help: 'Duplicate-vote evidence verified and queued for a block, by who caught it',
      labelNames: ['source'],
      registers,
    });
    this.p2pPeers = new Gauge({ name: `${prefix}p2p_peers`, help: 'Connected peers', registers });
    this.p2pGossipBytesTotal = new Counter({
      name: `${prefix}p2p_gossip_bytes_total`,
      help: 'Gossip payload bytes by topic; in = new messages received, out = own publishes',
      labelNames: ['topic', 'direction'],
      registers,
    });
    this.p2pGossipMessagesTotal = new Counter({
      name: `${prefix}p2p_gossip_messages_total`,
      help: 'Gossip messages by topic; in = new messages received, out = own publishes',
      labelNames: ['topic', 'direction'],
      registers,
    });
    this.p2pPenaltiesTotal = new Counter({
      name: `${prefix}p2p_penalties_total`,
      help: 'Penalties given to peers for invalid, oversized or excess messages',
      registers,
    });
    this.p2pBansTotal = new Counter({
      name: `${prefix}p2p_bans_total`,
      help: 'Peers banned after their score fell to the threshold',
      registers,
    });
    this.blockSyncActive = new Gauge({
      name: `${prefix}blocksync_active`,
      help: '1 while the node catches up by block sync',
      registers,
    });
    this.blockSyncTargetHeight = new Gauge({
      name: `${prefix}blocksync_target_height`,
      help: 'Height block sync is catching up to',
      registers,
    });
    this.blockSyncBlocksTotal = new Counter({
      name: `${prefix}blocksync_blocks_total`,
      help: 'Blocks fetched, verified and committed by block sync',
      registers,
    });

    if (opts.collectDefault) collectDefaultMetrics({ register: registry, prefix });
  }

  /** The registry in the Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
