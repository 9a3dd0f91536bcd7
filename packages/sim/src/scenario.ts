import { LatticeError } from '@lattice/utils';
import type { Prng } from './prng.ts';

export type ByzantineBehaviour =
  | 'equivocate-proposal'
  | 'equivocate-vote'
  | 'silent'
  | 'invalid-proposal'
  | 'future-flood';

export const BYZANTINE_BEHAVIOURS: readonly ByzantineBehaviour[] = [
  'equivocate-proposal',
  'equivocate-vote',
  'silent',
  'invalid-proposal',
  'future-flood',
];

/** Validators split into groups that cannot reach each other during [startMs, endMs). */
export interface Partition {
  startMs: number;
  endMs: number;
  groups: number[][];
}

export interface Crash {
  node: number;
  atMs: number;
  restartMs: number;
}

/** Everything random about one seed's faults, drawn up front so the schedule can be printed. */
export interface Scenario {
  seed: number;
  validators: number;
  byzantine: Map<number, ByzantineBehaviour[]>;
  /** After this instant: no loss, duplication, partitions or crashes; byzantine nodes stay byzantine. */
  healMs: number;
  lossPermille: number;
  duplicatePermille: number;
  faultDelayMs: [number, number];
  healedDelayMs: [number, number];
  partitions: Partition[];
  crashes: Crash[];
}

export interface ScenarioOptions {
  validators: number;
  byzantine: number;
  /** Behaviours byzantine nodes draw from; all of them when absent. */
  behaviours?: readonly ByzantineBehaviour[];
}

export function checkScenarioOptions(o: ScenarioOptions): void {
  if (!Number.isSafeInteger(o.validators) || o.validators < 1 || o.validators > 100)
    throw new LatticeError('INVALID_ARGUMENT', 'validators must be an integer in 1..100');
  if (!Number.isSafeInteger(o.byzantine) || o.byzantine < 0 || o.byzantine * 3 >= o.validators)
    throw new LatticeError('INVALID_ARGUMENT', 'byzantine power must stay below 1/3 (F * 3 < N)', {
      validators: o.validators,
      byzantine: o.byzantine,
    });
  if (o.behaviours !== undefined && o.behaviours.length === 0)
    throw new LatticeError('INVALID_ARGUMENT', 'at least one byzantine behaviour is needed');
}

export function drawScenario(seed: number, rng: Prng, o: ScenarioOptions): Scenario {
  checkScenarioOptions(o);
  const n = o.validators;
  const byzantine = new Map<number, ByzantineBehaviour[]>();
  for (const node of rng.shuffle([...Array(n).keys()]).slice(0, o.byzantine)) {
    // Mostly one behaviour, sometimes two at once (e.g. equivocating both proposals and votes).
    const pool = o.behaviours ?? BYZANTINE_BEHAVIOURS;
    const first = rng.pick(pool);
    const second = rng.pick(pool);
    const both = first !== second && first !== 'silent' && second !== 'silent' && rng.chance(300);
    byzantine.set(node, both ? [first, second] : [first]);
  }
  const healMs = rng.int(4_000, 15_000);
  const honest = [...Array(n).keys()].filter((i) => !byzantine.has(i));
  const partitions: Partition[] = [];
  for (let p = rng.int(0, 2); p > 0; p--) {
    const startMs = rng.int(0, healMs - 500);
    const endMs = Math.min(healMs, startMs + rng.int(500, 6_000));
    const order = rng.shuffle([...Array(n).keys()]);
    const cut = rng.int(1, n - 1);
    const cut2 = n >= 4 && rng.chance(250) ? rng.int(cut, n - 1) : n;
    const groups = [order.slice(0, cut), order.slice(cut, cut2), order.slice(cut2)].filter(
      (g) => g.length > 0,
    );
    partitions.push({ startMs, endMs, groups });
  }
  const crashes: Crash[] = [];
  for (let c = honest.length === 0 ? 0 : rng.int(0, 3); c > 0; c--) {
    const node = rng.pick(honest);
    const atMs = rng.int(0, healMs - 200);
    const restartMs = Math.min(healMs, atMs + rng.int(100, 5_000));
    // One crash window per node at a time keeps the schedule meaningful.
    if (crashes.some((x) => x.node === node && x.atMs <= restartMs && atMs <= x.restartMs)) continue;
    crashes.push({ node, atMs, restartMs });
  }
  return {
    seed,
    validators: n,
    byzantine,
    healMs,
    lossPermille: rng.int(0, 300),
    duplicatePermille: rng.int(0, 100),
    faultDelayMs: [rng.int(1, 20), rng.int(50, 1_500)],
    healedDelayMs: [1, rng.int(20, 150)],
    partitions,
    crashes,
  };
}

export function describeScenario(s: Scenario): string {
  const byz = [...s.byzantine].map(([i, b]) => `${i}:${b.join('+')}`).join(' ') || 'none';
  const parts = s.partitions.map((p) => `[${p.startMs}-${p.endMs}ms ${JSON.stringify(p.groups)}]`).join(' ');
  const crashes = s.crashes.map((c) => `node ${c.node} ${c.atMs}-${c.restartMs}ms`).join(', ');
  return [
    `seed ${s.seed}: ${s.validators} validators, byzantine ${byz}`,
    `  faults until ${s.healMs}ms: loss ${s.lossPermille}‰, duplication ${s.duplicatePermille}‰, delay ${s.faultDelayMs[0]}-${s.faultDelayMs[1]}ms (then ${s.healedDelayMs[0]}-${s.healedDelayMs[1]}ms)`,
    `  partitions: ${parts || 'none'}`,
    `  crash-restarts: ${crashes || 'none'}`,
  ].join('\n');
}
