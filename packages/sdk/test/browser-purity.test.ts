import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordImportEdges, walkImports } from '../../utils/test/support/import-graph.ts';

// Resolve as a bundler targeting browsers would: the `browser` condition first.
const edges = recordImportEdges(['browser']);

test('the SDK browser entry imports nothing from node:*, directly or transitively', async () => {
  const sdk: Record<string, unknown> = await import('@lattice/sdk');
  assert.equal(typeof sdk.BrowserWallet, 'function', 'the browser condition selected src/browser.ts');
  const root = edges.find((e) => e.url.endsWith('/packages/sdk/src/browser.ts'))!.url;
  const { reached, builtins } = walkImports(edges, root);
  assert.deepEqual(builtins, []);
  assert.ok([...reached].some((u) => u.endsWith('/packages/codec/src/sha256-portable.ts')));
  assert.ok([...reached].some((u) => u.endsWith('/packages/codec/src/merkle-root-portable.ts')));
  assert.ok([...reached].some((u) => u.includes('@noble/post-quantum')));
});
