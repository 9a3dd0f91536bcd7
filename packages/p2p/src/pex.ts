import {
  P2P_PEER_CACHE_ADDRS_PER_PEER_MAX,
  P2P_PEX_INTERVAL_MS,
  P2P_PEX_PEERS_MAX,
  P2P_PEX_RESPONSE_BYTES_MAX,
} from '@lattice/params';
import { fromUtf8, LatticeError, type Logger, utf8 } from '@lattice/utils';
import { multiaddr } from '@multiformats/multiaddr';
import type { HandleOptions, P2PListener, PeerSummary, RequestHandler, RequestOptions } from './types.ts';

export const PEX_PROTOCOL = '/lattice/pex/1';

/** What peer exchange needs from the host. */
export interface PexHost {
  readonly peerId: string;
  readyPeers(): PeerSummary[];
  handle(protocol: string, handler: RequestHandler, opts?: HandleOptions): void;
  request(peer: string, protocol: string, req: Uint8Array, opts?: RequestOptions): Promise<Uint8Array>;
  /** Dialable addresses known for a connected peer (each ending in /p2p/<id>). */
  dialableAddrs(peer: string): Promise<string[]>;
  dialAddr(addr: string): void;
  isBanned(peer: string): boolean;
  on(listener: P2PListener): () => void;
}

interface PexPeer {
  id: string;
  addrs: string[];
}

/** A peer's answer, checked: well-formed multiaddrs of other peers, bounded. */
export function decodePexResponse(b: Uint8Array): PexPeer[] {
  let doc: unknown;
  try {
    doc = JSON.parse(fromUtf8(b));
  } catch {
    throw new LatticeError('DECODE_FAILED', 'peer exchange answer is not JSON');
  }
  const peers = (doc as { peers?: unknown }).peers;
  if (!Array.isArray(peers) || peers.length > P2P_PEX_PEERS_MAX)
    throw new LatticeError('DECODE_FAILED', 'peer exchange answer has no valid peer list');
  return peers.map((p) => {
    const { id, addrs } = p as { id?: unknown; addrs?: unknown };
    if (typeof id !== 'string' || !Array.isArray(addrs) || addrs.length > P2P_PEER_CACHE_ADDRS_PER_PEER_MAX)
      throw new LatticeError('DECODE_FAILED', 'peer exchange entry is malformed');
    for (const a of addrs) {
      if (typeof a !== 'string') throw new LatticeError('DECODE_FAILED', 'peer address is not a string');
      try {
        multiaddr(a);
      } catch {
        throw new LatticeError('DECODE_FAILED', 'peer address is not a multiaddr');
      }
      if (!a.endsWith(`/p2p/${id}`))
        throw new LatticeError('DECODE_FAILED', 'peer address names another peer');
    }
    return { id, addrs: addrs as string[] };
  });
}

/**
 * Peer exchange: a node with fewer than `target` peers asks the peers it has for the addresses
 * of theirs and dials the ones it does not know, on every new peer and then periodically. Only
 * peers that passed the status handshake (same chain and genesis) are asked or answered.
 */
export class PeerExchange {
  readonly #host: PexHost;
  readonly #target: number;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #off: (() => void) | undefined;

  constructor(host: PexHost, target: number, logger: Logger) {
    this.#host = host;
    this.#target = target;
    this.#log = logger;
  }

  start(): void {
    this.#host.handle(PEX_PROTOCOL, (_req, from) => this.#answer(from), {
      maxRequestBytes: 16,
      maxResponseBytes: P2P_PEX_RESPONSE_BYTES_MAX,
    });
    if (this.#target <= 0) return;
    this.#off = this.#host.on((e) => {
      if (e.type === 'peer:ready') void this.#ask(e.peer);
    });
    this.#timer = setInterval(() => {
      const peers = this.#host.readyPeers();
      if (peers.length === 0 || peers.length >= this.#target) return;
      void this.#ask(peers[Math.floor(Math.random() * peers.length)]!.id);
    }, P2P_PEX_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#off?.();
  }

  async #answer(from: string): Promise<Uint8Array> {
    const ready = this.#host.readyPeers();
    if (!ready.some((p) => p.id === from))
      throw new LatticeError('P2P_REQUEST_FAILED', 'no status handshake yet');
    const peers: PexPeer[] = [];
    for (const p of ready) {
      if (p.id === from || peers.length >= P2P_PEX_PEERS_MAX) continue;
      const addrs = (await this.#host.dialableAddrs(p.id)).slice(0, P2P_PEER_CACHE_ADDRS_PER_PEER_MAX);
      if (addrs.length > 0) peers.push({ id: p.id, addrs });
    }
    return utf8(JSON.stringify({ peers }));
  }

  async #ask(peer: string): Promise<void> {
    const ready = this.#host.readyPeers();
    if (ready.length >= this.#target) return;
    let learned: PexPeer[];
    try {
      learned = decodePexResponse(
        await this.#host.request(peer, PEX_PROTOCOL, new Uint8Array(0), {
          maxResponseBytes: P2P_PEX_RESPONSE_BYTES_MAX,
        }),
      );
    } catch (e) {
      this.#log.debug('peer exchange failed', { peer, err: (e as Error).message });
      return;
    }
    const known = new Set([this.#host.peerId, ...ready.map((p) => p.id)]);
    let room = this.#target - ready.length;
    for (const p of learned) {
      if (room <= 0) break;
      if (known.has(p.id) || this.#host.isBanned(p.id) || p.addrs.length === 0) continue;
      known.add(p.id);
      room--;
      this.#log.debug('dialling a peer learned by exchange', { peer: p.id, from: peer });
      for (const a of p.addrs) this.#host.dialAddr(a);
    }
  }
}
