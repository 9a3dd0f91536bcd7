import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSeed } from '../src/index.ts';

/** Every seed must be safe and live after its faults heal; a failing seed is named for replay. */
function runMany(start: number, count: number, validators: number, byzantine: number): void {
  let heights = 0;
  let evidence = 0;
  let demanded = 0;
  for (let seed = start; seed < start + count; seed++) {
    const r = runSeed({ seed, validators, byzantine });
    assert.deepEqual(
      r.violations,
      [],
      `seed ${seed} (npm run sim -- --seeds 1 --start ${seed} --validators ${validators} --byzantine ${byzantine} --verbose): ${r.violations.map((v) => v.message).join('; ')}`,
    );
    heights += r.heights;
    evidence += r.evidence;
    demanded += r.evidenceDemanded;
  }
  // The runs must exercise something: plenty of heights, and equivocations caught as evidence.
  assert.ok(heights >= count * 5, `only ${heights} heights`);
  assert.ok(evidence > 0 && demanded > 0);
}

test('100 seeds of 4 validators, 1 byzantine: safe, and live after healing', () => {
  runMany(1, 100, 4, 1);
});

test('30 seeds of 7 validators, 2 byzantine: safe, and live after healing', () => {
  runMany(1, 30, 7, 2);
});

test('seeds 48 (4/1) and 15 (7/2), which stalled before conflicting votes were counted, are live', () => {
  for (const [seed, validators, byzantine] of [
    [48, 4, 1],
    [15, 7, 2],
  ] as const) {
    assert.deepEqual(runSeed({ seed, validators, byzantine }).violations, [], `seed ${seed}`);
  }
});

test('without vote equivocation every seed is live', () => {
  for (let seed = 500; seed < 540; seed++) {
    const r = runSeed({
      seed,
      validators: 4,
      byzantine: 1,
      behaviours: ['equivocate-proposal', 'silent', 'invalid-proposal'],
    });
    assert.deepEqual(r.violations, [], `seed ${seed}`);
  }
});

test('the same seed gives the same trace hash; another seed does not', () => {
  const a = runSeed({ seed: 4242, validators: 4, byzantine: 1 });
  const b = runSeed({ seed: 4242, validators: 4, byzantine: 1 });
  const c = runSeed({ seed: 4243, validators: 4, byzantine: 1 });
  assert.match(a.traceHash, /^[0-9a-f]{64}$/);
  assert.equal(a.traceHash, b.traceHash);
  assert.equal(a.events, b.events);
  assert.notEqual(a.traceHash, c.traceHash);
  const d = runSeed({ seed: 77, validators: 7, byzantine: 2 });
  assert.equal(d.traceHash, runSeed({ seed: 77, validators: 7, byzantine: 2 }).traceHash);
});

test('fault schedules include partitions, crash-restarts, block sync and byzantine behaviours', () => {
  let partitions = 0;
  let crashes = 0;
  let syncs = 0;
  const behaviours = new Set<string>();
  for (let seed = 1; seed <= 40; seed++) {
    const r = runSeed({ seed, validators: 4, byzantine: 1 });
    partitions += r.scenario.partitions.length;
    crashes += r.scenario.crashes.length;
    syncs += r.syncs;
    for (const b of r.scenario.byzantine.values()) for (const x of b) behaviours.add(x);
  }
  assert.ok(partitions > 10 && crashes > 10);
  assert.equal(behaviours.size, 5);
  // A node behind takes a height's commit as ordinary precommits, even before its round 0 starts;
  // block-sync adoption is left for a core that can no longer use them (its rounds moved past the
  // commit's). Seed 2472 with signer-guard restarts (found by scanning) has one, so the path stays
  // covered although the seeds above never need it.
  const adopted = runSeed({ seed: 2472, validators: 4, byzantine: 1, restart: 'guard' });
  assert.deepEqual(adopted.violations, []);
  syncs += adopted.syncs;
  assert.ok(syncs > 0);
});

test('no byzantine nodes and a single validator also work', () => {
  assert.deepEqual(runSeed({ seed: 3, validators: 4, byzantine: 0 }).violations, []);
  assert.deepEqual(runSeed({ seed: 3, validators: 1, byzantine: 0 }).violations, []);
});
