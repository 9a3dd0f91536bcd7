import { LatticeError } from '@lattice/utils';
import { isSafetyViolation } from './checkers.ts';
import { BYZANTINE_BEHAVIOURS, type ByzantineBehaviour, checkScenarioOptions } from './scenario.ts';
import { type RestartMode, runSeed, type SeedResult } from './simulation.ts';

export interface SimArgs {
  seeds: number;
  start: number;
  validators: number;
  byzantine: number;
  restart: RestartMode;
  /** Undefined: every behaviour. */
  behaviours: ByzantineBehaviour[] | undefined;
  verbose: boolean;
}

export interface SimSummary {
  seeds: number;
  failedSeeds: number[];
  heights: number;
  roundsAvg: number;
  roundsMax: number;
  syncs: number;
  evidence: number;
  evidenceDemanded: number;
  safetyViolations: number;
  livenessFailures: number;
  traceHashes: Map<number, string>;
}

const USAGE =
  'usage: npm run sim -- --seeds N [--start S] [--validators V] [--byzantine F] [--behaviours b1,b2] [--restart wal|guard] [--verbose]';

export function parseSimArgs(argv: readonly string[]): SimArgs {
  const out: SimArgs = {
    seeds: 100,
    start: 1,
    validators: 4,
    byzantine: 1,
    restart: 'wal',
    behaviours: undefined,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--verbose') {
      out.verbose = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new LatticeError('INVALID_ARGUMENT', `${flag} needs a value; ${USAGE}`);
    if (flag === '--behaviours') {
      const list = value.split(',');
      for (const b of list)
        if (!(BYZANTINE_BEHAVIOURS as readonly string[]).includes(b))
          throw new LatticeError(
            'INVALID_ARGUMENT',
            `unknown behaviour ${b}; one of ${BYZANTINE_BEHAVIOURS.join(',')}`,
          );
      out.behaviours = list as ByzantineBehaviour[];
      continue;
    }
    if (flag === '--restart') {
      if (value !== 'wal' && value !== 'guard')
        throw new LatticeError('INVALID_ARGUMENT', `--restart must be wal or guard; ${USAGE}`);
      out.restart = value;
      continue;
    }
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
      throw new LatticeError('INVALID_ARGUMENT', `${flag} needs a non-negative integer; ${USAGE}`);
    if (flag === '--seeds') out.seeds = n;
    else if (flag === '--start') out.start = n;
    else if (flag === '--validators') out.validators = n;
    else if (flag === '--byzantine') out.byzantine = n;
    else throw new LatticeError('INVALID_ARGUMENT', `unknown flag ${flag}; ${USAGE}`);
  }
  if (out.start + out.seeds > 2 ** 32)
    throw new LatticeError('INVALID_ARGUMENT', 'seeds must stay below 2^32');
  return out;
}

/** Runs seeds start..start+seeds−1; `onSeed` sees each result as it completes. */
export function runSeeds(args: SimArgs, onSeed?: (r: SeedResult) => void): SimSummary {
  const summary: SimSummary = {
    seeds: 0,
    failedSeeds: [],
    heights: 0,
    roundsAvg: 0,
    roundsMax: 0,
    syncs: 0,
    evidence: 0,
    evidenceDemanded: 0,
    safetyViolations: 0,
    livenessFailures: 0,
    traceHashes: new Map(),
  };
  let roundsSum = 0;
  let roundsCount = 0;
  for (let seed = args.start; seed < args.start + args.seeds; seed++) {
    const r = runSeed({
      seed,
      validators: args.validators,
      byzantine: args.byzantine,
      behaviours: args.behaviours,
      restart: args.restart,
      log: args.verbose ? (line) => console.log(`  ${line}`) : undefined,
    });
    summary.seeds++;
    summary.heights += r.heights;
    roundsSum += r.roundsSum;
    roundsCount += r.roundsCount;
    summary.roundsMax = Math.max(summary.roundsMax, r.roundsMax);
    summary.syncs += r.syncs;
    summary.evidence += r.evidence;
    summary.evidenceDemanded += r.evidenceDemanded;
    const safety = r.violations.filter(isSafetyViolation).length;
    summary.safetyViolations += safety;
    summary.livenessFailures += r.violations.length - safety;
    if (r.violations.length > 0) summary.failedSeeds.push(seed);
    summary.traceHashes.set(seed, r.traceHash);
    onSeed?.(r);
  }
  summary.roundsAvg = roundsCount === 0 ? 0 : roundsSum / roundsCount;
  return summary;
}

export function replayCommand(args: SimArgs, seed: number): string {
  const restart = args.restart === 'wal' ? '' : ` --restart ${args.restart}`;
  const behaviours = args.behaviours === undefined ? '' : ` --behaviours ${args.behaviours.join(',')}`;
  return `npm run sim -- --seeds 1 --start ${seed} --validators ${args.validators} --byzantine ${args.byzantine}${behaviours}${restart} --verbose`;
}

/** The `npm run sim` entry: returns the process exit code. */
export function simMain(argv: readonly string[], print: (line: string) => void = console.log): number {
  let args: SimArgs;
  try {
    args = parseSimArgs(argv);
    checkScenarioOptions(args);
  } catch (e) {
    print(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const started = performance.now();
  const step = Math.max(1, Math.floor(args.seeds / 10));
  let done = 0;
  const summary = runSeeds(args, (r) => {
    done++;
    if (args.verbose) print(`seed ${r.seed} trace ${r.traceHash}`);
    for (const v of r.violations) print(`seed ${r.seed}: ${v.kind}: ${v.message}`);
    if (done % step === 0 || done === args.seeds)
      print(`  ${done}/${args.seeds} seeds, ${((performance.now() - started) / 1000).toFixed(1)}s`);
  });
  const seconds = (performance.now() - started) / 1000;
  print(
    [
      `seeds ${summary.seeds} (${args.validators} validators, ${args.byzantine} byzantine, behaviours ${args.behaviours?.join(',') ?? 'all'}, restart=${args.restart})`,
      `heights decided ${summary.heights} (min over honest nodes, summed over seeds)`,
      `rounds per height avg ${summary.roundsAvg.toFixed(2)} max ${summary.roundsMax}`,
      `block-sync adoptions ${summary.syncs}, evidence recorded ${summary.evidence} (${summary.evidenceDemanded} demanded by the checker)`,
      `safety violations ${summary.safetyViolations}, liveness failures ${summary.livenessFailures}`,
      `failed seeds ${summary.failedSeeds.length}`,
      `time ${seconds.toFixed(1)}s (${((seconds * 1000) / Math.max(1, summary.seeds)).toFixed(1)} ms/seed)`,
    ].join('\n'),
  );
  for (const seed of summary.failedSeeds) print(`replay: ${replayCommand(args, seed)}`);
  return summary.failedSeeds.length > 0 ? 1 : 0;
}
