import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { AccountStateSchema, PubKeySchema } from '@lattice/codec';
import { isLatticeError } from '@lattice/utils';
import {
  decodeAccountState,
  decodePubKey,
  encodeAccountState,
  encodePubKey,
} from '../src/modules/account-codec.ts';

describe('hand-written account record codec', () => {
  it('writes exactly the bytes protobuf-es writes for AccountState', () => {
    // Around the number/bigint boundaries of the varint paths (49 bits read, 2^53 written) too.
    const values = [
      0n,
      1n,
      127n,
      128n,
      300n,
      2n ** 32n,
      2n ** 49n - 1n,
      2n ** 49n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 56n,
      2n ** 63n,
      2n ** 64n - 1n,
    ];
    for (const accountNumber of values) {
      for (const sequence of values) {
        for (const pubKeyAlg of [0, 1, 4, 300]) {
          const mine = encodeAccountState({ accountNumber, sequence, pubKeyAlg });
          const ref = toBinary(
            AccountStateSchema,
            create(AccountStateSchema, { accountNumber, sequence, pubKeyAlgorithm: pubKeyAlg }),
          );
          assert.deepEqual(mine, ref);
          assert.deepEqual(decodeAccountState(mine), { accountNumber, sequence, pubKeyAlg });
        }
      }
    }
  });

  it('writes exactly the bytes protobuf-es writes for PubKey', () => {
    for (const [alg, len] of [
      [1, 1312],
      [2, 1952],
      [4, 32],
      [0, 0],
    ] as const) {
      const key = new Uint8Array(len).map((_, i) => i * 7);
      const mine = encodePubKey(alg, key);
      assert.deepEqual(mine, toBinary(PubKeySchema, create(PubKeySchema, { algorithm: alg, key })));
      const back = decodePubKey(mine);
      assert.equal(back.alg, alg);
      assert.deepEqual(back.key, key);
    }
  });

  it('reports corrupt records as STATE_CORRUPT', () => {
    for (const bad of [
      [0x08],
      [0x20, 0x01],
      [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    ]) {
      assert.throws(
        () => decodeAccountState(new Uint8Array(bad)),
        (e) => isLatticeError(e, 'STATE_CORRUPT'),
      );
    }
    assert.throws(
      () => decodePubKey(new Uint8Array([0x12, 0x05, 0x01])),
      (e) => isLatticeError(e, 'STATE_CORRUPT'),
    );
  });
});
