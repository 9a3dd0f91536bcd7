import type { Logger } from '@lattice/utils';
import type { EncrypterName } from './encrypter.ts';

export interface P2PConfig {
  /** Listen multiaddrs, e.g. '/ip4/127.0.0.1/tcp/0'. */
  listen: string[];
  /** Multiaddrs ending in /p2p/<peer id>, dialled once at start. */
  bootstrap: string[];
  /** Multiaddrs ending in /p2p/<peer id>, dialled at start and redialled while disconnected. */
  persistentPeers?: string[];
  /** Protobuf-encoded libp2p Ed25519 private key (see generatePeerKey); a fresh one if absent. */
  privateKey?: Uint8Array;
  encrypter?: EncrypterName;
  chainId: string;
  genesisHash: Uint8Array;
  /** Largest gossip payload accepted or published; default P2P_MESSAGE_BYTES_MAX. */
  maxMessageBytes?: number;
  /** JSON file of known peer addresses, rewritten atomically; dialled at start. */
  peerStorePath?: string;
  /** Connection limit; default P2P_PEERS_MAX. */
  maxPeers?: number;
  /** Peer exchange looks for more peers below this count; default P2P_PEX_TARGET_PEERS, 0 = off. */
  pexTargetPeers?: number;
}

export interface P2PDeps {
  logger: Logger;
  /** The local height announced in the status handshake; 0 if absent. */
  statusProvider?: () => { height: bigint };
  /** Millisecond clock for rate limits and bans; Date.now if absent. */
  now?: () => number;
  /**
   * Gossip traffic by topic, for metrics: 'in' for each new message handed to a subscriber (before
   * its verdict), 'out' for each own publish. Relays by the gossip layer are not counted.
   */
  onGossipTraffic?: (topic: string, direction: 'in' | 'out', bytes: number) => void;
}

export type GossipVerdict = 'accept' | 'reject' | 'ignore';

/** `from` is the peer that delivered the message to us (gossipsub's propagation source). */
export interface GossipMessage {
  from: string;
  data: Uint8Array;
}

export type GossipHandler = (msg: GossipMessage) => GossipVerdict;

export interface SubscribeOptions {
  /**
   * How long an accepted message waits before it is relayed to mesh peers (default 0: at once).
   * Peers that meanwhile got it elsewhere say so (IDONTWANT) or send it to us, and are skipped:
   * in a well-connected network a short wait turns relaying into almost nothing, for topics that
   * are bulky and not latency-critical (txs).
   */
  relayDelayMs?: number;
}
export type RequestHandler = (req: Uint8Array, from: string) => Promise<Uint8Array>;

export interface HandleOptions {
  /** Default P2P_REQUEST_BYTES_MAX. */
  maxRequestBytes?: number;
  /** Default P2P_RESPONSE_BYTES_MAX. */
  maxResponseBytes?: number;
  /** Reading the request plus running the handler; default P2P_HANDLER_TIMEOUT_MS. */
  timeoutMs?: number;
}

export interface RequestOptions {
  /** Whole exchange including the dial; default P2P_REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Default P2P_RESPONSE_BYTES_MAX. */
  maxResponseBytes?: number;
}

export interface PeerSummary {
  id: string;
  /** Remote addresses of the open connections. */
  addrs: string[];
  /** Application score: 0 is neutral, penalties subtract, at P2P_SCORE_BAN_THRESHOLD the peer is banned. */
  score: number;
  /** Height from the status handshake, null until it completed. */
  height: bigint | null;
  /** TLS key-exchange group (e.g. 'X25519MLKEM768') for connections we dialled over TLS, else null. */
  keyExchange: string | null;
}

export type P2PEvent =
  | { type: 'peer:ready'; peer: string; height: bigint }
  | { type: 'peer:disconnect'; peer: string }
  | { type: 'peer:penalized'; peer: string; reason: string; points: number; score: number }
  | { type: 'peer:banned'; peer: string; reason: string }
  | { type: 'topic:peers'; topic: string; peers: string[] }
  /** A peer joined or left our gossipsub mesh for a subscribed topic. */
  | { type: 'topic:mesh'; topic: string; peer: string; joined: boolean };

export type P2PListener = (e: P2PEvent) => void;
