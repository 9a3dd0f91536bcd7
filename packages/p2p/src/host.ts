import { hash, randomBytes } from 'node:crypto';
import {
  P2P_DIAL_TIMEOUT_MS,
  P2P_GOSSIP_CONCURRENCY_MAX,
  P2P_GOSSIP_FRAME_BYTES_MAX,
  P2P_GOSSIP_RPC_OVERHEAD_BYTES,
  P2P_HANDLER_TIMEOUT_MS,
  P2P_INBOUND_REQUESTS_MAX,
  P2P_MESSAGE_BYTES_MAX,
  P2P_PEER_CACHE_MAX,
  P2P_PEERS_MAX,
  P2P_PENALTY_DEFAULT_POINTS,
  P2P_PENALTY_INVALID_POINTS,
  P2P_PENALTY_OVERSIZED_POINTS,
  P2P_PENALTY_RATE_LIMITED_POINTS,
  P2P_PERSISTENT_REDIAL_INTERVAL_MS,
  P2P_PEX_TARGET_PEERS,
  P2P_RELAY_DELAY_MAX_MS,
  P2P_RELAY_QUEUE_MAX,
  P2P_REQUEST_BYTES_MAX,
  P2P_REQUEST_TIMEOUT_MS,
  P2P_RESPONSE_BYTES_MAX,
  P2P_STATUS_TIMEOUT_MS,
  P2P_STREAMS_PER_PROTOCOL_MAX,
} from '@lattice/params';
import { equalBytes, fromUtf8, isLatticeError, LatticeError, type Logger, utf8 } from '@lattice/utils';
import { type GossipSub, gossipsub, TopicValidatorResult } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import { makeEncrypter } from './encrypter.ts';
import { readFrame } from './framing.ts';
import { decodePeerKey, parsePeerId } from './keys.ts';
import { type CachedPeer, loadPeerCache, savePeerCache } from './peer-cache.ts';
import { PeerExchange } from './pex.ts';
import { PeerBook } from './scores.ts';
import { decodeStatus, encodeStatus, STATUS_BYTES_MAX, STATUS_PROTOCOL, type Status } from './status.ts';
import {
  ERROR_MESSAGE_BYTES_MAX,
  RESPONSE_ERROR,
  RESPONSE_OK,
  raceSignal,
  responseBody,
  sendFrame,
  timeoutSignal,
} from './streams.ts';
import type {
  GossipHandler,
  HandleOptions,
  P2PConfig,
  P2PDeps,
  P2PEvent,
  P2PListener,
  PeerSummary,
  RequestHandler,
  RequestOptions,
  SubscribeOptions,
} from './types.ts';

type Services = { pubsub: GossipSub; identify: unknown; ping: unknown };

/**
 * Every gossip payload is sent as [u64 nonce][data]: message ids are the SHA-256 of that, so
 * copies relayed through the mesh are dropped as duplicates while a deliberate re-send of the
 * same data (consensus messages while a height is stuck) is a new message.
 */
const GOSSIP_NONCE_BYTES = 8;

function peerOfAddr(addr: string): string | undefined {
  return multiaddr(addr)
    .getComponents()
    .findLast((c) => c.name === 'p2p')?.value;
}

