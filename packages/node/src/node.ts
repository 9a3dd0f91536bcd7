import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Genesis, LatticeApp, parseGenesis } from '@lattice/app';
import {
  InlineVerifier,
  parseAddress,
  type SignatureVerifier,
  sha256,
  WorkerPoolVerifier,
} from '@lattice/crypto';
import { P2PHost } from '@lattice/p2p';
import { AuthenticatedState } from '@lattice/state';
import { Store } from '@lattice/store';
import { createLogger, LatticeError, type Logger, to0x, toHex, toLatticeError, utf8 } from '@lattice/utils';
import { Chain, type CommittedBlock } from './chain.ts';
import { homePaths, loadConfig, type NodeConfig } from './config.ts';
import { ConsensusReactor } from './consensus/reactor.ts';
import { createPersistentSigner, type PersistentSigner } from './consensus/signer-state.ts';
import { WriteAheadLog } from './consensus/wal.ts';
import { Faucet } from './faucet.ts';
import { TxIngress } from './ingress.ts';
import { readKeyFile, readNodeKeyFile } from './keyfile.ts';
import { Mempool } from './mempool.ts';
import { Metrics } from './metrics.ts';
import { BlockProducer } from './producer.ts';
import { RpcServer } from './rpc/index.ts';
import { defineTopics, publishBlock, registerMethods } from './rpc-methods.ts';

export interface NodeOptions {
  home: string;
  /** Overrides applied on top of config.toml. */
  config?: (c: NodeConfig) => void;
  logger?: Logger;
  /** Tests: check supply invariants after every block and fail loudly. */
  checkInvariants?: boolean;
  /** Tests: do not start the block timer; blocks are produced with produceBlock(). */
  manualBlocks?: boolean;
  /** Tests: skip fsync. */
  noSync?: boolean;
  /** What a fatal consensus error does; by default the process exits. */
  onFatal?: (e: unknown) => void;
}

export function readGenesis(path: string): Genesis {
  if (!existsSync(path)) throw new LatticeError('GENESIS_INVALID', `genesis file not found: ${path}`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LatticeError('GENESIS_INVALID', `genesis file is not JSON: ${(e as Error).message}`);
  }
  return parseGenesis(doc);
}

/**
 * `latticed`: wires store, state, verifier, app, mempool, chain, producer and RPC in that order
 * and closes them in reverse.
 */
export class LatticeNode {
  readonly config: NodeConfig;
  readonly genesis: Genesis;
  readonly store: Store;
  readonly app: LatticeApp;
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly ingress: TxIngress;
  readonly metrics: Metrics;
  readonly rpc: RpcServer;
  readonly producer: BlockProducer | undefined;
  /** The BFT engine and its network, on multi-validator chains and followers. */
  readonly consensus:
    | { reactor: ConsensusReactor; p2p: P2PHost; wal: WriteAheadLog; signer: PersistentSigner | undefined }
    | undefined;
  readonly faucet: Faucet | undefined;
  readonly #verifier: SignatureVerifier;
  readonly #log: Logger;
  rpcUrl = '';
  wsUrl = '';

  private constructor(parts: {
    config: NodeConfig;
    genesis: Genesis;
    store: Store;
    app: LatticeApp;
    chain: Chain;
    mempool: Mempool;
    ingress: TxIngress;
    metrics: Metrics;
    rpc: RpcServer;
    producer: BlockProducer | undefined;
    consensus: LatticeNode['consensus'];
    faucet: Faucet | undefined;
    verifier: SignatureVerifier;
    logger: Logger;
  }) {
    this.config = parts.config;
    this.genesis = parts.genesis;
    this.store = parts.store;
    this.app = parts.app;
    this.chain = parts.chain;
    this.mempool = parts.mempool;
    this.ingress = parts.ingress;
    this.metrics = parts.metrics;
    this.rpc = parts.rpc;
    this.producer = parts.producer;
    this.consensus = parts.consensus;
    this.faucet = parts.faucet;
    this.#verifier = parts.verifier;
    this.#log = parts.logger;
  }

