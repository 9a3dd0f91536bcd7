import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GAS_SIG_VERIFY } from '@lattice/params';
import { isLatticeError } from '@lattice/utils';
import {
  ALG_ML_DSA_44,
  ALG_ML_DSA_65,
  ALG_ML_DSA_87,
  ALG_SLH_DSA_SHA2_128S,
  getScheme,
  isKnownAlgorithm,
  listSchemes,
  SIGN_CONTEXT_MESSAGE,
  SIGN_CONTEXT_PROPOSAL,
  SIGN_CONTEXT_TX,
  SIGN_CONTEXT_VOTE,
  schemeByName,
} from '../src/index.ts';

test('registry lists the four schemes with FIPS sizes', () => {
  assert.deepEqual(
    listSchemes().map((s) => [s.id, s.name, s.publicKeyBytes, s.signatureBytes, s.seedBytes]),
    [
      [ALG_ML_DSA_44, 'ML-DSA-44', 1312, 2420, 32],
      [ALG_ML_DSA_65, 'ML-DSA-65', 1952, 3309, 32],
      [ALG_ML_DSA_87, 'ML-DSA-87', 2592, 4627, 32],
      [ALG_SLH_DSA_SHA2_128S, 'SLH-DSA-SHA2-128s', 32, 7856, 32],
    ],
  );
  assert.deepEqual([ALG_ML_DSA_44, ALG_ML_DSA_65, ALG_ML_DSA_87, ALG_SLH_DSA_SHA2_128S], [1, 2, 3, 4]);
  for (const s of listSchemes()) {
    assert.equal(getScheme(s.id), s);
    assert.ok(Object.isFrozen(s));
    assert.ok(GAS_SIG_VERIFY[s.id] !== undefined, `no verify gas cost for ${s.name}`);
  }
  assert.ok(Object.isFrozen(listSchemes()));
});

test('lookup by name is case-insensitive', () => {
  assert.equal(schemeByName('ml-dsa-44').id, ALG_ML_DSA_44);
  assert.equal(schemeByName('ML-DSA-65').id, ALG_ML_DSA_65);
  assert.equal(schemeByName(' Ml-Dsa-87 ').id, ALG_ML_DSA_87);
  assert.equal(schemeByName('slh-dsa-sha2-128s').id, ALG_SLH_DSA_SHA2_128S);
  assert.equal(schemeByName('SLH-DSA-SHA2-128S').id, ALG_SLH_DSA_SHA2_128S);
});

test('unknown ids and names are CRYPTO_UNKNOWN_ALGORITHM with the known list', () => {
  for (const id of [0, 5, 256, -1, 1.5, Number.NaN, '1' as unknown as number]) {
    assert.throws(
      () => getScheme(id),
      (e) => isLatticeError(e, 'CRYPTO_UNKNOWN_ALGORITHM') && /ML-DSA-44/.test((e as Error).message),
    );
    assert.equal(isKnownAlgorithm(id), false);
  }
  for (const name of ['ml-dsa-33', '', 'ed25519', 5 as unknown as string]) {
    assert.throws(
      () => schemeByName(name),
      (e) => isLatticeError(e, 'CRYPTO_UNKNOWN_ALGORITHM'),
    );
  }
});

test('context strings are distinct and versioned', () => {
  const all = [SIGN_CONTEXT_TX, SIGN_CONTEXT_VOTE, SIGN_CONTEXT_PROPOSAL, SIGN_CONTEXT_MESSAGE];
  assert.deepEqual(all, ['lattice/tx/v1', 'lattice/vote/v1', 'lattice/proposal/v1', 'lattice/msg/v1']);
});
