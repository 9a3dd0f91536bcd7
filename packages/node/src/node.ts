import { existsSync, readFileSync } from 'node:fs';
import { type Genesis, LatticeApp, parseGenesis } from '@lattice/app';
import { InlineVerifier, parseAddress, type SignatureVerifier, WorkerPoolVerifier } from '@lattice/crypto';
import { AuthenticatedState } from '@lattice/state';
import { Store } from '@lattice/store';
import { createLogger, LatticeError, type Logger, to0x, toHex, toLatticeError, utf8 } from '@lattice/utils';
import { Chain, type CommittedBlock } from './chain.ts';
import { homePaths, loadConfig, type NodeConfig } from './config.ts';
import { Faucet } from './faucet.ts';
import { TxIngress } from './ingress.ts';
import { readKeyFile } from './keyfile.ts';
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
    if (genesis.validators.length > 1) {
      // Until the BFT engine is wired in, a multi-validator chain would fork: refuse plainly.
      throw new LatticeError(
        'CONFIG_INVALID',
        `genesis has ${genesis.validators.length} validators; this node runs single-validator chains only until the BFT engine is integrated`,
      );
    }

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
      const { evicted } = ingress.afterBlock(b.height, b.txHashes);
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
    const chain = new Chain({ store, app, mempool, genesis, validatorKey, logger: log, onCommit });
    const producer =
      chain.isValidator && !opts.manualBlocks
        ? new BlockProducer(
            { blockTimeMs: config.block.timeMs, createEmptyBlocks: config.block.createEmptyBlocks },
            { chain, mempool, logger: log },
          )
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
      faucet,
      verifier,
      logger: log,
    });
    node.#registerRpc();
    const { url, wsUrl } = await rpc.listen();
    node.rpcUrl = url;
    node.wsUrl = wsUrl;
    producer?.start();
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
  produceBlock(): Promise<CommittedBlock> {
    return this.chain.produceBlock(BigInt(Date.now()));
  }

  async stop(): Promise<void> {
    await this.producer?.stop();
    await this.rpc.close();
    await this.#verifier.close();
    await this.store.close();
    this.#log.info('node stopped');
  }
}