  static async start(opts: NodeOptions): Promise<LatticeNode> {
    const paths = homePaths(opts.home);
    const config = loadConfig(paths.config);
    opts.config?.(config);
    const log = opts.logger ?? createLogger({ level: config.log.level, format: config.log.format });
    const genesis = readGenesis(paths.genesis);

    // 1. storage and authenticated state
    const store = Store.open({ path: paths.data, noSync: opts.noSync ?? false });
    const state = new AuthenticatedState({ store });
    // 2. signature verification off the event loop
    const verifier: SignatureVerifier =
      config.verifier.threads > 0
        ? new WorkerPoolVerifier({ threads: config.verifier.threads })
        : new InlineVerifier();
    // 3. the state machine, initialised from genesis on first start
    const app = new LatticeApp(
      { chainId: genesis.chainId, minGasPrice: config.app.minGasPrice },
      { state, verifier },
    );
    if (!app.info().initialized) {
      const { appHash } = app.initChain(genesis);
      store.transaction(() => {
        app.commit();
        store.meta.put('genesis_chain_id', utf8(genesis.chainId));
      });
      log.info('initialised chain from genesis', { chainId: genesis.chainId, appHash: toHex(appHash) });
    }
    const metrics = new Metrics();
    const mempool = new Mempool({ maxTxs: config.mempool.maxTxs, maxBytes: config.mempool.maxBytes });
    const ingress = new TxIngress({ app, mempool, metrics });
    const validatorKey = existsSync(paths.validatorKey) ? readKeyFile(paths.validatorKey).key : undefined;
    // 4. RPC (before the chain so committed blocks can be published from the first one)
    const rpc = new RpcServer(
      { host: config.rpc.host, port: config.rpc.port },
      { logger: log.child({ mod: 'rpc' }), metrics },
    );
    let lastBlockAt: number | undefined;
    const onCommit = (b: CommittedBlock) => {
      const { evicted } = ingress.afterBlock(b.height, b.txHashes, b.recheck);
      metrics.mempoolRechecksTotal.inc({ kind: b.recheck ? 'full' : 'kept' });
      if (evicted > 0) log.debug('mempool recheck evicted txs', { evicted });
      const now = performance.now();
      metrics.height.set(b.height);
      if (lastBlockAt !== undefined) metrics.blockIntervalSeconds.observe((now - lastBlockAt) / 1000);
      lastBlockAt = now;
      metrics.blockTxs.observe(b.txHashes.length);
      metrics.blockBytes.observe(b.blockBytes);
      metrics.blockExecSeconds.observe(b.execMs / 1000);
      metrics.blockCommitSeconds.observe(b.commitMs / 1000);
      let failed = 0;
      for (const r of b.results) if (r.code !== 0) failed++;
      metrics.txsTotal.inc({ outcome: 'ok' }, b.results.length - failed);
      if (failed > 0) metrics.txsTotal.inc({ outcome: 'failed' }, failed);
      metrics.sigVerificationsTotal.inc(verifier.verifiedTotal - sigSeen);
      sigSeen = verifier.verifiedTotal;
      metrics.sigVerifyCacheHitsTotal.inc(app.sigCacheHits - cacheHitsSeen);
      cacheHitsSeen = app.sigCacheHits;
      if (opts.checkInvariants) {
        const problems = app.checkInvariants();
        if (problems.length > 0)
          throw new Error(`invariants broken at height ${b.height}: ${problems.join('; ')}`);
      }
      publishBlock(rpc, b);
      log.info('committed block', {
        height: b.height,
        txs: b.txHashes.length,
        execMs: Math.round(b.execMs),
        commitMs: Math.round(b.commitMs),
        mempool: mempool.size,
      });
    };
    let sigSeen = 0;
    let cacheHitsSeen = 0;
    // 5. the chain and its producer
    const chain = new Chain({
      store,
      app,
      mempool,
      genesis,
      validatorKey,
      logger: log,
      onCommit,
      txsSettled: (txs) => ingress.settled(txs),
    });
    // A lone validator with no peers configured produces blocks on its own timer; any other
    // node (many validators, or a follower) runs the BFT engine over the network.
    const bft =
      genesis.validators.length > 1 ||
      !chain.isValidator ||
      config.p2p.persistentPeers.length + config.p2p.bootstrap.length > 0;
    const producer =
      !bft && !opts.manualBlocks
        ? new BlockProducer(
            { blockTimeMs: config.block.timeMs, createEmptyBlocks: config.block.createEmptyBlocks },
            { chain, mempool, logger: log },
          )
        : undefined;
    const consensus = bft
      ? await startConsensus({
          paths,
          config,
          genesis,
          chain,
          ingress,
          validatorKey,
          log,
          metrics,
          onFatal: opts.onFatal,
        })
      : undefined;
    const faucet =
      config.devnet.faucet && existsSync(paths.faucetKey)
        ? new Faucet(
            { minGasPrice: config.app.minGasPrice },
            { key: readKeyFile(paths.faucetKey).key, app, ingress },
          )
        : undefined;
    const node = new LatticeNode({
      config,
      genesis,
      store,
      app,
      chain,
      mempool,
      ingress,
      metrics,
      rpc,
      producer,
      consensus,
      faucet,
      verifier,
      logger: log,
    });
    node.#registerRpc();
    const { url, wsUrl } = await rpc.listen();
    node.rpcUrl = url;
    node.wsUrl = wsUrl;
    producer?.start();
    if (!opts.manualBlocks) consensus?.reactor.start();
    log.info('node started', {
      chainId: genesis.chainId,
      height: chain.height,
      rpc: url,
      validator: chain.isValidator,
    });
    return node;
  }

