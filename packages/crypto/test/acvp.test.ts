import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ALG_ML_DSA_44, privateKeyFromSeed, schemeByName, verifySignature } from '../src/index.ts';
import { portablePrivateKeyFromSeed, portableVerifySignature } from '../src/portable.ts';
import { hex, readAcvp } from './helpers.ts';

interface KeyGenPrompt {
  testGroups: { tgId: number; parameterSet: string; tests: { tcId: number; seed: string }[] }[];
}
interface KeyGenExpected {
  testGroups: { tgId: number; tests: { tcId: number; pk: string; sk: string }[] }[];
}
interface SigVerPrompt {
  testGroups: {
    tgId: number;
    parameterSet: string;
    signatureInterface: string;
    preHash: string;
    tests: { tcId: number; pk: string; message: string; context: string; signature: string }[];
  }[];
}
interface SigVerExpected {
  testGroups: { tgId: number; tests: { tcId: number; testPassed: boolean }[] }[];
}

const NOBLE = { 'ML-DSA-44': ml_dsa44, 'ML-DSA-65': ml_dsa65, 'ML-DSA-87': ml_dsa87 } as const;

/** OpenSSL exports ML-DSA PKCS#8 in the "seed and expanded key" form, expanded key last. */
function nodeExpandedSecretKey(
  nodeType: 'ml-dsa-44' | 'ml-dsa-65' | 'ml-dsa-87',
  seed: Uint8Array,
  skBytes: number,
) {
  const key = createPrivateKey({ key: Buffer.from(seed), format: 'raw-seed', asymmetricKeyType: nodeType });
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return new Uint8Array(der.subarray(der.length - skBytes));
}

describe('NIST ACVP ML-DSA keyGen (FIPS 204)', () => {
  const prompt = readAcvp<KeyGenPrompt>('ML-DSA-keyGen-FIPS204.prompt.json');
  const expected = readAcvp<KeyGenExpected>('ML-DSA-keyGen-FIPS204.expected.json');
  const results = new Map(expected.testGroups.flatMap((g) => g.tests.map((t) => [t.tcId, t] as const)));

  test('has all 75 cases', () => {
    assert.equal(prompt.testGroups.flatMap((g) => g.tests).length, 75);
  });

  for (const group of prompt.testGroups) {
    test(`${group.parameterSet}: seed → public key (node:crypto, portable) and expanded secret key`, () => {
      const scheme = schemeByName(group.parameterSet);
      const name = group.parameterSet as keyof typeof NOBLE;
      for (const tc of group.tests) {
        const want = results.get(tc.tcId);
        assert.ok(want, `no expected result for tcId ${tc.tcId}`);
        const seed = hex(tc.seed);
        const pk = hex(want.pk);
        const sk = hex(want.sk);
        assert.deepEqual(privateKeyFromSeed(scheme.id, seed).publicKey, pk, `tcId ${tc.tcId} node pk`);
        assert.deepEqual(
          portablePrivateKeyFromSeed(scheme.id, seed).publicKey,
          pk,
          `tcId ${tc.tcId} portable pk`,
        );
        const nodeType = name.toLowerCase() as 'ml-dsa-44' | 'ml-dsa-65' | 'ml-dsa-87';
        assert.deepEqual(nodeExpandedSecretKey(nodeType, seed, sk.length), sk, `tcId ${tc.tcId} node sk`);
        assert.deepEqual(NOBLE[name].keygen(seed).secretKey, sk, `tcId ${tc.tcId} noble sk`);
      }
    });
  }
});

describe('NIST ACVP ML-DSA sigVer (FIPS 204, external/pure with context)', () => {
  const prompt = readAcvp<SigVerPrompt>('ML-DSA-sigVer-FIPS204.prompt.subset.json');
  const expected = readAcvp<SigVerExpected>('ML-DSA-sigVer-FIPS204.expected.json');
  const outcome = new Map(
    expected.testGroups.flatMap((g) => g.tests.map((t) => [t.tcId, t.testPassed] as const)),
  );
  const group = prompt.testGroups[0]!;

  test('subset is group 1: ML-DSA-44, external interface, pure, tcId 1-8', () => {
    assert.equal(group.parameterSet, 'ML-DSA-44');
    assert.equal(group.signatureInterface, 'external');
    assert.equal(group.preHash, 'pure');
    assert.deepEqual(
      group.tests.map((t) => t.tcId),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.deepEqual(
      group.tests.map((t) => outcome.get(t.tcId)),
      [false, false, false, false, false, false, true, true],
    );
  });

  for (const tc of group.tests) {
    test(`tcId ${tc.tcId}: ${outcome.get(tc.tcId) ? 'accepts' : 'rejects'}`, () => {
      const args = [hex(tc.pk), hex(tc.message), hex(tc.signature), hex(tc.context)] as const;
      assert.equal(verifySignature(ALG_ML_DSA_44, ...args), outcome.get(tc.tcId));
      assert.equal(portableVerifySignature(ALG_ML_DSA_44, ...args), outcome.get(tc.tcId));
    });
  }
});
