import assert from 'node:assert/strict';
import { isBuiltin, registerHooks } from 'node:module';
import { test } from 'node:test';

// Resolve as a bundler targeting browsers would (the `browser` condition first), and record
// every import edge. Only built-ins are imported statically above, so everything below is seen.
const edges: { parent: string | undefined; url: string }[] = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, { ...context, conditions: ['browser', ...context.conditions] });
    edges.push({ parent: context.parentURL, url: result.url });
    return result;
  },
});

test('the SDK browser entry imports nothing from node:*, directly or transitively', async () => {
  const sdk: Record<string, unknown> = await import('@lattice/sdk');
  assert.equal(typeof sdk.BrowserWallet, 'function', 'the browser condition selected src/browser.ts');
  const root = edges.find((e) => e.url.endsWith('/packages/sdk/src/browser.ts'))!.url;
  const reached = new Set([root]);
  const queue = [root];
  const builtins: string[] = [];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const e of edges) {
      if (e.parent !== from || reached.has(e.url)) continue;
      reached.add(e.url);
      if (e.url.startsWith('node:') || isBuiltin(e.url)) builtins.push(`${from} → ${e.url}`);
      else queue.push(e.url);
    }
  }
  assert.deepEqual(builtins, []);
  assert.ok([...reached].some((u) => u.endsWith('/packages/codec/src/sha256-portable.ts')));
  assert.ok([...reached].some((u) => u.includes('@noble/post-quantum')));
});
