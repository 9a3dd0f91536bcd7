import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type GoldenCase, readGoldenModule, runCase } from '../src/golden.ts';

const dir = fileURLToPath(new URL('../golden', import.meta.url));
const cases = JSON.parse(readFileSync(`${dir}/corpus.json`, 'utf8')) as GoldenCase[];

describe('golden corpus (module, inputs → result, events, gas used)', () => {
  for (const c of cases) {
    test(c.name, () => {
      const outcomes = runCase(c, (file) => readGoldenModule(dir, file, c.modules[file]!));
      c.steps.forEach((s, i) => {
        assert.deepEqual(outcomes[i], s.expect, `step ${i} (${s.op} ${JSON.stringify(s.msg ?? s.module)})`);
      });
    });
  }
});
