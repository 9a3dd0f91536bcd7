import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { TX_BYTES_MAX, TX_MESSAGES_MAX } from '@lattice/params';
import { concatBytes, isLatticeError, toHex } from '@lattice/utils';
import {
  AuthInfoSchema,
  create,
  decodeMessage,
  decodeTx,
  encodeMessage,
  MsgSendSchema,
  packAny,
  TxBodySchema,
  TxSchema,
  txHash,
} from '../src/index.ts';
import { fill, msgSend, txParts } from './fixtures.ts';

function txWith(parts: { bodyBytes?: Uint8Array; authInfoBytes?: Uint8Array; signatures?: Uint8Array[] }) {
  const base = txParts(true);
  return encodeMessage(
    TxSchema,
    create(TxSchema, {
      bodyBytes: parts.bodyBytes ?? base.bodyBytes,
      authInfoBytes: parts.authInfoBytes ?? base.authInfoBytes,
      signatures: parts.signatures ?? base.tx.signatures,
    }),
  );
}

const bytes = (...b: number[]) => new Uint8Array(b);

describe('decodeTx', () => {
  it('decodes body and auth info of a typical tx', () => {
    const p = txParts(true);
    const { tx, body, authInfo } = decodeTx(p.txBytes);
    assert.deepEqual(tx.bodyBytes, p.bodyBytes);
    assert.equal(body.memo, 'hi');
    assert.equal(body.messages[0]!.typeUrl, '/lattice.bank.v1.MsgSend');
    assert.equal(authInfo.signerInfos[0]!.sequence, 7n);
    assert.equal(authInfo.signerInfos[0]!.publicKey!.key.length, 1312);
    assert.equal(authInfo.fee!.gasLimit, 200_000n);
  });

  it('the public key is optional', () => {
    const { authInfo } = decodeTx(txParts(false).txBytes);
    assert.equal(authInfo.signerInfos[0]!.publicKey, undefined);
  });

  it('typical ML-DSA-44 MsgSend txs are about 3.8 KB with the key and 2.5 KB without', () => {
    const withKey = txParts(true).txBytes.length;
    const without = txParts(false).txBytes.length;
    assert.ok(withKey > 3700 && withKey < 4000, String(withKey));
    assert.ok(without > 2400 && without < 2700, String(without));
  });

  it('rejects a 10 MiB buffer before decoding', () => {
    const huge = new Uint8Array(10 * 1024 * 1024);
    const start = process.hrtime.bigint();
    assert.throws(
      () => decodeTx(huge),
      (e: unknown) => {
        assert.ok(isLatticeError(e, 'DECODE_TOO_LARGE'));
        assert.equal(e.meta['size'], huge.length);
        assert.equal(e.meta['max'], TX_BYTES_MAX);
        return true;
      },
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.ok(ms < 100, `took ${ms} ms`);
  });

  it('rejects non-bytes input with DECODE_FAILED', () => {
    assert.throws(() => decodeTx('abc' as unknown as Uint8Array), { code: 'DECODE_FAILED' });
    assert.throws(() => decodeTx(undefined as unknown as Uint8Array), { code: 'DECODE_FAILED' });
  });

  it('needs exactly one signature and one signer info per signature', () => {
    assert.throws(() => decodeTx(txWith({ signatures: [] })), { code: 'TX_MALFORMED' });
    assert.throws(() => decodeTx(txWith({ signatures: [fill(10, 1), fill(10, 2)] })), {
      code: 'TX_MALFORMED',
    });
    const noSigners = encodeMessage(
      AuthInfoSchema,
      create(AuthInfoSchema, { fee: txParts(true).authInfo.fee }),
    );
    assert.throws(() => decodeTx(txWith({ authInfoBytes: noSigners })), { code: 'TX_MALFORMED' });
  });

  it('limits the number of messages', () => {
    const many = (n: number) =>
      encodeMessage(
        TxBodySchema,
        create(TxBodySchema, { messages: Array.from({ length: n }, () => packAny(MsgSendSchema, msgSend)) }),
      );
    assert.doesNotThrow(() => decodeTx(txWith({ bodyBytes: many(TX_MESSAGES_MAX) })));
    assert.throws(() => decodeTx(txWith({ bodyBytes: many(TX_MESSAGES_MAX + 1) })), { code: 'TX_MALFORMED' });
  });

  it('leaves zero messages to the app', () => {
    const empty = encodeMessage(TxBodySchema, create(TxBodySchema));
    assert.equal(decodeTx(txWith({ bodyBytes: empty })).body.messages.length, 0);
  });
});

describe('canonical encoding (malleability)', () => {
  const txBytes = txParts(true).txBytes;

  it('rejects an unknown field in the Tx envelope, which would change the tx hash', () => {
    const extra = concatBytes(txBytes, bytes(0x20, 0x01)); // field 4, varint 1
    assert.throws(() => decodeTx(extra), { code: 'DECODE_FAILED' });
    // Lenient decoding accepts it but never keeps it.
    const lenient = decodeMessage(TxSchema, extra, TX_BYTES_MAX, 'Tx', { canonical: false });
    assert.deepEqual(encodeMessage(TxSchema, lenient), txBytes);
  });

  it('rejects unknown fields in the signed body and auth info', () => {
    const p = txParts(true);
    const body = concatBytes(p.bodyBytes, bytes(0xfa, 0x01, 0x01, 0x00)); // field 31, 1 byte
    assert.throws(() => decodeTx(txWith({ bodyBytes: body })), /TxBody/);
    const auth = concatBytes(p.authInfoBytes, bytes(0x18, 0x05)); // field 3, varint
    assert.throws(() => decodeTx(txWith({ authInfoBytes: auth })), /AuthInfo/);
  });

  it('rejects non-minimal varints, explicit defaults, duplicates and unordered fields', () => {
    const p = txParts(true);
    // timeout_height = 0 written explicitly, with a padded varint.
    assert.throws(() => decodeTx(txWith({ bodyBytes: concatBytes(p.bodyBytes, bytes(0x18, 0x80, 0x00)) })), {
      code: 'DECODE_FAILED',
    });
    assert.throws(() => decodeTx(txWith({ bodyBytes: concatBytes(p.bodyBytes, bytes(0x18, 0x00)) })), {
      code: 'DECODE_FAILED',
    });
    // body_bytes twice: protobuf keeps the last one.
    const dup = concatBytes(txBytes, bytes(0x0a, 0x00));
    assert.throws(() => decodeTx(dup), { code: 'DECODE_FAILED' });
    // auth_info_bytes before body_bytes.
    const t = decodeTx(txBytes).tx;
    const part = (no: number, b: Uint8Array) => concatBytes(bytes((no << 3) | 2), varint(b.length), b);
    const reordered = concatBytes(part(2, t.authInfoBytes), part(1, t.bodyBytes), part(3, t.signatures[0]!));
    assert.throws(() => decodeTx(reordered), { code: 'DECODE_FAILED' });
    assert.equal(
      toHex(
        encodeMessage(TxSchema, decodeMessage(TxSchema, reordered, TX_BYTES_MAX, 'Tx', { canonical: false })),
      ),
      toHex(txBytes),
    );
  });
});

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return new Uint8Array(out);
}

describe('txHash', () => {
  it('is SHA-256 of the tx bytes', () => {
    const b = txParts(false).txBytes;
    assert.equal(toHex(txHash(b)), createHash('sha256').update(b).digest('hex'));
    assert.ok(txHash(b) instanceof Uint8Array);
  });
});
