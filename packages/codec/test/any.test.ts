import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AnySchema,
  CoinSchema,
  create,
  equals,
  isMessage,
  MessageRegistry,
  MsgMultiSendSchema,
  MsgSendSchema,
  packAny,
  TxBodySchema,
  toJson,
  typeUrlOf,
} from '../src/index.ts';
import { msgSend } from './fixtures.ts';

describe('Any', () => {
  it('packs with a host-less type URL', () => {
    const any = packAny(MsgSendSchema, msgSend);
    assert.equal(any.typeUrl, '/lattice.bank.v1.MsgSend');
    assert.equal(typeUrlOf(MsgMultiSendSchema), '/lattice.bank.v1.MsgMultiSend');
  });

  it('unpacks registered messages', () => {
    const registry = new MessageRegistry([MsgSendSchema, MsgMultiSendSchema]);
    const msg = registry.unpack(packAny(MsgSendSchema, msgSend));
    assert.ok(isMessage(msg, MsgSendSchema));
    assert.ok(equals(MsgSendSchema, msg, msgSend));
    assert.equal(msg.amount[0]!.amount, '1000000');
    assert.deepEqual(registry.typeUrls(), ['/lattice.bank.v1.MsgMultiSend', '/lattice.bank.v1.MsgSend']);
    assert.ok(registry.has('/lattice.bank.v1.MsgSend'));
    assert.equal(registry.schema('/lattice.bank.v1.MsgSend'), MsgSendSchema);
  });

  it('unknown type URLs are TX_UNKNOWN_MESSAGE', () => {
    const registry = new MessageRegistry([MsgSendSchema]);
    for (const typeUrl of [
      '/lattice.bank.v1.MsgMultiSend',
      'type.googleapis.com/lattice.bank.v1.MsgSend',
      'lattice.bank.v1.MsgSend',
      '',
      '__proto__',
      'x'.repeat(10_000),
    ]) {
      assert.throws(
        () => registry.unpack(create(AnySchema, { typeUrl })),
        (e: unknown) => {
          assert.equal((e as { code: string }).code, 'TX_UNKNOWN_MESSAGE');
          assert.ok((e as Error).message.length < 300);
          return true;
        },
      );
    }
  });

  it('bad value bytes are DECODE_FAILED, oversized ones DECODE_TOO_LARGE', () => {
    const registry = new MessageRegistry([MsgSendSchema], { maxBytes: 100 });
    const typeUrl = '/lattice.bank.v1.MsgSend';
    for (const value of [
      new Uint8Array([0x0a, 0x05, 0x61]),
      new Uint8Array([0xff]),
      new Uint8Array([0x38, 0x01]),
    ]) {
      assert.throws(() => registry.unpack(create(AnySchema, { typeUrl, value })), { code: 'DECODE_FAILED' });
    }
    assert.throws(() => registry.unpack(create(AnySchema, { typeUrl, value: new Uint8Array(101) })), {
      code: 'DECODE_TOO_LARGE',
    });
    assert.throws(() => registry.unpack(undefined as never), { code: 'DECODE_FAILED' });
  });

  it('a non-canonical value is rejected unless the registry is lenient', () => {
    const value = new Uint8Array([0x0a, 0x01, 0x61, 0x0a, 0x01, 0x62]); // from_address twice
    const any = create(AnySchema, { typeUrl: '/lattice.bank.v1.MsgSend', value });
    assert.throws(() => new MessageRegistry([MsgSendSchema]).unpack(any), { code: 'DECODE_FAILED' });
    const lenient = new MessageRegistry([MsgSendSchema], { canonical: false }).unpack(any);
    assert.ok(isMessage(lenient, MsgSendSchema));
    assert.equal(lenient.fromAddress, 'b');
  });

  it('registering is idempotent but a URL cannot change schema', () => {
    const registry = new MessageRegistry([MsgSendSchema]);
    registry.register(MsgSendSchema);
    assert.deepEqual(registry.typeUrls(), ['/lattice.bank.v1.MsgSend']);
    const impostor = { ...CoinSchema, typeName: MsgSendSchema.typeName } as unknown as typeof CoinSchema;
    assert.throws(() => registry.register(impostor), { code: 'INVALID_ARGUMENT' });
  });

  it('its type registry renders Any fields as JSON', () => {
    const registry = new MessageRegistry([MsgSendSchema]);
    const body = create(TxBodySchema, { messages: [packAny(MsgSendSchema, msgSend)], memo: 'm' });
    const json = toJson(TxBodySchema, body, { registry: registry.typeRegistry }) as {
      messages: { '@type': string; fromAddress: string }[];
    };
    assert.equal(json.messages[0]!['@type'], '/lattice.bank.v1.MsgSend');
    assert.equal(json.messages[0]!.fromAddress, msgSend.fromAddress);
  });
});
