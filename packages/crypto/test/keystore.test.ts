import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { KEYSTORE_SCRYPT_N, KEYSTORE_SCRYPT_P, KEYSTORE_SCRYPT_R } from '@lattice/params';
import { isLatticeError } from '@lattice/utils';
import {
  ALG_ML_DSA_44,
  ALG_ML_DSA_65,
  addressFromPublicKey,
  decryptKeystore,
  encryptKeystore,
  type KeystoreFile,
  privateKeyFromSeed,
} from '../src/index.ts';
import { testSeed } from './helpers.ts';

const FAST = { scryptN: 1 << 10 };
const PASSWORD = 'correct horse battery staple';
const isInvalid = (e: unknown) => isLatticeError(e, 'KEYSTORE_INVALID') && (e as Error).message.length > 10;
const isWrongPassword = (e: unknown) => isLatticeError(e, 'KEYSTORE_WRONG_PASSWORD');

/** Recomputes the checksum the way keystore.ts does, to model a deliberate (not accidental) edit. */
function withChecksum(f: KeystoreFile): KeystoreFile {
  const fields = [
    'lattice/keystore/checksum',
    f.version,
    f.alg,
    f.address,
    f.kdf.name,
    f.kdf.n,
    f.kdf.r,
    f.kdf.p,
    f.kdf.salt,
    f.cipher.name,
    f.cipher.iv,
    f.cipher.ciphertext,
    f.cipher.tag,
  ];
  return { ...f, checksum: createHash('sha256').update(JSON.stringify(fields)).digest('hex') };
}

function edit(f: KeystoreFile, change: (copy: KeystoreFile) => void): KeystoreFile {
  const copy = structuredClone(f);
  change(copy);
  return copy;
}

function flipHex(h: string): string {
  return (h[0] === '0' ? '1' : '0') + h.slice(1);
}

