import assert from 'node:assert/strict';
import { isBuiltin, registerHooks } from 'node:module';
import { test } from 'node:test';

// Only built-ins are imported statically above, so every module of the portable entry is loaded
// (and its imports resolved) after the hook is in place.
const edges: { parent: string | undefined; url: string }[] = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    edges.push({ parent: context.parentURL, url: result.url });
    return result;
  },
});

test('@lattice/crypto/portable imports nothing from node:*, directly or transitively', async () => {
  const portable = await import('@lattice/crypto/portable');
  const root = import.meta.resolve('@lattice/crypto/portable');
  assert.ok(root.endsWith('/packages/crypto/src/portable.ts'));

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
  // The walk really covered the dependency graph.
  assert.ok([...reached].some((u) => u.includes('@noble/post-quantum')));
  assert.ok([...reached].some((u) => u.includes('@scure/bip39')));
  assert.ok([...reached].some((u) => u.includes('/packages/utils/')));
  assert.equal(typeof portable.portablePrivateKeyFromSeed, 'function');
});

test('the portable entry exports the shared API', async () => {
  const portable = await import('@lattice/crypto/portable');
  for (const name of [
    'ALG_ML_DSA_44',
    'getScheme',
    'schemeByName',
    'listSchemes',
    'SIGN_CONTEXT_TX',
    'addressFromPublicKey',
    'addressBytesFromPublicKey',
    'parseAddress',
    'formatAddress',
    'sha256',
    'generateMnemonic',
    'validateMnemonic',
    'mnemonicToKeySeed',
    'portablePrivateKeyFromSeed',
    'portableVerifySignature',
    'portableGeneratePrivateKey',
  ]) {
    assert.ok(name in portable, name);
  }
});
