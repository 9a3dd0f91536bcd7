// The WebAssembly core spec scripts (test/fixtures/wasm-spec) through the upload validator
// and the instrumenter: prints modules accepted and refused by reason, and assertions that gave
// the same outcome instrumented and plain (any difference fails the run).
//
//   npm run wasm:conformance -- [--dir DIR] [--json]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { emptyCounts, loadAssembler, runScript } from '../src/conformance.ts';

const { values } = parseArgs({
  options: {
    dir: {
      type: 'string',
      default: fileURLToPath(new URL('../../../../shared/testdata/wasm-spec', import.meta.url)),
    },
    json: { type: 'boolean', default: false },
  },
});
const files = readdirSync(values.dir!)
  .filter((f) => f.endsWith('.wast'))
  .sort();
await loadAssembler();
const counts = emptyCounts();
const started = performance.now();
for (const f of files) {
  if (process.stderr.isTTY) process.stderr.write(`\r${f}\x1b[K`);
  runScript(f, readFileSync(join(values.dir!, f), 'utf8'), counts);
}
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
if (values.json) process.stdout.write(`${JSON.stringify(counts)}\n`);
else {
  const a = counts.assertions;
  const refused = Object.entries(counts.refused).sort((x, y) => y[1] - x[1]);
  process.stdout.write(
    [
      `wasm conformance — ${counts.scripts} spec scripts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      `  modules:     ${counts.modules} (accepted ${counts.accepted}, not assembled ${counts.unassembled})`,
      `  refused:     ${refused.map(([r, n]) => `${r} ${n}`).join(', ')}`,
      `  assertions:  ${a.compared} compared: ${a.same} same instrumented and plain, ${a.different} different; ` +
        `${a.unlikeSpec} unlike the script's expectation; ${a.skipped} skipped (module refused or non-integer values)`,
      `  invalid or malformed modules the validator accepted: ${counts.invalidAccepted}`,
      ...counts.invalidAcceptedExamples.map((x) => `    ${x}`),
      ...counts.differences.map((x) => `  DIFFERENT ${x}`),
      ...(counts.unlikeSpecExamples.length > 0 ? ['  unlike the expectation (first ones):'] : []),
      ...counts.unlikeSpecExamples.map((x) => `    ${x}`),
      '',
    ].join('\n'),
  );
}
if (counts.assertions.different > 0) process.exitCode = 1;
