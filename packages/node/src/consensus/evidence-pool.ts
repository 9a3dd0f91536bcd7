import type { Evidence } from '@lattice/codec';
import { BLOCK_EVIDENCE_MAX, EVIDENCE_POOL_MAX } from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import type { Chain } from '../chain.ts';
import { evidenceKey, verifyEvidence } from '../evidence.ts';

/**
 * Verified evidence of misbehaviour waiting for a block: from this node's own consensus engine
 * or from peers. One piece per validator and height; bounded; what a committed block carried,
 * or what has become too old, drops out when the next block is built.
 */
export class EvidencePool {
  readonly #chain: Chain;
  readonly #pending = new Map<string, Evidence>();

  constructor(chain: Chain) {
    this.#chain = chain;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Verifies `ev` against the chain; throws EVIDENCE_INVALID (meta.stale for old or committed). */
  add(ev: Evidence): 'added' | 'known' {
    const key = evidenceKey(verifyEvidence(ev, this.#chain.evidenceContext()));
    if (this.#pending.has(key)) return 'known';
    if (this.#pending.size >= EVIDENCE_POOL_MAX) {
      throw new LatticeError('LIMIT_EXCEEDED', `the evidence pool holds ${EVIDENCE_POOL_MAX} already`);
    }
    this.#pending.set(key, ev);
    return 'added';
  }

  /** Evidence for the next block, oldest first; pieces no longer valid (committed, expired) are dropped. */
  forBlock(max = BLOCK_EVIDENCE_MAX): Evidence[] {
    const ctx = this.#chain.evidenceContext();
    const out: Evidence[] = [];
    for (const [key, ev] of this.#pending) {
      if (out.length >= max) break;
      try {
        verifyEvidence(ev, ctx);
        out.push(ev);
      } catch {
        this.#pending.delete(key);
      }
    }
    return out;
  }
}
