import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ALG_ML_DSA_44, generatePrivateKey, SIGN_CONTEXT_PROPOSAL, SIGN_CONTEXT_VOTE } from '@lattice/crypto';
import { utf8 } from '@lattice/utils';
import { VerifiedSignatures } from '../src/consensus/verified-signatures.ts';

/**
 * Vote sign bytes do not name the validator, so two validators' precommits for one block at one
 * timestamp sign the same bytes: a remembered verification must not vouch for anyone else's
 * key, nor for another signature that merely starts the same.
 */
it('a remembered verification holds only for the same key, signature, bytes and context', () => {
  const sigs = new VerifiedSignatures();
  const a = generatePrivateKey(ALG_ML_DSA_44);
  const b = generatePrivateKey(ALG_ML_DSA_44);
  const bytes = utf8('precommit for block X at height 7, round 0');
  const sigA = a.sign(bytes, SIGN_CONTEXT_VOTE);
  assert.equal(sigs.verify(ALG_ML_DSA_44, a.publicKey, bytes, sigA, SIGN_CONTEXT_VOTE), true);
  assert.equal(sigs.verify(ALG_ML_DSA_44, a.publicKey, bytes, sigA, SIGN_CONTEXT_VOTE), true, 'again');
  assert.equal(
    sigs.verify(ALG_ML_DSA_44, b.publicKey, bytes, sigA, SIGN_CONTEXT_VOTE),
    false,
    "A's signature claimed for B",
  );
  const forged = sigA.slice();
  forged[forged.length - 1]! ^= 1;
  assert.equal(
    sigs.verify(ALG_ML_DSA_44, a.publicKey, bytes, forged, SIGN_CONTEXT_VOTE),
    false,
    'same first bytes, another signature',
  );
  assert.equal(
    sigs.verify(ALG_ML_DSA_44, a.publicKey, bytes, sigA, SIGN_CONTEXT_PROPOSAL),
    false,
    'other context',
  );
  assert.equal(
    sigs.verify(ALG_ML_DSA_44, a.publicKey, utf8('precommit for block Y'), sigA, SIGN_CONTEXT_VOTE),
    false,
    'other bytes',
  );
});
