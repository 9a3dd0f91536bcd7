import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const ALLOWED_PACKAGES = new Set(['@noble/hashes/sha2.js', '@lattice/utils']);

/** verify.ts and everything it imports, followed through relative imports. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(SRC + file, 'utf8');
  for (const m of source.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('./')) closure(spec.slice(2), seen);
    else assert.ok(ALLOWED_PACKAGES.has(spec), `${file} imports ${spec}, which browsers cannot load`);
  }
  return seen;
}

describe('proof verification module', () => {
  it('imports nothing from node:* (the browser SDK verifies proofs with it)', () => {
    const files = closure('verify.ts');
    assert.ok(files.has('proof.ts') && files.has('format.ts'));
    for (const f of files) assert.doesNotMatch(readFileSync(SRC + f, 'utf8'), /\bBuffer\.|from 'node:/, f);
  });
});
