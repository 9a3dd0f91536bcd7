import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerifiedSignatureCache } from '../src/sigcache.ts';

describe('verified signature cache', () => {
  it('trusts a signature only for the account number it was verified with', () => {
    const cache = new VerifiedSignatureCache();
    const hash = 'ab'.repeat(32);
    assert.equal(cache.verifiedOnce(hash), false);
    assert.equal(cache.has(hash, 7n), false);
    cache.add(hash, 7n);
    assert.equal(cache.has(hash, 7n), true);
    // The sign bytes include the account number: under another one the signature is unproven.
    assert.equal(cache.has(hash, 8n), false);
    assert.equal(cache.verifiedOnce(hash), true);
    assert.equal(cache.hits, 1);
  });
});
