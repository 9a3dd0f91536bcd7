import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emptyCounts, loadAssembler, runScript } from '../src/conformance.ts';

const DIR = fileURLToPath(new URL('./fixtures/wasm-spec', import.meta.url));

describe('WebAssembly spec scripts through the validator and the instrumenter', () => {
  before(loadAssembler);

  test('every accepted module behaves the same instrumented and plain; nothing invalid is accepted', () => {
    const counts = emptyCounts();
    const files = readdirSync(DIR).filter((f) => f.endsWith('.wast'));
    for (const f of files) runScript(f, readFileSync(join(DIR, f), 'utf8'), counts);
    assert.equal(counts.scripts, files.length);
    assert.deepEqual(counts.differences, []);
    assert.equal(counts.assertions.different, 0);
    assert.ok(counts.accepted > 200, `only ${counts.accepted} modules accepted`);
    assert.ok(counts.assertions.compared > 1_000, `only ${counts.assertions.compared} assertions compared`);
    assert.deepEqual(counts.invalidAcceptedExamples, [], 'the validator accepted an invalid module');
    for (const reason of ['float', 'bulk-memory', 'multi-value', 'malformed', 'invalid']) {
      assert.ok((counts.refused[reason] ?? 0) > 0, `no module refused for ${reason}`);
    }
  });
});
