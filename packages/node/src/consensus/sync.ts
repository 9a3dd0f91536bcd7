import { decodeBlock, decodeCommit, headerHash } from '@lattice/codec';
import type { P2PHost } from '@lattice/p2p';
import { isLatticeError, type Logger } from '@lattice/utils';
import type { Chain } from '../chain.ts';
import {
  decodeBlockRequest,
  decodeBlockResponse,
  encodeBlockRequest,
  encodeBlockResponse,
} from './messages.ts';

/** Pause before asking again for a height no peer could serve yet. */
const SYNC_RETRY_MS = 500;

export interface BlockSyncDeps {
  chain: Chain;
  p2p: P2PHost;
  protocol: string;
  logger: Logger;
  onSynced: () => void;
  onFatal: (e: unknown) => void;
}

/**
 * Block sync: a node that is behind fetches blocks one height at a time from the peer that
 * showed it a higher height (falling back to its other peers), verifies each block and its
 * commit against the validator set, and commits it through the chain. When no peer has a next
 * block, it hands back to consensus (onSynced).
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
    this.#preferred = peer;
    if (this.#active || this.#stopped) return;
    this.#active = true;
    this.#d.logger.info('behind the network: syncing blocks', { from: this.#d.chain.height, to: height });
    this.#run = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#run;
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        if (this.#stopped) return;
        const next = this.#d.chain.height + 1;
        const got = await this.#fetch(next);
        if (got === 'none') {
          if (next > this.#target) break;
          // Nobody could serve a height we know exists: wait and try again.
          await new Promise((r) => setTimeout(r, SYNC_RETRY_MS));
        }
      }
      this.#d.logger.info('block sync caught up', { height: this.#d.chain.height });
    } catch (e) {
      this.#d.onFatal(e);
      return;
    } finally {
      this.#active = false;
    }
    if (!this.#stopped) this.#d.onSynced();
  }

  /** One height from the preferred peer, then the others; a peer sending a bad block is penalised. */
  async #fetch(height: number): Promise<'committed' | 'none'> {
    const p2p = this.#d.p2p;
    const peers = p2p.peers().map((p) => p.id);
    const order =
      this.#preferred && peers.includes(this.#preferred)
        ? [this.#preferred, ...peers.filter((p) => p !== this.#preferred)]
        : peers;
    for (const peer of order) {
      let raw: ReturnType<typeof decodeBlockResponse>;
      try {
        raw = decodeBlockResponse(await p2p.request(peer, this.#d.protocol, encodeBlockRequest(height)));
      } catch (e) {
        if (isLatticeError(e, 'DECODE_FAILED')) p2p.penalize(peer, 'malformed block response');
        continue;
      }
      if (raw === undefined) continue;
      try {
        const block = decodeBlock(raw.block);
        const commit = decodeCommit(raw.commit);
        await this.#d.chain.commitBlock(block, headerHash(block.header!), commit);
        return 'committed';
      } catch (e) {
        if (isLatticeError(e, 'BLOCK_INVALID') || isLatticeError(e, 'DECODE_FAILED')) {
          p2p.penalize(peer, `invalid block ${height}: ${(e as Error).message}`);
          continue;
        }
        throw e;
      }
    }
    return 'none';
  }
}
