import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkAgreement,
  checkEvidence,
  checkLiveness,
  checkSequences,
  checkValidity,
  type DecisionRecord,
  isValidValue,
  simValue,
} from '../src/index.ts';

function d(height: number, value = simValue(0, BigInt(height), 0)): DecisionRecord {
  return { height: BigInt(height), round: 0, value, via: 'consensus', atMs: 0 };
}

test('agreement catches two honest nodes deciding different values at one height', () => {
  const good = new Map([
    [0, [d(1), d(2)]],
    [1, [d(1), d(2)]],
  ]);
  assert.deepEqual(checkAgreement(good), []);
  const bad = new Map([
    [0, [d(1), d(2)]],
    [1, [d(1), d(2, simValue(1, 2n, 0))]],
  ]);
  const v = checkAgreement(bad);
  assert.equal(v.length, 1);
  assert.equal(v[0]!.kind, 'agreement');
  assert.match(v[0]!.message, /height 2/);
});

test('validity rejects a decided value marked invalid or with a wrong hash', () => {
  assert.deepEqual(checkValidity(new Map([[0, [d(1)]]]), isValidValue), []);
  const invalid = simValue(2, 1n, 0, 'invalid');
  assert.equal(checkValidity(new Map([[0, [d(1, invalid)]]]), isValidValue)[0]?.kind, 'validity');
  const forged = { hash: simValue(2, 1n, 0).hash, bytes: new Uint8Array([1]) };
  assert.equal(checkValidity(new Map([[0, [d(1, forged)]]]), isValidValue).length, 1);
});

test('sequences catch a gap in heights and a diverging app hash', () => {
  assert.deepEqual(checkSequences(new Map([[0, [d(1), d(2)]]])), []);
  assert.equal(checkSequences(new Map([[0, [d(1), d(3)]]]))[0]?.kind, 'sequence');
  const diverged = checkSequences(
    new Map([
      [0, [d(1), d(2)]],
      [1, [d(1, simValue(3, 1n, 0)), d(2)]],
    ]),
  );
  assert.match(diverged[0]!.message, /app hash differs at height 1/);
});

test('evidence and liveness checkers fail when they should', () => {
  assert.deepEqual(checkEvidence(new Set(['a']), new Set(['a', 'b'])), []);
  assert.equal(checkEvidence(new Set(['a', 'c']), new Set(['a']))[0]?.kind, 'evidence');
  const heal = new Map([
    [0, 4],
    [1, 4],
  ]);
  assert.deepEqual(
    checkLiveness(
      heal,
      new Map([
        [0, 9],
        [1, 7],
      ]),
      3,
      1000,
    ),
    [],
  );
  const stuck = checkLiveness(
    heal,
    new Map([
      [0, 9],
      [1, 5],
    ]),
    3,
    1000,
  );
  assert.equal(stuck.length, 1);
  assert.match(stuck[0]!.message, /node 1 decided 1 of 3/);
});
