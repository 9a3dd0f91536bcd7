import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatticeError } from '@lattice/utils';
import { parseSimArgs, simMain } from '../src/index.ts';

test('arguments parse, with defaults', () => {
  const a = parseSimArgs([
    '--seeds',
    '5',
    '--start',
    '10',
    '--validators',
    '7',
    '--byzantine',
    '2',
    '--verbose',
  ]);
  assert.deepEqual(a, {
    seeds: 5,
    start: 10,
    validators: 7,
    byzantine: 2,
    restart: 'wal',
    behaviours: undefined,
    verbose: true,
  });
  assert.deepEqual(parseSimArgs(['--behaviours', 'silent,future-flood']).behaviours, [
    'silent',
    'future-flood',
  ]);
});

test('bad arguments are INVALID_ARGUMENT', () => {
  for (const argv of [
    ['--seeds'],
    ['--seeds', '-1'],
    ['--bogus', '1'],
    ['--behaviours', 'nice'],
    ['--restart', 'x'],
  ]) {
    assert.throws(
      () => parseSimArgs(argv),
      (e) => e instanceof LatticeError && e.code === 'INVALID_ARGUMENT',
    );
  }
  const out: string[] = [];
  assert.equal(
    simMain(['--validators', '3', '--byzantine', '1'], (l) => out.push(l)),
    2,
  );
  assert.match(out.join('\n'), /below 1\/3/);
});

test('simMain prints a summary and exits 0 on passing seeds', () => {
  const out: string[] = [];
  const code = simMain(['--seeds', '3', '--start', '500', '--behaviours', 'silent'], (l) => out.push(l));
  const text = out.join('\n');
  assert.equal(code, 0, text);
  assert.match(text, /seeds 3 /);
  assert.match(text, /safety violations 0, liveness failures 0/);
  assert.match(text, /rounds per height avg/);
});
