import {
  P2P_BAN_DURATION_MS,
  P2P_BAN_LIST_MAX,
  P2P_GOSSIP_BURST,
  P2P_GOSSIP_PER_S,
  P2P_REQUESTS_BURST,
  P2P_REQUESTS_PER_S,
  P2P_SCORE_BAN_THRESHOLD,
  P2P_SCORE_TABLE_MAX,
} from '@lattice/params';
import { LruCache } from '@lattice/utils';
import { TokenBucket } from './token-bucket.ts';

interface PeerRecord {
  score: number;
  gossip: TokenBucket;
  requests: TokenBucket;
}

/**
 * Application-level peer scores, bans and rate limits. Everything is keyed by peer id string and
 * bounded: scores by an LRU (a peer that reconnects keeps its score while it is remembered), bans by
 * an LRU of expiry times.
 */
export class PeerBook {
  readonly #now: () => number;
  readonly #records = new LruCache<string, PeerRecord>(P2P_SCORE_TABLE_MAX);
  readonly #bans = new LruCache<string, number>(P2P_BAN_LIST_MAX);

  constructor(now: () => number) {
    this.#now = now;
  }

  #record(peer: string): PeerRecord {
    let r = this.#records.get(peer);
    if (r === undefined) {
      const t = this.#now();
      r = {
        score: 0,
        gossip: new TokenBucket(P2P_GOSSIP_PER_S, P2P_GOSSIP_BURST, t),
        requests: new TokenBucket(P2P_REQUESTS_PER_S, P2P_REQUESTS_BURST, t),
      };
      this.#records.set(peer, r);
    }
    return r;
  }

  score(peer: string): number {
    return this.#records.get(peer)?.score ?? 0;
  }

  /** Returns the new score and whether it crossed the ban threshold. */
  penalize(peer: string, points: number): { score: number; ban: boolean } {
    const r = this.#record(peer);
    r.score -= points;
    return { score: r.score, ban: r.score <= P2P_SCORE_BAN_THRESHOLD };
  }

  takeGossip(peer: string): boolean {
    return this.#record(peer).gossip.take(this.#now());
  }

  takeRequest(peer: string): boolean {
    return this.#record(peer).requests.take(this.#now());
  }

  ban(peer: string, durationMs = P2P_BAN_DURATION_MS): void {
    this.#bans.set(peer, this.#now() + durationMs);
    // A ban served in full starts the peer again from zero rather than instantly re-banning it.
    this.#records.delete(peer);
  }

  isBanned(peer: string): boolean {
    const until = this.#bans.get(peer);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#bans.delete(peer);
    return false;
  }
}
