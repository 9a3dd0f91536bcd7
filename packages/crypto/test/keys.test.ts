import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { isLatticeError } from '@lattice/utils';
import {
  ALG_ML_DSA_44,
  ALG_SLH_DSA_SHA2_128S,
  generatePrivateKey,
  listSchemes,
  privateKeyFromSeed,
  SIGN_CONTEXT_TX,
  SIGN_CONTEXT_VOTE,
  verifySignature,
} from '../src/index.ts';
import {
  portableGeneratePrivateKey,
  portablePrivateKeyFromSeed,
  portableVerifySignature,
} from '../src/portable.ts';
import { flipBit, testSeed } from './helpers.ts';

const MSG = new TextEncoder().encode('lattice cross-check message');
const verifiers = { node: verifySignature, portable: portableVerifySignature } as const;

for (const scheme of listSchemes()) {
  describe(`${scheme.name}: node:crypto and portable agree`, () => {
    const seed = testSeed(scheme.id);
    const nodeKey = privateKeyFromSeed(scheme.id, seed);
    const portableKey = portablePrivateKeyFromSeed(scheme.id, seed);
    const other = privateKeyFromSeed(scheme.id, testSeed(scheme.id, 1));
    const nodeSig = nodeKey.sign(MSG, SIGN_CONTEXT_TX);
    // Pure-JS SLH-DSA signing takes over a second; one signature is enough.
    const portableSig = portableKey.sign(MSG, SIGN_CONTEXT_TX);

    test('same seed gives the same public key, of the registered sizes', () => {
      assert.deepEqual(nodeKey.publicKey, portableKey.publicKey);
      assert.equal(nodeKey.publicKey.length, scheme.publicKeyBytes);
      assert.equal(nodeSig.length, scheme.signatureBytes);
      assert.equal(portableSig.length, scheme.signatureBytes);
      assert.equal(nodeKey.alg, scheme.id);
      assert.deepEqual(nodeKey.seed, seed);
      assert.notDeepEqual(other.publicKey, nodeKey.publicKey);
    });

    for (const [name, verify] of Object.entries(verifiers)) {
      test(`${name} verifier accepts node and portable signatures`, () => {
        assert.equal(verify(scheme.id, nodeKey.publicKey, MSG, nodeSig, SIGN_CONTEXT_TX), true);
        assert.equal(verify(scheme.id, nodeKey.publicKey, MSG, portableSig, SIGN_CONTEXT_TX), true);
      });

      test(`${name} verifier rejects wrong context, flipped bits and the wrong key`, () => {
        assert.equal(verify(scheme.id, nodeKey.publicKey, MSG, nodeSig, SIGN_CONTEXT_VOTE), false);
        assert.equal(verify(scheme.id, nodeKey.publicKey, MSG, nodeSig, ''), false);
        assert.equal(
          verify(scheme.id, nodeKey.publicKey, flipBit(MSG, 3, 2), nodeSig, SIGN_CONTEXT_TX),
          false,
        );
        assert.equal(
          verify(scheme.id, nodeKey.publicKey, MSG, flipBit(nodeSig, 100, 5), SIGN_CONTEXT_TX),
          false,
        );
        assert.equal(
          verify(scheme.id, flipBit(nodeKey.publicKey, 20, 1), MSG, nodeSig, SIGN_CONTEXT_TX),
          false,
        );
        assert.equal(verify(scheme.id, other.publicKey, MSG, nodeSig, SIGN_CONTEXT_TX), false);
      });

      test(`${name} verifier returns false, never throws, for garbage`, () => {
        const pk = nodeKey.publicKey;
        const garbage: unknown[] = [
          new Uint8Array(0),
          new Uint8Array(1),
          new Uint8Array(scheme.publicKeyBytes - 1),
          new Uint8Array(scheme.signatureBytes + 1),
          'not bytes',
          null,
          undefined,
          42,
        ];
        for (const g of garbage) {
          assert.equal(verify(scheme.id, g as Uint8Array, MSG, nodeSig, SIGN_CONTEXT_TX), false);
          assert.equal(verify(scheme.id, pk, MSG, g as Uint8Array, SIGN_CONTEXT_TX), false);
        }
        assert.equal(verify(scheme.id, pk, 'msg' as unknown as Uint8Array, nodeSig, SIGN_CONTEXT_TX), false);
        assert.equal(verify(scheme.id, pk, MSG, nodeSig, 'x'.repeat(256)), false);
        assert.equal(verify(scheme.id, pk, MSG, nodeSig, 7 as unknown as string), false);
        // Right sizes, random contents.
        const junkPk = new Uint8Array(scheme.publicKeyBytes).fill(0xff);
        const junkSig = new Uint8Array(scheme.signatureBytes).fill(0xff);
        assert.equal(verify(scheme.id, junkPk, MSG, junkSig, SIGN_CONTEXT_TX), false);
        assert.equal(verify(scheme.id, pk, MSG, junkSig, SIGN_CONTEXT_TX), false);
        assert.equal(
          verify(scheme.id, pk, MSG, new Uint8Array(scheme.signatureBytes), SIGN_CONTEXT_TX),
          false,
        );
      });
    }
  });
}

