import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLatticeError } from '@lattice/utils';
import { bech32m } from '@scure/base';
import {
  ALG_ML_DSA_44,
  ALG_ML_DSA_65,
  addressBytesFromPublicKey,
  addressFromPublicKey,
  formatAddress,
  parseAddress,
  privateKeyFromSeed,
  sha256,
} from '../src/index.ts';
import * as portable from '../src/portable.ts';
import { testSeed } from './helpers.ts';

const isInvalid = (e: unknown) => isLatticeError(e, 'ADDRESS_INVALID');

describe('addresses', () => {
  const key = privateKeyFromSeed(ALG_ML_DSA_44, testSeed(1));

  test('address = SHA-256(alg ‖ public key), bech32m with prefix lat', () => {
    const bytes = addressBytesFromPublicKey(ALG_ML_DSA_44, key.publicKey);
    const expected = sha256(new Uint8Array([ALG_ML_DSA_44, ...key.publicKey]));
    assert.deepEqual(bytes, expected);
    assert.equal(bytes.length, 32);
    const addr = addressFromPublicKey(ALG_ML_DSA_44, key.publicKey);
    assert.match(addr, /^lat1[02-9ac-hj-np-z]{58}$/);
    assert.deepEqual(parseAddress(addr), bytes);
    assert.equal(formatAddress(bytes), addr);
  });

  test('the portable entry gives the same addresses and hashes', () => {
    assert.equal(
      portable.addressFromPublicKey(ALG_ML_DSA_44, key.publicKey),
      addressFromPublicKey(ALG_ML_DSA_44, key.publicKey),
    );
    assert.deepEqual(
      portable.addressBytesFromPublicKey(ALG_ML_DSA_44, key.publicKey),
      addressBytesFromPublicKey(ALG_ML_DSA_44, key.publicKey),
    );
    const data = new Uint8Array(1000).map((_, i) => i);
    assert.deepEqual(portable.sha256(data), sha256(data));
    assert.deepEqual(sha256(new Uint8Array(0)), portable.sha256(new Uint8Array(0)));
  });

  test('sha256 matches a known vector and returns a plain Uint8Array', () => {
    const h = sha256(new TextEncoder().encode('abc'));
    assert.equal(
      Buffer.from(h).toString('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(Object.getPrototypeOf(h), Uint8Array.prototype);
  });

  test('the algorithm id is part of the address', () => {
    const same = new Uint8Array(1952).fill(1);
    const other = privateKeyFromSeed(ALG_ML_DSA_65, testSeed(1));
    assert.notEqual(
      addressFromPublicKey(ALG_ML_DSA_65, same),
      addressFromPublicKey(ALG_ML_DSA_65, other.publicKey),
    );
  });

  test('validator operator prefix round-trips and is not an account address', () => {
    const addr = addressFromPublicKey(ALG_ML_DSA_44, key.publicKey, 'latvaloper');
    assert.ok(addr.startsWith('latvaloper1'));
    assert.deepEqual(
      parseAddress(addr, 'latvaloper'),
      addressBytesFromPublicKey(ALG_ML_DSA_44, key.publicKey),
    );
    assert.throws(
      () => parseAddress(addr),
      (e) => isInvalid(e) && /prefix "latvaloper", expected "lat"/.test((e as Error).message),
    );
  });

  test('a public key of the wrong length is CRYPTO_INVALID_KEY', () => {
    assert.throws(
      () => addressFromPublicKey(ALG_ML_DSA_44, new Uint8Array(1311)),
      (e) => isLatticeError(e, 'CRYPTO_INVALID_KEY'),
    );
    assert.throws(
      () => addressFromPublicKey(9, new Uint8Array(1312)),
      (e) => isLatticeError(e, 'CRYPTO_UNKNOWN_ALGORITHM'),
    );
  });

  test('bad checksum, wrong length, wrong type and junk are ADDRESS_INVALID with a message', () => {
    const addr = addressFromPublicKey(ALG_ML_DSA_44, key.publicKey);
    const last = addr.at(-1) === 'q' ? 'p' : 'q';
    const short = bech32m.encode('lat', bech32m.toWords(new Uint8Array(20)));
    const bech32Not32m = 'lat1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqeuvpu5';
    const cases: unknown[] = [
      addr.slice(0, -1) + last,
      short,
      '',
      'lat1',
      'hello world',
      `${addr}q`,
      addr.replace('lat1', 'lat2'),
      bech32Not32m,
      'x'.repeat(500),
      42,
      null,
      undefined,
      { address: addr },
      new Uint8Array(32),
    ];
    for (const c of cases) {
      for (const parse of [parseAddress, portable.parseAddress]) {
        assert.throws(
          () => parse(c as string),
          (e) => isInvalid(e) && (e as Error).message.length > 10,
          `accepted ${String(c)}`,
        );
      }
    }
  });

  test('upper-case bech32m is accepted as the same address', () => {
    const addr = addressFromPublicKey(ALG_ML_DSA_44, key.publicKey);
    assert.deepEqual(parseAddress(addr.toUpperCase()), parseAddress(addr));
  });

  test('formatAddress rejects non-32-byte payloads and bad prefixes', () => {
    assert.throws(() => formatAddress(new Uint8Array(31)), isInvalid);
    assert.throws(() => formatAddress('abc' as unknown as Uint8Array), isInvalid);
    for (const prefix of ['', 'LAT', 'la t', '1lat']) {
      assert.throws(
        () => formatAddress(new Uint8Array(32), prefix),
        (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
      );
    }
  });
});
