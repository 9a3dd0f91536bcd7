import assert from 'node:assert/strict';
import { hkdfSync, pbkdf2Sync } from 'node:crypto';
import { test } from 'node:test';
import { isLatticeError } from '@lattice/utils';
import {
  ALG_ML_DSA_44,
  ALG_ML_DSA_65,
  generateMnemonic,
  mnemonicToKeySeed,
  privateKeyFromSeed,
  validateMnemonic,
} from '../src/index.ts';
import * as portable from '../src/portable.ts';

// BIP-39 test vector (entropy 0x00 × 32): the last word carries the checksum.
const ZERO_MNEMONIC = `${'abandon '.repeat(23)}art`;
const isInvalid = (e: unknown) => isLatticeError(e, 'MNEMONIC_INVALID');

test('generated phrases have 24 valid words and differ', () => {
  const a = generateMnemonic();
  const b = generateMnemonic();
  assert.equal(a.split(' ').length, 24);
  assert.ok(validateMnemonic(a));
  assert.notEqual(a, b);
});

test('recovery from the phrase gives the same key, also through the portable entry', () => {
  const phrase = generateMnemonic();
  const seed1 = mnemonicToKeySeed(phrase);
  const seed2 = mnemonicToKeySeed(phrase, { alg: ALG_ML_DSA_44, index: 0, passphrase: '' });
  assert.equal(seed1.length, 32);
  assert.deepEqual(seed1, seed2);
  assert.deepEqual(portable.mnemonicToKeySeed(phrase), seed1);
  assert.deepEqual(
    privateKeyFromSeed(ALG_ML_DSA_44, seed1).publicKey,
    privateKeyFromSeed(ALG_ML_DSA_44, seed2).publicKey,
  );
  // Stray whitespace and capitals are what people paste; they are the same phrase.
  assert.deepEqual(mnemonicToKeySeed(`  ${phrase.toUpperCase().replaceAll(' ', ' \n\t')} `), seed1);
});

test('derivation is HKDF-SHA-256(BIP-39 seed, info = lattice/key/v1 ‖ alg ‖ index), checked with node:crypto', () => {
  // BIP-39's own vector for this phrase with passphrase TREZOR pins the PBKDF2 step.
  const bip39Seed = pbkdf2Sync(ZERO_MNEMONIC, 'mnemonicTREZOR', 2048, 64, 'sha512');
  assert.equal(
    bip39Seed.toString('hex'),
    'bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8',
  );
  const info = Buffer.concat([
    Buffer.from('lattice/key/v1'),
    Buffer.from([ALG_ML_DSA_65]),
    Buffer.from([0, 0, 0, 7]),
  ]);
  const expected = new Uint8Array(hkdfSync('sha256', bip39Seed, Buffer.alloc(0), info, 32));
  assert.deepEqual(
    mnemonicToKeySeed(ZERO_MNEMONIC, { alg: ALG_ML_DSA_65, index: 7, passphrase: 'TREZOR' }),
    expected,
  );
});

test('different index, algorithm or passphrase gives an unrelated key', () => {
  const seeds = [
    mnemonicToKeySeed(ZERO_MNEMONIC),
    mnemonicToKeySeed(ZERO_MNEMONIC, { index: 1 }),
    mnemonicToKeySeed(ZERO_MNEMONIC, { index: 2 }),
    mnemonicToKeySeed(ZERO_MNEMONIC, { alg: ALG_ML_DSA_65 }),
    mnemonicToKeySeed(ZERO_MNEMONIC, { alg: ALG_ML_DSA_65, index: 1 }),
    mnemonicToKeySeed(ZERO_MNEMONIC, { passphrase: 'x' }),
    mnemonicToKeySeed(ZERO_MNEMONIC, { index: 0xffff_ffff }),
  ];
  const hex = new Set(seeds.map((s) => Buffer.from(s).toString('hex')));
  assert.equal(hex.size, seeds.length);
});

test('invalid phrases: validateMnemonic is false and derivation is MNEMONIC_INVALID', () => {
  const bad = [
    `${'abandon '.repeat(23)}abandon`, // checksum fails
    `${'abandon '.repeat(11)}about`, // valid 12-word BIP-39, but Lattice uses 24 words
    `${'abandon '.repeat(23)}artt`,
    `${'abandon '.repeat(24)}art`,
    '',
    'hello',
  ];
  for (const phrase of bad) {
    assert.equal(validateMnemonic(phrase), false, phrase);
    assert.throws(() => mnemonicToKeySeed(phrase), isInvalid);
    assert.throws(() => portable.mnemonicToKeySeed(phrase), isInvalid);
  }
  assert.equal(validateMnemonic(42 as unknown as string), false);
  assert.throws(() => mnemonicToKeySeed(null as unknown as string), isInvalid);
});

test('bad options are rejected with stable codes', () => {
  assert.throws(
    () => mnemonicToKeySeed(ZERO_MNEMONIC, { alg: 9 }),
    (e) => isLatticeError(e, 'CRYPTO_UNKNOWN_ALGORITHM'),
  );
  for (const index of [-1, 1.5, 2 ** 32]) {
    assert.throws(
      () => mnemonicToKeySeed(ZERO_MNEMONIC, { index }),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
  }
});
