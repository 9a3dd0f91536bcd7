import type { ProposalValue } from '@lattice/consensus';
import { concatBytes, toHex } from '@lattice/utils';
import { sha256 } from './fake.ts';

export interface DecisionRecord {
  height: bigint;
  round: number;
  value: ProposalValue;
  /** `sync`: applied from a verified commit (block sync) instead of the node's own core. */
  via: 'consensus' | 'sync';
  atMs: number;
}

export type ViolationKind = 'agreement' | 'validity' | 'sequence' | 'evidence' | 'liveness';

export interface Violation {
  kind: ViolationKind;
  message: string;
}

export function isSafetyViolation(v: Violation): boolean {
  return v.kind !== 'liveness';
}

/** No two honest nodes decide different values at one height. */
export function checkAgreement(decisions: ReadonlyMap<number, readonly DecisionRecord[]>): Violation[] {
  const first = new Map<bigint, { node: number; hash: string }>();
  const out: Violation[] = [];
  for (const [node, list] of decisions) {
    for (const d of list) {
      const hash = toHex(d.value.hash);
      const seen = first.get(d.height);
      if (seen === undefined) first.set(d.height, { node, hash });
      else if (seen.hash !== hash)
        out.push({
          kind: 'agreement',
          message: `height ${d.height}: node ${seen.node} decided ${seen.hash.slice(0, 12)}, node ${node} decided ${hash.slice(0, 12)}`,
        });
    }
  }
  return out;
}

/** Only values the honest application accepts are decided. */
export function checkValidity(
  decisions: ReadonlyMap<number, readonly DecisionRecord[]>,
  isValid: (v: ProposalValue) => boolean,
): Violation[] {
  const out: Violation[] = [];
  for (const [node, list] of decisions) {
    for (const d of list) {
      if (!isValid(d.value))
        out.push({ kind: 'validity', message: `height ${d.height}: node ${node} decided an invalid value` });
    }
  }
  return out;
}

/**
 * Each honest node decides heights 1, 2, 3… with no gap or repeat, and the hash chain over its
 * decided values (the stand-in for the app hash) is the same on every node at every height.
 */
export function checkSequences(decisions: ReadonlyMap<number, readonly DecisionRecord[]>): Violation[] {
  const out: Violation[] = [];
  const chains: { node: number; hashes: string[] }[] = [];
  for (const [node, list] of decisions) {
    let app: Uint8Array = new Uint8Array(32);
    const hashes: string[] = [];
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      if (d.height !== BigInt(i + 1)) {
        out.push({
          kind: 'sequence',
          message: `node ${node}: decision #${i + 1} is for height ${d.height}`,
        });
        break;
      }
      app = sha256(concatBytes(app, d.value.hash));
      hashes.push(toHex(app));
    }
    chains.push({ node, hashes });
  }
  for (let a = 1; a < chains.length; a++) {
    const x = chains[0]!;
    const y = chains[a]!;
    const common = Math.min(x.hashes.length, y.hashes.length);
    for (let i = 0; i < common; i++) {
      if (x.hashes[i] !== y.hashes[i]) {
        out.push({
          kind: 'sequence',
          message: `app hash differs at height ${i + 1} between nodes ${x.node} and ${y.node}`,
        });
        break;
      }
    }
  }
  return out;
}

/** Every equivocation an honest core was shown (both votes, in a stored round) produced evidence there. */
export function checkEvidence(expected: ReadonlySet<string>, reported: ReadonlySet<string>): Violation[] {
  const out: Violation[] = [];
  for (const key of expected) {
    if (!reported.has(key)) out.push({ kind: 'evidence', message: `no evidence for equivocation ${key}` });
  }
  return out;
}

/** After healing, every honest node decided at least `k` more heights before the bound. */
export function checkLiveness(
  heightsAtHeal: ReadonlyMap<number, number>,
  heightsAtEnd: ReadonlyMap<number, number>,
  k: number,
  boundMs: number,
): Violation[] {
  const out: Violation[] = [];
  for (const [node, before] of heightsAtHeal) {
    const after = heightsAtEnd.get(node) ?? 0;
    if (after - before < k)
      out.push({
        kind: 'liveness',
        message: `node ${node} decided ${after - before} of ${k} heights within ${boundMs}ms after healing (stuck at height ${after + 1})`,
      });
  }
  return out;
}