describe('private keys', () => {
  test('derivation is deterministic and copies the seed', () => {
    const seed = testSeed(9);
    const a = privateKeyFromSeed(ALG_ML_DSA_44, seed);
    seed[5] = 1;
    const b = privateKeyFromSeed(ALG_ML_DSA_44, testSeed(9));
    assert.deepEqual(a.publicKey, b.publicKey);
    assert.deepEqual(a.seed, testSeed(9));
  });

  test('seeds must be 32 bytes (CRYPTO_INVALID_SEED)', () => {
    for (const seed of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0), 'seed', null]) {
      for (const make of [privateKeyFromSeed, portablePrivateKeyFromSeed]) {
        assert.throws(
          () => make(ALG_ML_DSA_44, seed as Uint8Array),
          (e) => isLatticeError(e, 'CRYPTO_INVALID_SEED'),
        );
      }
    }
  });

  test('unknown algorithms are CRYPTO_UNKNOWN_ALGORITHM everywhere', () => {
    const isUnknown = (e: unknown) => isLatticeError(e, 'CRYPTO_UNKNOWN_ALGORITHM');
    for (const alg of [0, 5, 255, -1, 1.5, Number.NaN]) {
      assert.throws(() => privateKeyFromSeed(alg, testSeed(1)), isUnknown);
      assert.throws(() => portablePrivateKeyFromSeed(alg, testSeed(1)), isUnknown);
      assert.throws(() => generatePrivateKey(alg), isUnknown);
      assert.throws(() => verifySignature(alg, new Uint8Array(), MSG, new Uint8Array(), ''), isUnknown);
      assert.throws(
        () => portableVerifySignature(alg, new Uint8Array(), MSG, new Uint8Array(), ''),
        isUnknown,
      );
    }
  });

  test('signing rejects a context over 255 bytes and a non-byte message with INVALID_ARGUMENT', () => {
    const key = privateKeyFromSeed(ALG_ML_DSA_44, testSeed(2));
    const pkey = portablePrivateKeyFromSeed(ALG_ML_DSA_44, testSeed(2));
    for (const k of [key, pkey]) {
      assert.throws(
        () => k.sign(MSG, 'c'.repeat(256)),
        (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
      );
      assert.throws(
        () => k.sign('text' as unknown as Uint8Array, SIGN_CONTEXT_TX),
        (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
      );
      const sig = k.sign(MSG, 'c'.repeat(255));
      assert.equal(verifySignature(ALG_ML_DSA_44, key.publicKey, MSG, sig, 'c'.repeat(255)), true);
    }
  });

  test('byte contexts are signed as given; a string context is its UTF-8 bytes', () => {
    const key = privateKeyFromSeed(ALG_ML_DSA_44, testSeed(3));
    const sig = key.sign(MSG, new Uint8Array([0, 1, 2, 255]));
    assert.equal(
      verifySignature(ALG_ML_DSA_44, key.publicKey, MSG, sig, new Uint8Array([0, 1, 2, 255])),
      true,
    );
    const sig2 = key.sign(MSG, 'é');
    assert.equal(
      verifySignature(ALG_ML_DSA_44, key.publicKey, MSG, sig2, new Uint8Array([0xc3, 0xa9])),
      true,
    );
  });

  test('generated keys are fresh and usable', () => {
    const a = generatePrivateKey(ALG_ML_DSA_44);
    const b = generatePrivateKey(ALG_ML_DSA_44);
    assert.notDeepEqual(a.seed, b.seed);
    assert.deepEqual(portablePrivateKeyFromSeed(ALG_ML_DSA_44, a.seed).publicKey, a.publicKey);
    const c = portableGeneratePrivateKey(ALG_ML_DSA_44);
    const sig = c.sign(MSG, SIGN_CONTEXT_TX);
    assert.equal(verifySignature(ALG_ML_DSA_44, c.publicKey, MSG, sig, SIGN_CONTEXT_TX), true);
  });

  test('SLH-DSA key derivation matches a pinned public key', () => {
    // Pins the documented seed expansion (HKDF-SHA-256 → 48 bytes) so it cannot drift silently.
    const key = privateKeyFromSeed(ALG_SLH_DSA_SHA2_128S, new Uint8Array(32));
    assert.equal(Buffer.from(key.publicKey).toString('hex'), PINNED_SLH_PUBLIC_KEY);
    // PK.seed is the last 16 of the 48 HKDF bytes (SK.seed ‖ SK.prf ‖ PK.seed), checked with node's HKDF.
    const okm = hkdfSync(
      'sha256',
      new Uint8Array(32),
      new Uint8Array(0),
      'lattice/slh-dsa-sha2-128s/keygen/v1',
      48,
    );
    assert.deepEqual(key.publicKey.subarray(0, 16), new Uint8Array(okm).subarray(32, 48));
  });
});

const PINNED_SLH_PUBLIC_KEY = '582f2e7121a733b8bbc44ad127097911767ff1ca5aa970b35fd369e1c3e5f641';
