import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordImportEdges, walkImports } from '../../utils/test/support/import-graph.ts';

// Only built-ins and the recorder are imported statically, so every module of the portable entry
// is loaded (and its imports resolved) after the hook is in place.
const edges = recordImportEdges();

test('@lattice/crypto/portable imports nothing from node:*, directly or transitively', async () => {
  const portable = await import('@lattice/crypto/portable');
  const root = import.meta.resolve('@lattice/crypto/portable');
  assert.ok(root.endsWith('/packages/crypto/src/portable.ts'));

  const { reached, builtins } = walkImports(edges, root);
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
