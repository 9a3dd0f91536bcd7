import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { isLatticeError } from '@lattice/utils';
import {
  listSchemes,
  type PrivateKey,
  privateKeyFromSeed,
  SIGN_CONTEXT_TX,
  SIGN_CONTEXT_VOTE,
  type SignatureVerifier,
  type VerifyRequest,
} from '../src/index.ts';
import { flipBit, testSeed } from './helpers.ts';

export type VerifierFactory = (opts: { batchMax?: number; queueMax?: number }) => SignatureVerifier;

interface Case {
  request: VerifyRequest;
  valid: boolean;
}

const keys = new Map<number, PrivateKey>(
  listSchemes().map((s) => [s.id, privateKeyFromSeed(s.id, testSeed(40 + s.id))]),
);
const signed = new Map<number, { message: Uint8Array; signature: Uint8Array }>();
for (const [alg, key] of keys) {
  const message = new TextEncoder().encode(`verifier conformance ${alg}`);
  signed.set(alg, { message, signature: key.sign(message, SIGN_CONTEXT_TX) });
}

/** Case i of a deterministic mix over every scheme: valid, wrong context, tampered, wrong size. */
export function makeCase(i: number): Case {
  const schemes = listSchemes();
  const alg = schemes[i % schemes.length]!.id;
  const key = keys.get(alg)!;
  const { message, signature } = signed.get(alg)!;
  const base = { alg, publicKey: key.publicKey, message, signature, context: SIGN_CONTEXT_TX };
  switch (Math.floor(i / schemes.length) % 5) {
    case 0:
    case 1:
      return { request: base, valid: true };
    case 2:
      return { request: { ...base, context: SIGN_CONTEXT_VOTE }, valid: false };
    case 3:
      return { request: { ...base, signature: flipBit(signature, i, i % 8) }, valid: false };
    default:
      return { request: { ...base, publicKey: key.publicKey.subarray(1) }, valid: false };
  }
}

function cases(n: number, offset = 0): Case[] {
  return Array.from({ length: n }, (_, i) => makeCase(i + offset));
}

const isAborted = (e: unknown) => isLatticeError(e, 'ABORTED');

/** One behaviour for every SignatureVerifier implementation. */
export function verifierConformance(name: string, create: VerifierFactory): void {
  describe(`SignatureVerifier conformance: ${name}`, () => {
    const open: SignatureVerifier[] = [];
    const make: VerifierFactory = (opts) => {
      const v = create(opts);
      open.push(v);
      return v;
    };
    after(() => Promise.all(open.map((v) => v.close())));

    test('an empty call resolves to []', async () => {
      const v = make({});
      assert.deepEqual(await v.verify([]), []);
      assert.equal(v.verifiedTotal, 0);
    });

    test('mixed valid and invalid over every algorithm, results in request order', async () => {
      const v = make({});
      const cs = cases(40);
      assert.deepEqual(
        await v.verify(cs.map((c) => c.request)),
        cs.map((c) => c.valid),
      );
      assert.equal(v.verifiedTotal, 40);
    });

    test('malformed requests are false, not errors', async () => {
      const v = make({});
      const good = makeCase(0).request;
      const malformed = [
        { ...good, publicKey: 'pk' },
        { ...good, signature: null },
        { ...good, message: 'message' },
        { ...good, context: 'x'.repeat(256) },
        { ...good, context: 12 },
        { ...good, signature: new Uint8Array(good.signature.length) },
        null,
      ] as unknown as VerifyRequest[];
      const res = await v.verify([good, ...malformed, good]);
      assert.deepEqual(res, [true, ...malformed.map(() => false), true]);
      assert.equal(v.verifiedTotal, malformed.length + 2);
    });

    test('an unknown algorithm rejects the call with CRYPTO_UNKNOWN_ALGORITHM', async () => {
      const v = make({});
      await assert.rejects(v.verify([makeCase(0).request, { ...makeCase(0).request, alg: 99 }]), (e) =>
        isLatticeError(e, 'CRYPTO_UNKNOWN_ALGORITHM'),
      );
      assert.deepEqual(await v.verify([makeCase(0).request]), [true]);
    });

    test('a large batch spanning many internal batches', async () => {
      const v = make({ batchMax: 64 });
      const cs = cases(600, 3);
      assert.deepEqual(
        await v.verify(cs.map((c) => c.request)),
        cs.map((c) => c.valid),
      );
      assert.equal(v.verifiedTotal, 600);
    });

    test('concurrent calls each get their own results', async () => {
      const v = make({ batchMax: 16 });
      const calls = Array.from({ length: 25 }, (_, k) => cases(1 + (k % 7), k * 11));
      const results = await Promise.all(calls.map((cs) => v.verify(cs.map((c) => c.request))));
      assert.deepEqual(
        results,
        calls.map((cs) => cs.map((c) => c.valid)),
      );
      assert.equal(
        v.verifiedTotal,
        calls.reduce((n, cs) => n + cs.length, 0),
      );
    });

    test('close() rejects unfinished calls and later calls with ABORTED', async () => {
      const v = make({ batchMax: 8 });
      const pending = [v.verify(cases(50).map((c) => c.request)), v.verify(cases(5).map((c) => c.request))];
      const rejected = pending.map((p) => assert.rejects(p, isAborted));
      await v.close();
      await Promise.all(rejected);
      await assert.rejects(v.verify(cases(1).map((c) => c.request)), isAborted);
      await v.close();
    });

    test('the queue is bounded: LIMIT_EXCEEDED beyond queueMax', async () => {
      const v = make({ queueMax: 8 });
      const isFull = (e: unknown) => isLatticeError(e, 'LIMIT_EXCEEDED');
      await assert.rejects(v.verify(cases(9).map((c) => c.request)), isFull);
      const first = v.verify(cases(5).map((c) => c.request));
      await assert.rejects(v.verify(cases(4).map((c) => c.request)), isFull);
      const second = v.verify(cases(3, 5).map((c) => c.request));
      assert.deepEqual(
        await first,
        cases(5).map((c) => c.valid),
      );
      assert.deepEqual(
        await second,
        cases(3, 5).map((c) => c.valid),
      );
      // Room again once the queue drained; requests known invalid up front take no room.
      const garbage = { ...makeCase(0).request, signature: new Uint8Array(3) };
      const res = await v.verify([...cases(8).map((c) => c.request), garbage, garbage]);
      assert.deepEqual(res, [...cases(8).map((c) => c.valid), false, false]);
    });

    test('bad options are INVALID_ARGUMENT', () => {
      for (const opts of [{ batchMax: 0 }, { queueMax: -1 }, { batchMax: 1.5 }]) {
        assert.throws(
          () => make(opts),
          (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
        );
      }
    });

    test('a non-array argument is rejected with INVALID_ARGUMENT', async () => {
      const v = make({});
      await assert.rejects(v.verify('nope' as unknown as VerifyRequest[]), (e) =>
        isLatticeError(e, 'INVALID_ARGUMENT'),
      );
    });
  });
}
