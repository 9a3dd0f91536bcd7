import { type Block, type Commit, decodeBlock, decodeCommit, headerHash } from '@lattice/codec';
import type { P2PHost } from '@lattice/p2p';
import { isLatticeError, type Logger } from '@lattice/utils';
import type { Chain } from '../chain.ts';
import type { Metrics } from '../metrics.ts';
import {
  decodeBlockRequest,
  decodeBlockResponse,
  encodeBlockRequest,
  encodeBlockResponse,
} from './messages.ts';

/** Pause before asking again for a height no peer could serve yet. */
const SYNC_RETRY_MS = 500;
/** Heights downloaded ahead of the one being committed, spread over the peers. */
const SYNC_WINDOW = 8;

export interface BlockSyncDeps {
  chain: Chain;
  p2p: P2PHost;
  protocol: string;
  logger: Logger;
  metrics?: Metrics;
  onSynced: () => void;
  onFatal: (e: unknown) => void;
}

interface Downloaded {
  peer: string;
  block: Block;
  commit: Commit;
}

/**
 * Block sync: a node that is behind downloads the next SYNC_WINDOW heights in parallel, each
 * from a different peer (the peer that showed the higher height first), and commits them in
 * order through the chain, which verifies each block and its commit against the validator set.
 * A peer that serves a bad block is penalised and the height fetched again elsewhere. When no
 * peer has a next block, it hands back to consensus (onSynced).
 */
export class BlockSync {
  readonly #d: BlockSyncDeps;
  #active = false;
  #target = 0;
  #preferred: string | undefined;
  #run: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(deps: BlockSyncDeps) {
    this.#d = deps;
  }

  get active(): boolean {
    return this.#active;
  }

  /** Answers other nodes' block requests from the block store. */
  serve(): void {
    this.#d.p2p.handle(this.#d.protocol, async (req) =>
      encodeBlockResponse(this.#d.chain.rawBlockAndCommit(decodeBlockRequest(req))),
    );
  }

  /** Starts (or extends) catching up to at least `height`, preferring `peer`. */
  request(peer: string, height: number): void {
    if (height <= this.#d.chain.height) return;
    this.#target = Math.max(this.#target, height);
    this.#d.metrics?.blockSyncTargetHeight.set(this.#target);
    this.#preferred = peer;
    if (this.#active || this.#stopped) return;
    this.#active = true;
    this.#d.metrics?.blockSyncActive.set(1);
    this.#d.logger.info('behind the network: syncing blocks', { from: this.#d.chain.height, to: height });
    this.#run = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#run;
  }

  async #loop(): Promise<void> {
    const inFlight = new Map<number, Promise<Downloaded | undefined>>();
    try {
      for (;;) {
        if (this.#stopped) return;
        const next = this.#d.chain.height + 1;
        for (const h of inFlight.keys()) if (h < next) inFlight.delete(h);
        // Past the target only `next` is asked for: it tells whether the network moved on.
        const last = Math.max(next, Math.min(this.#target, next + SYNC_WINDOW - 1));
        for (let h = next; h <= last; h++) if (!inFlight.has(h)) inFlight.set(h, this.#download(h));
        const got = await inFlight.get(next)!;
        inFlight.delete(next);
        if (got === undefined) {
          if (next > this.#target) break;
          // Nobody could serve a height we know exists: wait and try again.
          await new Promise((r) => setTimeout(r, SYNC_RETRY_MS));
          continue;
        }
        await this.#commit(next, got);
      }
      this.#d.logger.info('block sync caught up', { height: this.#d.chain.height });
    } catch (e) {
      this.#d.onFatal(e);
      return;
    } finally {
      this.#active = false;
      this.#d.metrics?.blockSyncActive.set(0);
    }
    if (!this.#stopped) this.#d.onSynced();
  }

  async #commit(height: number, got: Downloaded): Promise<void> {
    try {
      await this.#d.chain.commitBlock(got.block, headerHash(got.block.header!), got.commit);
      this.#d.metrics?.blockSyncBlocksTotal.inc();
    } catch (e) {
      if (!isLatticeError(e, 'BLOCK_INVALID')) throw e;
      // The next pass downloads this height again; a peer that keeps serving a bad block is
      // banned by its penalties, and the others are asked.
      this.#d.p2p.penalize(got.peer, `invalid block ${height}: ${(e as Error).message}`);
    }
  }

  /** Peers in the order to ask for `height`: rotated by height, so a window spreads over them. */
  #peersFor(height: number): string[] {
    const peers = this.#d.p2p.readyPeers().map((p) => p.id);
    if (peers.length === 0) return [];
    const start = height % peers.length;
    const rotated = [...peers.slice(start), ...peers.slice(0, start)];
    if (height === this.#d.chain.height + 1 && this.#preferred && rotated.includes(this.#preferred))
      return [this.#preferred, ...rotated.filter((p) => p !== this.#preferred)];
    return rotated;
  }

  /** One height from the first peer that has it; malformed answers are penalised. */
  async #download(height: number): Promise<Downloaded | undefined> {
    const p2p = this.#d.p2p;
    for (const peer of this.#peersFor(height)) {
      if (this.#stopped) return undefined;
      try {
        const raw = decodeBlockResponse(
          await p2p.request(peer, this.#d.protocol, encodeBlockRequest(height)),
        );
        if (raw === undefined) continue;
        const block = decodeBlock(raw.block);
        if (block.header === undefined) {
          p2p.penalize(peer, `block ${height} without a header`);
          continue;
        }
        return { peer, block, commit: decodeCommit(raw.commit) };
      } catch (e) {
        if (isLatticeError(e, 'DECODE_FAILED') || isLatticeError(e, 'DECODE_TOO_LARGE'))
          p2p.penalize(peer, 'malformed block response');
      }
    }
    return undefined;
  }
}