describe('keystore', () => {
  const seed = testSeed(7);
  const key = privateKeyFromSeed(ALG_ML_DSA_44, seed);
  const file = encryptKeystore({ alg: ALG_ML_DSA_44, seed, name: 'alice' }, PASSWORD, FAST);

  test('round trip gives back the seed, alg, name and address', () => {
    assert.equal(file.version, 1);
    assert.equal(file.alg, ALG_ML_DSA_44);
    assert.equal(file.name, 'alice');
    assert.equal(file.address, addressFromPublicKey(ALG_ML_DSA_44, key.publicKey));
    assert.equal(file.kdf.n, FAST.scryptN);
    assert.ok(!JSON.stringify(file).includes(Buffer.from(seed).toString('hex')));
    const out = decryptKeystore(file, PASSWORD);
    assert.deepEqual(out, { alg: ALG_ML_DSA_44, seed, name: 'alice', address: file.address });
    // A file read from disk is JSON text.
    assert.deepEqual(decryptKeystore(JSON.stringify(file), PASSWORD).seed, seed);
  });

  test('two encryptions of the same key differ (fresh salt and IV)', () => {
    const again = encryptKeystore({ alg: ALG_ML_DSA_44, seed }, PASSWORD, FAST);
    assert.notEqual(again.kdf.salt, file.kdf.salt);
    assert.notEqual(again.cipher.ciphertext, file.cipher.ciphertext);
    assert.equal(again.name, undefined);
    assert.equal('name' in again, false);
    assert.equal(decryptKeystore(again, PASSWORD).name, undefined);
  });

  test('the name is a label: renaming keeps the file valid', () => {
    const renamed = edit(file, (f) => {
      f.name = 'bob';
    });
    assert.equal(decryptKeystore(renamed, PASSWORD).name, 'bob');
  });

  test('passwords are compared after Unicode NFKC normalisation', () => {
    const f = encryptKeystore({ alg: ALG_ML_DSA_44, seed }, 'caf\u00e9', FAST);
    assert.deepEqual(decryptKeystore(f, 'cafe\u0301').seed, seed);
  });

  test('wrong password is KEYSTORE_WRONG_PASSWORD', () => {
    for (const pw of ['wrong', '', `${PASSWORD} `]) {
      assert.throws(() => decryptKeystore(file, pw), isWrongPassword);
    }
  });

  test('edited fields are KEYSTORE_INVALID', () => {
    const edits: [string, (f: KeystoreFile) => void][] = [
      ['ciphertext', (f) => void (f.cipher.ciphertext = flipHex(f.cipher.ciphertext))],
      ['tag', (f) => void (f.cipher.tag = flipHex(f.cipher.tag))],
      ['iv', (f) => void (f.cipher.iv = flipHex(f.cipher.iv))],
      ['alg', (f) => void (f.alg = ALG_ML_DSA_65)],
      [
        'address',
        (f) =>
          void (f.address = addressFromPublicKey(
            ALG_ML_DSA_44,
            privateKeyFromSeed(1, testSeed(8)).publicKey,
          )),
      ],
      ['kdf.n', (f) => void (f.kdf.n = 1 << 11)],
      ['kdf.r', (f) => void (f.kdf.r = 4)],
      ['kdf.salt', (f) => void (f.kdf.salt = flipHex(f.kdf.salt))],
      ['checksum', (f) => void (f.checksum = flipHex(f.checksum))],
    ];
    for (const [what, change] of edits) {
      assert.throws(() => decryptKeystore(edit(file, change), PASSWORD), isInvalid, what);
    }
  });

  test('deliberate edits with a recomputed checksum still fail: the fields are GCM additional data', () => {
    const other = addressFromPublicKey(ALG_ML_DSA_44, privateKeyFromSeed(1, testSeed(8)).publicKey);
    const edits: ((f: KeystoreFile) => void)[] = [
      (f) => void (f.cipher.ciphertext = flipHex(f.cipher.ciphertext)),
      (f) => void (f.alg = ALG_ML_DSA_65),
      (f) => void (f.address = other),
      (f) => void (f.kdf.r = 4),
    ];
    for (const change of edits) {
      // Without the password the edit cannot be told from a wrong password; it must never succeed.
      assert.throws(
        () => decryptKeystore(withChecksum(edit(file, change)), PASSWORD),
        (e) => isWrongPassword(e) || isInvalid(e),
      );
    }
    // Sanity: the helper reproduces the real checksum.
    assert.equal(withChecksum(file).checksum, file.checksum);
  });

  test('unsupported version is KEYSTORE_INVALID naming the version', () => {
    for (const version of [2, 0, '1', null]) {
      const f = edit(file, (c) => {
        (c as { version: unknown }).version = version;
      });
      assert.throws(
        () => decryptKeystore(f, PASSWORD),
        (e) => isInvalid(e) && /version/.test((e as Error).message),
      );
    }
  });

  test('garbage and malformed files are KEYSTORE_INVALID', () => {
    const garbage: unknown[] = [
      '',
      'not json',
      '{"version":1',
      'null',
      '[]',
      42,
      null,
      undefined,
      {},
      { ...file, kdf: undefined },
      { ...file, cipher: null },
      { ...file, alg: 9 },
      { ...file, address: 'lat1xyz' },
      { ...file, name: 5 },
      edit(file, (f) => void (f.kdf.name = 'pbkdf2' as 'scrypt')),
      edit(file, (f) => void (f.kdf.n = 1000)),
      edit(file, (f) => void (f.kdf.n = 1 << 30)),
      edit(file, (f) => void (f.kdf.p = 0)),
      edit(file, (f) => void (f.kdf.salt = 'zz')),
      edit(file, (f) => void (f.cipher.name = 'aes-128-gcm' as 'aes-256-gcm')),
      edit(file, (f) => void (f.cipher.ciphertext = f.cipher.ciphertext.slice(2))),
      edit(file, (f) => void (f.cipher.ciphertext = f.cipher.ciphertext.toUpperCase())),
      edit(file, (f) => void (f.cipher.tag = '')),
      { ...file, checksum: undefined },
    ];
    for (const g of garbage) {
      assert.throws(() => decryptKeystore(g, PASSWORD), isInvalid, JSON.stringify(g)?.slice(0, 80));
    }
  });

  test('bad arguments to encryptKeystore have stable codes', () => {
    assert.throws(
      () => encryptKeystore({ alg: ALG_ML_DSA_44, seed: new Uint8Array(16) }, PASSWORD, FAST),
      (e) => isLatticeError(e, 'CRYPTO_INVALID_SEED'),
    );
    assert.throws(
      () => encryptKeystore({ alg: 9, seed }, PASSWORD, FAST),
      (e) => isLatticeError(e, 'CRYPTO_UNKNOWN_ALGORITHM'),
    );
    for (const scryptN of [1000, 0, 1 << 30]) {
      assert.throws(
        () => encryptKeystore({ alg: ALG_ML_DSA_44, seed }, PASSWORD, { scryptN }),
        (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
      );
    }
    assert.throws(
      () => encryptKeystore({ alg: ALG_ML_DSA_44, seed }, 5 as unknown as string, FAST),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
  });

  test('default scrypt parameters from @lattice/params', () => {
    const f = encryptKeystore({ alg: ALG_ML_DSA_65, seed }, PASSWORD);
    assert.deepEqual([f.kdf.n, f.kdf.r, f.kdf.p], [KEYSTORE_SCRYPT_N, KEYSTORE_SCRYPT_R, KEYSTORE_SCRYPT_P]);
    assert.deepEqual(decryptKeystore(f, PASSWORD).seed, seed);
  });
});