  #registerRpc(): void {
    const services = {
      genesis: this.genesis,
      app: this.app,
      chain: this.chain,
      store: this.store,
      ingress: this.ingress,
      mempool: this.mempool,
      faucet: this.faucet,
      devnet: this.config.devnet.faucet,
      moniker: this.config.moniker,
      minGasPrice: this.config.app.minGasPrice,
      ...(this.consensus === undefined
        ? {}
        : {
            consensus: () => {
              const { reactor, p2p } = this.consensus!;
              return {
                height: reactor.height,
                round: reactor.round,
                step: reactor.step,
                syncing: reactor.syncing,
                peers: p2p.readyPeers().length,
              };
            },
          }),
    };
    registerMethods(this.rpc, services);
    defineTopics(this.rpc);
    this.rpc.route('GET', '/health', async () => ({
      status: 200,
      body: { status: 'ok', height: this.chain.height, mempool: this.mempool.size },
    }));
    this.rpc.route('GET', '/metrics', async () => ({
      status: 200,
      body: await this.metrics.text(),
      contentType: this.metrics.contentType,
    }));
    this.rpc.route('POST', '/faucet', async (req) => {
      if (!this.faucet)
        return {
          status: 404,
          body: { error: { code: 'FAUCET_DISABLED', message: 'no faucet on this node' } },
        };
      const address = (req.body as { address?: unknown } | undefined)?.address;
      if (typeof address !== 'string')
        return {
          status: 400,
          body: { error: { code: 'INVALID_ARGUMENT', message: 'body must be {"address": "lat1…"}' } },
        };
      try {
        const r = await this.faucet.fund(parseAddress(address));
        return { status: 200, body: { hash: to0x(r.hash), amount: r.amount } };
      } catch (e) {
        const err = toLatticeError(e);
        return { status: 400, body: { error: { code: err.code, message: err.message } } };
      }
    });
  }

  /** Produces one block now (manualBlocks mode, tests). */
  /** `maxTxBytes` caps the block's txs below the chain's limit (a block that leaves txs behind). */
  produceBlock(maxTxBytes?: number): Promise<CommittedBlock> {
    return this.chain.produceBlock(BigInt(Date.now()), maxTxBytes);
  }

  async stop(): Promise<void> {
    await this.producer?.stop();
    await this.consensus?.reactor.stop();
    await this.consensus?.p2p.stop();
    this.consensus?.wal.close();
    this.consensus?.signer?.close();
    await this.rpc.close();
    await this.#verifier.close();
    await this.store.close();
    this.#log.info('node stopped');
  }
}

