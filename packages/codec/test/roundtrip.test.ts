import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as codec from '../src/index.ts';
import {
  create,
  type DescMessage,
  decodeMessage,
  encodeMessage,
  equals,
  MessageRegistry,
  toJson,
} from '../src/index.ts';
import { SAMPLES } from './fixtures.ts';

function isMessageSchema(v: unknown): v is DescMessage {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'message';
}

const registry = new MessageRegistry([codec.MsgSendSchema, codec.MsgMultiSendSchema]);

describe('round trips', () => {
  it('has a sample for every exported lattice message schema', () => {
    const exported = (Object.values(codec) as unknown[])
      .filter(isMessageSchema)
      .map((s) => s.typeName)
      .filter((n) => n.startsWith('lattice.'))
      .sort();
    const sampled = SAMPLES.map((s) => s.schema.typeName).sort();
    assert.deepEqual(sampled, exported);
  });

  for (const { schema, value } of SAMPLES) {
    it(schema.typeName, () => {
      const bytes = encodeMessage(schema, value);
      assert.ok(bytes.length > 0, 'sample should not be empty');
      const decoded = decodeMessage(schema, bytes, bytes.length, schema.typeName);
      assert.ok(equals(schema, decoded, value));
      assert.deepEqual(encodeMessage(schema, decoded), bytes);
      // JSON views (RPC) work for every type, Any included.
      const json = toJson(schema, decoded, { registry: registry.typeRegistry });
      assert.equal(typeof json, 'object');
    });
  }

  it('an empty message encodes to zero bytes and decodes back', () => {
    for (const { schema } of SAMPLES) {
      const empty = create(schema);
      const bytes = encodeMessage(schema, empty);
      assert.equal(bytes.length, 0, schema.typeName);
      assert.ok(equals(schema, decodeMessage(schema, bytes, 0, schema.typeName), empty));
    }
  });

  it('uint64 and amount strings keep full precision', () => {
    const big = create(codec.BaseAccountSchema, {
      accountNumber: (1n << 64n) - 1n,
      sequence: (1n << 63n) + 1n,
    });
    const back = decodeMessage(
      codec.BaseAccountSchema,
      encodeMessage(codec.BaseAccountSchema, big),
      100,
      'acc',
    );
    assert.equal(back.accountNumber, (1n << 64n) - 1n);
    assert.equal(back.sequence, (1n << 63n) + 1n);
  });

  it('encodeMessage turns out-of-range values into INVALID_ARGUMENT', () => {
    const bad = create(codec.PubKeySchema, { algorithm: -1 });
    assert.throws(() => encodeMessage(codec.PubKeySchema, bad), { code: 'INVALID_ARGUMENT' });
  });
});