/** `addr` with the peer id appended, as a dialable multiaddr needs it (unless it has one). */
function withPeerId(addr: string, peer: string): string {
  return peerOfAddr(addr) === undefined ? `${addr}/p2p/${peer}` : addr;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class P2PHost {
  readonly peerId: string;
  readonly #node: Libp2p<Services>;
  readonly #cfg: P2PConfig;
  readonly #log: Logger;
  readonly #book: PeerBook;
  readonly #status: () => { height: bigint };
  readonly #maxMessageBytes: number;
  readonly #traffic: P2PDeps['onGossipTraffic'];
  readonly #pex: PeerExchange;
  /** Starts at a random point so a restarted node does not repeat the ids of its earlier messages. */
  #nonce = new DataView(randomBytes(8).buffer).getBigUint64(0);
  readonly #listeners = new Set<P2PListener>();
  readonly #topics = new Map<string, GossipHandler>();
  readonly #relayDelays = new Map<string, number>();
  /** Accepted messages waiting for their topic's relay delay, oldest first, one timer per delay. */
  readonly #relayQueues = new Map<number, { due: number; msgId: string; from: string }[]>();
  readonly #protocols = new Set<string>();
  /** Heights of connected peers whose status handshake succeeded; cleared on disconnect. */
  readonly #heights = new Map<string, bigint>();
  readonly #keyExchange: Map<string, string>;
  /** Inbound connections waiting for the dialler's status request. */
  readonly #statusTimers = new Map<string, NodeJS.Timeout>();
  #cachedPeers: CachedPeer[] = [];
  #inflight = 0;
  #stopped = false;
  #redialTimer: NodeJS.Timeout | undefined;
  #cacheWrite: Promise<void> | undefined;
  #cacheDirty = false;

  private constructor(
    node: Libp2p<Services>,
    cfg: P2PConfig,
    deps: P2PDeps,
    book: PeerBook,
    keyExchange: Map<string, string>,
  ) {
    this.#node = node;
    this.#cfg = cfg;
    this.#book = book;
    this.#keyExchange = keyExchange;
    this.peerId = node.peerId.toString();
    this.#log = deps.logger.child({ mod: 'p2p', self: this.peerId.slice(-8) });
    this.#status = deps.statusProvider ?? (() => ({ height: 0n }));
    this.#maxMessageBytes = cfg.maxMessageBytes ?? P2P_MESSAGE_BYTES_MAX;
    this.#traffic = deps.onGossipTraffic;
    this.#pex = new PeerExchange(this, cfg.pexTargetPeers ?? P2P_PEX_TARGET_PEERS, this.#log);
  }

  static async create(cfg: P2PConfig, deps: P2PDeps): Promise<P2PHost> {
    const maxMessageBytes = cfg.maxMessageBytes ?? P2P_MESSAGE_BYTES_MAX;
    if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 1) {
      throw new LatticeError('CONFIG_INVALID', 'maxMessageBytes must be a positive integer');
    }
    for (const a of [...cfg.listen, ...cfg.bootstrap, ...(cfg.persistentPeers ?? [])]) {
      try {
        multiaddr(a);
      } catch {
        throw new LatticeError('CONFIG_INVALID', 'invalid multiaddr', { addr: a });
      }
    }
    encodeStatus({ chainId: cfg.chainId, genesisHash: cfg.genesisHash, height: 0n });
    const privateKey = cfg.privateKey === undefined ? undefined : decodePeerKey(cfg.privateKey);
    const book = new PeerBook(deps.now ?? Date.now);
    const keyExchange = new Map<string, string>();
    const denyBanned = (p: PeerId) => book.isBanned(p.toString());
    const node = await createLibp2p<Services>({
      ...(privateKey === undefined ? {} : { privateKey }),
      start: false,
      addresses: { listen: cfg.listen },
      transports: [tcp()],
      connectionEncrypters: [
        makeEncrypter(cfg.encrypter ?? 'tls', (peer, group) => keyExchange.set(peer, group)),
      ],
      streamMuxers: [yamux()],
      connectionGater: {
        denyDialPeer: denyBanned,
        denyInboundEncryptedConnection: denyBanned,
        denyOutboundEncryptedConnection: denyBanned,
      },
      connectionManager: { maxConnections: cfg.maxPeers ?? P2P_PEERS_MAX, dialTimeout: P2P_DIAL_TIMEOUT_MS },
      services: {
        identify: identify(),
        ping: ping(),
        pubsub: gossipsub({
          // Origin signatures (ed25519 per message, checked before duplicate detection, so on
          // every copy) buy nothing here: peers are judged by who delivered a message, and
          // consensus messages and txs carry their own ML-DSA signatures.
          globalSignaturePolicy: 'StrictNoSign',
          // One-shot: no Hash object per message (every gossip message, duplicates included, is hashed).
          msgIdFn: (msg) => hash('sha256', msg.data, 'buffer'),
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          emitSelf: false,
          maxInboundDataLength: Math.max(
            P2P_GOSSIP_FRAME_BYTES_MAX,
            maxMessageBytes + GOSSIP_NONCE_BYTES + P2P_GOSSIP_RPC_OVERHEAD_BYTES,
          ),
          messageProcessingConcurrency: P2P_GOSSIP_CONCURRENCY_MAX,
          // Accepted messages are relayed when the host reports them (at once, or after the
          // topic's relay delay): see SubscribeOptions.relayDelayMs.
          asyncValidation: true,
          // Our penalties feed gossipsub's own score, so its graylisting follows the application's view.
          scoreParams: { appSpecificScore: (p) => book.score(p), appSpecificWeight: 1 },
        }),
      },
    });
    const host = new P2PHost(node, cfg, deps, book, keyExchange);
    await host.#start();
    return host;
  }

  async #start(): Promise<void> {
    const node = this.#node;
    await node.handle(STATUS_PROTOCOL, (stream, conn) => this.#serveStatus(stream, conn), {
      maxInboundStreams: P2P_STREAMS_PER_PROTOCOL_MAX,
    });
    node.addEventListener('connection:open', (e) => this.#onConnection(e.detail));
    node.addEventListener('peer:disconnect', (e) => this.#onDisconnect(e.detail.toString()));
    node.services.pubsub.addEventListener('subscription-change', (e) => {
      for (const s of e.detail.subscriptions) {
        if (this.#topics.has(s.topic))
          this.#emit({ type: 'topic:peers', topic: s.topic, peers: this.topicPeers(s.topic) });
      }
    });
    // A graft we sent proves an outbound gossip stream exists, which topicPeers() depends on.
    const onMesh = (joined: boolean) => (e: CustomEvent<{ peerId: string; topic: string }>) => {
      const topic = e.detail.topic;
      if (!this.#topics.has(topic)) return;
      this.#emit({ type: 'topic:mesh', topic, peer: e.detail.peerId, joined });
      this.#emit({ type: 'topic:peers', topic, peers: this.topicPeers(topic) });
    };
    node.services.pubsub.addEventListener('gossipsub:message', (e) => {
      const { msgId, propagationSource, msg } = e.detail;
      this.#relay(msg.topic, msgId, propagationSource.toString());
    });
    node.services.pubsub.addEventListener('gossipsub:graft', onMesh(true));
    node.services.pubsub.addEventListener('gossipsub:prune', onMesh(false));
    if (this.#cfg.peerStorePath !== undefined) {
      try {
        this.#cachedPeers = await loadPeerCache(this.#cfg.peerStorePath);
      } catch (e) {
        this.#log.warn('ignoring unreadable peer cache', { err: message(e) });
      }
    }
    await node.start();
    const persistent = this.#cfg.persistentPeers ?? [];
    const cached = this.#cachedPeers.flatMap((p) => p.addrs.map((a) => withPeerId(a, p.id)));
    for (const a of [...persistent, ...this.#cfg.bootstrap, ...cached]) this.#dial(a);
    if (persistent.length > 0) {
      this.#redialTimer = setInterval(() => {
        const connected = new Set(node.getPeers().map((p) => p.toString()));
        for (const a of persistent) if (!connected.has(peerOfAddr(a) ?? '')) this.#dial(a);
      }, P2P_PERSISTENT_REDIAL_INTERVAL_MS);
      this.#redialTimer.unref();
    }
    this.#pex.start();
    this.#log.info('p2p started', { addrs: this.addresses() });
  }

  #dial(addr: string): void {
    const peer = peerOfAddr(addr);
    if (peer === this.peerId || this.#stopped) return;
    if (peer !== undefined && this.#book.isBanned(peer)) return;
    this.#node.dial(multiaddr(addr)).catch((e: unknown) => {
      this.#log.debug('dial failed', { addr, err: message(e) });
    });
  }

  /** Subscribe to lattice host events; returns an unsubscribe function. */
  on(listener: P2PListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: P2PEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        this.#log.error('p2p event listener threw', { event: e.type, err: message(err) });
      }
    }
  }

  addresses(): string[] {
    return this.#node.getMultiaddrs().map((a) => a.toString());
  }

  // ---- status handshake ---------------------------------------------------------------------

  #localStatus(): Status {
    return { chainId: this.#cfg.chainId, genesisHash: this.#cfg.genesisHash, height: this.#status().height };
  }

  /** Returns a reason when the remote belongs to another network. */
  #mismatch(s: Status): string | undefined {
    if (s.chainId !== this.#cfg.chainId) return `chain id ${JSON.stringify(s.chainId)}`;
    if (!equalBytes(s.genesisHash, this.#cfg.genesisHash)) return 'genesis hash';
    return undefined;
  }

  #onConnection(conn: Connection): void {
    const peer = conn.remotePeer.toString();
    if (this.#book.isBanned(peer)) {
      conn.abort(new Error('banned'));
      return;
    }
    if (conn.direction === 'outbound') {
      void this.#requestStatus(conn);
      return;
    }
    if (this.#statusTimers.has(peer) || this.#heights.has(peer)) return;
    const t = setTimeout(() => {
      this.#statusTimers.delete(peer);
      this.#log.debug('no status from inbound peer', { peer });
      conn.close().catch(() => {});
    }, P2P_STATUS_TIMEOUT_MS);
    t.unref();
    this.#statusTimers.set(peer, t);
  }

  async #requestStatus(conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString();
    const { signal, clear } = timeoutSignal(P2P_STATUS_TIMEOUT_MS);
    let stream: Stream | undefined;
    try {
      stream = await conn.newStream(STATUS_PROTOCOL, { signal });
      const s = stream;
      signal.addEventListener('abort', () => s.abort(new Error('status timeout')), { once: true });
      await sendFrame(s, encodeStatus(this.#localStatus()), signal);
      const res = await readFrame(s, STATUS_BYTES_MAX + 1);
      if (res[0] !== RESPONSE_OK) throw new LatticeError('P2P_REQUEST_FAILED', 'status refused');
      this.#acceptStatus(peer, decodeStatus(res.subarray(1)));
    } catch (e) {
      if (this.#stopped) return;
      this.#log.debug('status handshake failed', { peer, err: message(e) });
      if (isLatticeError(e, 'DECODE_FAILED') || isLatticeError(e, 'LIMIT_EXCEEDED')) {
        this.penalize(peer, 'malformed status', P2P_PENALTY_INVALID_POINTS);
      }
      stream?.abort(new Error('status failed'));
      conn.close().catch(() => {});
    } finally {
      clear();
    }
  }

  async #serveStatus(stream: Stream, conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString();
    const { signal, clear } = timeoutSignal(P2P_STATUS_TIMEOUT_MS);
    signal.addEventListener('abort', () => stream.abort(new Error('status timeout')), { once: true });
    try {
      const remote = decodeStatus(await readFrame(stream, STATUS_BYTES_MAX));
      // Answer even on a mismatch so the dialler can see why and drop us on its side too.
      await sendFrame(stream, responseBody(RESPONSE_OK, encodeStatus(this.#localStatus())), signal);
      this.#acceptStatus(peer, remote);
    } catch (e) {
      this.#log.debug('bad status request', { peer, err: message(e) });
      stream.abort(new Error('bad status'));
      if (isLatticeError(e, 'DECODE_FAILED') || isLatticeError(e, 'LIMIT_EXCEEDED')) {
        this.penalize(peer, 'malformed status', P2P_PENALTY_INVALID_POINTS);
      }
    } finally {
      clear();
    }
  }

  #acceptStatus(peer: string, s: Status): void {
    const t = this.#statusTimers.get(peer);
    if (t !== undefined) clearTimeout(t);
    this.#statusTimers.delete(peer);
    const bad = this.#mismatch(s);
    if (bad !== undefined) {
      this.#ban(peer, `status mismatch: ${bad}`);
      return;
    }
    if (this.#node.getConnections(parsePeerId(peer)).length === 0) return;
    this.#heights.set(peer, s.height);
    this.#emit({ type: 'peer:ready', peer, height: s.height });
    this.#scheduleCacheWrite();
  }

  #onDisconnect(peer: string): void {
    const t = this.#statusTimers.get(peer);
    if (t !== undefined) clearTimeout(t);
    this.#statusTimers.delete(peer);
    this.#heights.delete(peer);
    this.#keyExchange.delete(peer);
    this.#emit({ type: 'peer:disconnect', peer });
  }

  // ---- scoring ------------------------------------------------------------------------------

  penalize(peer: string, reason: string, points = P2P_PENALTY_DEFAULT_POINTS): void {
    if (!Number.isFinite(points) || points < 0) {
      throw new LatticeError('INVALID_ARGUMENT', 'penalty points must be a non-negative number');
    }
    const { score, ban } = this.#book.penalize(peer, points);
    this.#log.debug('peer penalized', { peer, reason, points, score });
    this.#emit({ type: 'peer:penalized', peer, reason, points, score });
    if (ban) this.#ban(peer, `score ${score} after ${reason}`);
  }

  #ban(peer: string, reason: string): void {
    this.#book.ban(peer);
    this.#heights.delete(peer);
    this.#cachedPeers = this.#cachedPeers.filter((p) => p.id !== peer);
    this.#log.info('peer banned', { peer, reason });
    this.#emit({ type: 'peer:banned', peer, reason });
    this.#node.hangUp(parsePeerId(peer)).catch(() => {});
  }

  isBanned(peer: string): boolean {
    return this.#book.isBanned(peer);
  }

  peers(): PeerSummary[] {
    return this.#node
      .getPeers()
      .map((p) => {
        const id = p.toString();
        return {
          id,
          addrs: this.#node.getConnections(p).map((c) => c.remoteAddr.toString()),
          score: this.#book.score(id),
          height: this.#heights.get(id) ?? null,
          keyExchange: this.#keyExchange.get(id) ?? null,
        };
      })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Peers whose status handshake succeeded (same chain and genesis), not just connected. */
  readyPeers(): PeerSummary[] {
    return this.peers().filter((p) => p.height !== null);
  }

  // ---- gossip -------------------------------------------------------------------------------

  subscribe(topic: string, handler: GossipHandler, opts: SubscribeOptions = {}): void {
    if (this.#topics.has(topic)) throw new LatticeError('INVALID_ARGUMENT', 'already subscribed', { topic });
    const delay = opts.relayDelayMs ?? 0;
    if (!Number.isSafeInteger(delay) || delay < 0 || delay > P2P_RELAY_DELAY_MAX_MS) {
      throw new LatticeError(
        'INVALID_ARGUMENT',
        `relay delay out of range (0 to ${P2P_RELAY_DELAY_MAX_MS} ms)`,
        {
          topic,
          relayDelayMs: delay,
        },
      );
    }
    this.#topics.set(topic, handler);
    this.#relayDelays.set(topic, delay);
    const pubsub = this.#node.services.pubsub;
    pubsub.topicValidators.set(topic, (peerId, msg) => {
      const from = peerId.toString();
      if (msg.data.length < GOSSIP_NONCE_BYTES) {
        this.penalize(from, 'gossip without a nonce', P2P_PENALTY_INVALID_POINTS);
        return TopicValidatorResult.Reject;
      }
      if (msg.data.length - GOSSIP_NONCE_BYTES > this.#maxMessageBytes) {
        this.penalize(from, 'oversized gossip', P2P_PENALTY_OVERSIZED_POINTS);
        return TopicValidatorResult.Reject;
      }
      if (!this.#book.takeGossip(from)) {
        this.penalize(from, 'gossip rate limit', P2P_PENALTY_RATE_LIMITED_POINTS);
        return TopicValidatorResult.Ignore;
      }
      this.#traffic?.(topic, 'in', msg.data.length);
      let verdict: ReturnType<GossipHandler>;
      try {
        // gossipsub hands out Buffers; callers get plain Uint8Array views of the same bytes.
        const data = new Uint8Array(
          msg.data.buffer,
          msg.data.byteOffset + GOSSIP_NONCE_BYTES,
          msg.data.byteLength - GOSSIP_NONCE_BYTES,
        );
        verdict = handler({ from, data });
      } catch (e) {
        this.#log.error('gossip handler threw', { topic, err: message(e) });
        return TopicValidatorResult.Ignore;
      }
      if (verdict === 'accept') return TopicValidatorResult.Accept;
      if (verdict === 'reject') {
        this.penalize(from, `invalid message on ${topic}`, P2P_PENALTY_INVALID_POINTS);
        return TopicValidatorResult.Reject;
      }
      return TopicValidatorResult.Ignore;
    });
    pubsub.subscribe(topic);
  }

  /** Tells gossipsub it may relay an accepted message (asyncValidation). */
  #release(msgId: string, from: string): void {
    // On the GossipSub class, though not on its exported interface.
    const pubsub = this.#node.services.pubsub as unknown as {
      reportMessageValidationResult(id: string, from: string, r: TopicValidatorResult): void;
    };
    pubsub.reportMessageValidationResult(msgId, from, TopicValidatorResult.Accept);
  }

  /** Releases an accepted message to gossipsub for relaying, now or after the topic's delay. */
  #relay(topic: string, msgId: string, from: string): void {
    const delay = this.#relayDelays.get(topic) ?? 0;
    const queued = this.#relayQueues.get(delay)?.length ?? 0;
    if (delay === 0 || queued >= P2P_RELAY_QUEUE_MAX) {
      this.#release(msgId, from);
      return;
    }
    let queue = this.#relayQueues.get(delay);
    if (queue === undefined) {
      queue = [];
      this.#relayQueues.set(delay, queue);
    }
    queue.push({ due: Date.now() + delay, msgId, from });
    if (queue.length === 1) this.#scheduleRelay(delay, queue);
  }

  #scheduleRelay(delay: number, queue: { due: number; msgId: string; from: string }[]): void {
    const t = setTimeout(
      () => {
        if (this.#stopped) return;
        const now = Date.now();
        let n = 0;
        while (n < queue.length && queue[n]!.due <= now) {
          const m = queue[n++]!;
          this.#release(m.msgId, m.from);
        }
        queue.splice(0, n);
        if (queue.length > 0) this.#scheduleRelay(delay, queue);
      },
      Math.max(0, queue[0]!.due - Date.now()),
    );
    t.unref();
  }

  /**
   * Peers a publish on `topic` reaches directly right now: subscribed, and with an open outbound gossip
   * stream (gossipsub silently drops messages to a peer whose stream is not open yet). Sorted.
   */
  topicPeers(topic: string): string[] {
    const pubsub = this.#node.services.pubsub;
    // `streamsOutbound` is public on the GossipSub class but not on its exported interface.
    const outbound = (pubsub as unknown as { streamsOutbound?: Map<string, unknown> }).streamsOutbound;
    return pubsub
      .getSubscribers(topic)
      .map((p) => p.toString())
      .filter((p) => outbound === undefined || outbound.has(p))
      .sort();
  }

  #nextNonce(): bigint {
    this.#nonce = (this.#nonce + 1n) & 0xffff_ffff_ffff_ffffn;
    return this.#nonce;
  }

  async publish(topic: string, data: Uint8Array): Promise<void> {
    if (data.length > this.#maxMessageBytes) {
      throw new LatticeError('LIMIT_EXCEEDED', 'gossip message too large', {
        bytes: data.length,
        max: this.#maxMessageBytes,
      });
    }
    this.#traffic?.(topic, 'out', data.length);
    const wire = new Uint8Array(GOSSIP_NONCE_BYTES + data.length);
    new DataView(wire.buffer).setBigUint64(0, this.#nextNonce());
    wire.set(data, GOSSIP_NONCE_BYTES);
    try {
      await this.#node.services.pubsub.publish(topic, wire);
    } catch (e) {
      throw new LatticeError('P2P_REQUEST_FAILED', `publish failed: ${message(e)}`, { topic });
    }
  }

  // ---- request/response ---------------------------------------------------------------------

  handle(protocol: string, handler: RequestHandler, opts: HandleOptions = {}): void {
    if (protocol === STATUS_PROTOCOL || this.#protocols.has(protocol)) {
      throw new LatticeError('INVALID_ARGUMENT', 'protocol already handled', { protocol });
    }
    this.#protocols.add(protocol);
    const limits = {
      maxRequestBytes: opts.maxRequestBytes ?? P2P_REQUEST_BYTES_MAX,
      maxResponseBytes: opts.maxResponseBytes ?? P2P_RESPONSE_BYTES_MAX,
      timeoutMs: opts.timeoutMs ?? P2P_HANDLER_TIMEOUT_MS,
    };
    // The registrar stores the handler synchronously; the promise only records the protocol in the peer store.
    this.#node
      .handle(protocol, (stream, conn) => this.#serve(stream, conn, handler, limits), {
        maxInboundStreams: P2P_STREAMS_PER_PROTOCOL_MAX,
      })
      .catch((e: unknown) => this.#log.error('cannot register protocol', { protocol, err: message(e) }));
  }

  async #serve(
    stream: Stream,
    conn: Connection,
    handler: RequestHandler,
    limits: Required<HandleOptions>,
  ): Promise<void> {
    const from = conn.remotePeer.toString();
    if (this.#inflight >= P2P_INBOUND_REQUESTS_MAX) {
      stream.abort(new Error('busy'));
      return;
    }
    if (!this.#book.takeRequest(from)) {
      this.penalize(from, 'request rate limit', P2P_PENALTY_RATE_LIMITED_POINTS);
      stream.abort(new Error('rate limited'));
      return;
    }
    this.#inflight++;
    const { signal, clear } = timeoutSignal(limits.timeoutMs);
    signal.addEventListener('abort', () => stream.abort(new Error('handler timeout')), { once: true });
    try {
      let req: Uint8Array;
      try {
        req = await readFrame(stream, limits.maxRequestBytes);
      } catch (e) {
        if (isLatticeError(e, 'LIMIT_EXCEEDED')) {
          this.penalize(from, `oversized request on ${stream.protocol}`, P2P_PENALTY_OVERSIZED_POINTS);
        } else if (isLatticeError(e, 'DECODE_FAILED')) {
          this.penalize(from, `malformed request on ${stream.protocol}`, P2P_PENALTY_INVALID_POINTS);
        }
        stream.abort(new Error('bad request'));
        return;
      }
      let res: Uint8Array;
      try {
        res = await raceSignal(handler(req, from), signal);
        if (res.length > limits.maxResponseBytes) {
          throw new LatticeError('LIMIT_EXCEEDED', 'response too large', { bytes: res.length });
        }
      } catch (e) {
        if (signal.aborted) return;
        const text = utf8(message(e)).subarray(0, ERROR_MESSAGE_BYTES_MAX);
        await sendFrame(stream, responseBody(RESPONSE_ERROR, text), signal);
        return;
      }
      await sendFrame(stream, responseBody(RESPONSE_OK, res), signal);
    } catch (e) {
      this.#log.debug('request stream failed', { from, err: message(e) });
      stream.abort(new Error('stream failed'));
    } finally {
      clear();
      this.#inflight--;
    }
  }

  async request(
    peer: string,
    protocol: string,
    req: Uint8Array,
    opts: RequestOptions = {},
  ): Promise<Uint8Array> {
    const pid = parsePeerId(peer);
    if (this.#stopped) throw new LatticeError('ABORTED', 'p2p host stopped');
    if (this.#book.isBanned(peer)) throw new LatticeError('P2P_PEER_BANNED', 'peer is banned', { peer });
    const timeoutMs = opts.timeoutMs ?? P2P_REQUEST_TIMEOUT_MS;
    const maxResponseBytes = opts.maxResponseBytes ?? P2P_RESPONSE_BYTES_MAX;
    const { signal, clear } = timeoutSignal(timeoutMs);
    let stream: Stream | undefined;
    try {
      stream = await this.#node.dialProtocol(pid, protocol, { signal });
      const s = stream;
      signal.addEventListener('abort', () => s.abort(new Error('request timeout')), { once: true });
      await sendFrame(s, req, signal);
      const res = await readFrame(s, maxResponseBytes + 1);
      if (res[0] === RESPONSE_OK) return res.slice(1);
      throw new LatticeError('P2P_REQUEST_FAILED', `remote error: ${fromUtf8(res.subarray(1))}`, {
        peer,
        protocol,
      });
    } catch (e) {
      stream?.abort(new Error('request failed'));
      if (signal.aborted) {
        throw new LatticeError('TIMEOUT', 'request timed out', { peer, protocol, timeoutMs });
      }
      if (isLatticeError(e)) throw e;
      throw new LatticeError('P2P_REQUEST_FAILED', message(e), { peer, protocol });
    } finally {
      clear();
    }
  }

  // ---- peer cache ---------------------------------------------------------------------------

  /** Single-flight writer: a request during a write marks the cache dirty and it is written once more. */
  #scheduleCacheWrite(): void {
    if (this.#cfg.peerStorePath === undefined || this.#stopped) return;
    if (this.#cacheWrite !== undefined) {
      this.#cacheDirty = true;
      return;
    }
    this.#cacheWrite = (async () => {
      do {
        this.#cacheDirty = false;
        await this.#writeCache();
      } while (this.#cacheDirty && !this.#stopped);
    })().finally(() => {
      this.#cacheWrite = undefined;
    });
  }

  /** Addresses known for a connected peer: where we dialled it, and what it announced (identify). */
  async #addrsOf(id: string): Promise<string[]> {
    const pid = parsePeerId(id);
    const addrs = new Set<string>();
    for (const c of this.#node.getConnections(pid)) {
      if (c.direction === 'outbound') addrs.add(c.remoteAddr.decapsulateCode(421).toString());
    }
    try {
      const known = await this.#node.peerStore.get(pid);
      for (const a of known.addresses) addrs.add(a.multiaddr.decapsulateCode(421).toString());
    } catch {
      // Not in the peer store yet: the connection address is all we know.
    }
    return [...addrs];
  }

  /** Dialable addresses of a connected peer, each ending in /p2p/<id> (for peer exchange). */
  async dialableAddrs(peer: string): Promise<string[]> {
    return (await this.#addrsOf(peer)).map((a) => withPeerId(a, peer));
  }

  /** Dials a multiaddr ending in /p2p/<id>, unless it is this node or a banned peer. */
  dialAddr(addr: string): void {
    this.#dial(addr);
  }

  async #writeCache(): Promise<void> {
    const path = this.#cfg.peerStorePath;
    if (path === undefined) return;
    const fresh: CachedPeer[] = [];
    for (const id of [...this.#heights.keys()].sort()) {
      const addrs = await this.#addrsOf(id);
      if (addrs.length > 0) fresh.push({ id, addrs });
    }
    const seen = new Set(fresh.map((p) => p.id));
    const older = this.#cachedPeers.filter((p) => !seen.has(p.id) && !this.#book.isBanned(p.id));
    this.#cachedPeers = [...fresh, ...older].slice(0, P2P_PEER_CACHE_MAX);
    try {
      await savePeerCache(path, this.#cachedPeers);
    } catch (e) {
      this.#log.warn('cannot write peer cache', { err: message(e) });
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    if (this.#redialTimer !== undefined) clearInterval(this.#redialTimer);
    this.#pex.stop();
    for (const t of this.#statusTimers.values()) clearTimeout(t);
    this.#statusTimers.clear();
    if (this.#cfg.peerStorePath !== undefined) {
      await this.#cacheWrite;
      await this.#writeCache();
    }
    this.#stopped = true;
    await this.#node.stop();
    this.#listeners.clear();
    this.#log.info('p2p stopped');
  }
}