/** `/lattice/<chain>/consensus/vote/1` → `consensus/vote`: the chain id need not be in every series. */
function topicLabel(topic: string): string {
  return topic.split('/').slice(3, -1).join('/');
}

/** The network, the consensus WAL and signer, and the reactor that runs consensus over them. */
async function startConsensus(o: {
  paths: ReturnType<typeof homePaths>;
  config: NodeConfig;
  genesis: Genesis;
  chain: Chain;
  ingress: TxIngress;
  validatorKey: ReturnType<typeof readKeyFile>['key'] | undefined;
  log: Logger;
  metrics: Metrics;
  onFatal: ((e: unknown) => void) | undefined;
}): Promise<NonNullable<LatticeNode['consensus']>> {
  const { paths, config, genesis, chain, log } = o;
  const nodeKey = existsSync(paths.nodeKey) ? readNodeKeyFile(paths.nodeKey) : undefined;
  const p2p = await P2PHost.create(
    {
      listen: [config.p2p.listen],
      bootstrap: config.p2p.bootstrap,
      persistentPeers: config.p2p.persistentPeers,
      ...(nodeKey === undefined ? {} : { privateKey: nodeKey }),
      chainId: genesis.chainId,
      genesisHash: sha256(readFileSync(paths.genesis)),
      peerStorePath: join(paths.data, 'peers.json'),
    },
    {
      logger: log,
      statusProvider: () => ({ height: BigInt(chain.height) }),
      onGossipTraffic: (topic, direction, bytes) => {
        const labels = { topic: topicLabel(topic), direction };
        o.metrics.p2pGossipBytesTotal.inc(labels, bytes);
        o.metrics.p2pGossipMessagesTotal.inc(labels);
      },
    },
  );
  const wal = WriteAheadLog.open(join(paths.data, 'consensus', 'wal'));
  if (wal.truncatedBytes > 0)
    log.warn('cut a torn record off the consensus WAL', { bytes: wal.truncatedBytes });
  const signer =
    o.validatorKey !== undefined && chain.isValidator
      ? createPersistentSigner({
          chainId: genesis.chainId,
          key: o.validatorKey,
          statePath: join(paths.data, 'priv_validator_state.bin'),
          legacyJsonPath: join(paths.data, 'priv_validator_state.json'),
        })
      : undefined;
  const onFatal =
    o.onFatal ??
    ((e: unknown) => {
      log.error('consensus failed; stopping', {
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });
      process.exit(1);
    });
  const reactor = new ConsensusReactor({
    chain,
    ingress: o.ingress,
    p2p,
    wal,
    signer,
    timeouts: genesis.timeouts,
    logger: log,
    metrics: o.metrics,
    onFatal,
  });
  p2p.on((e) => {
    if (e.type === 'peer:ready' || e.type === 'peer:disconnect')
      o.metrics.p2pPeers.set(p2p.readyPeers().length);
    else if (e.type === 'peer:penalized') o.metrics.p2pPenaltiesTotal.inc();
    else if (e.type === 'peer:banned') o.metrics.p2pBansTotal.inc();
    // A peer more than one block ahead at handshake: catch up before voting.
    if (e.type === 'peer:ready' && e.height > BigInt(chain.height) + 1n)
      reactor.syncFrom(e.peer, Number(e.height));
  });
  return { reactor, p2p, wal, signer };
}
