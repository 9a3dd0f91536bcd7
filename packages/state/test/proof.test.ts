import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isLatticeError, utf8 } from '@lattice/utils';
import {
  decodeProof,
  encodeProof,
  type StateProof,
  type StateWrite,
  verifyStateProof,
} from '../src/index.ts';
import { cleanupTempDirs, commitBlock, openState, prng, randomBytes, type TempState } from './helpers.ts';

after(cleanupTempDirs);

const key = (i: number) => utf8(`account/${i}`);
const val = (i: number, h: number) => utf8(`balance ${i * 1000 + h}`);

/** 2,000 keys (a three-level tree) over three heights; key i is absent at a height when i % 5 === h. */
async function fixture(): Promise<TempState> {
  const t = openState();
  for (let h = 1; h <= 3; h++) {
    const writes: StateWrite[] = [];
    for (let i = 0; i < 2000; i++) writes.push({ key: key(i), value: i % 5 === h ? null : val(i, h) });
    commitBlock(t, h, writes);
  }
  return t;
}

function flipSibling(p: StateProof): StateProof {
  const levels = p.levels.map((l) => ({ mask: l.mask, siblings: l.siblings.map((s) => s.slice()) }));
  const level = levels.find((l) => l.siblings.length > 0)!;
  level.siblings[0]![5]! ^= 1;
  return { levels, leaf: p.leaf };
}

describe('state proofs', async () => {
  const t = await fixture();
  after(() => t.close());

  it('proves membership and non-membership against the latest root', () => {
    const root = t.state.root;
    for (let i = 0; i < 2000; i += 37) {
      const p = t.state.prove(key(i));
      assert.equal(p.height, 3);
      assert.deepEqual(p.root, root);
      if (i % 5 === 3) {
        assert.equal(p.value, undefined);
        assert.ok(verifyStateProof(root, key(i), undefined, p.proof), `absent ${i}`);
        assert.ok(!verifyStateProof(root, key(i), val(i, 3), p.proof));
      } else {
        assert.deepEqual(p.value, val(i, 3));
        assert.ok(verifyStateProof(root, key(i), p.value, p.proof), `present ${i}`);
        assert.ok(
          !verifyStateProof(root, key(i), undefined, p.proof),
          'a membership proof is no absence proof',
        );
      }
      const decoded = decodeProof(encodeProof(p.proof));
      assert.deepEqual(decoded, p.proof);
      assert.ok(verifyStateProof(root, key(i), p.value, decoded));
    }
    for (const absent of [utf8('nope'), utf8(''), new Uint8Array(32)]) {
      const p = t.state.prove(absent);
      assert.equal(p.value, undefined);
      assert.ok(verifyStateProof(root, absent, undefined, p.proof));
    }
  });

  it('rejects tampered proofs', () => {
    const root = t.state.root;
    const present = t.state.prove(key(1));
    const absent = t.state.prove(key(3));
    assert.ok(present.proof.levels.length >= 2);
    for (const p of [present, absent]) {
      assert.ok(
        !verifyStateProof(root, key(p === present ? 1 : 3), p.value, flipSibling(p.proof)),
        'flipped sibling',
      );
      const wrongRoot = root.slice();
      wrongRoot[0]! ^= 1;
      assert.ok(!verifyStateProof(wrongRoot, key(1), p.value, p.proof), 'wrong root');
      const truncated = { levels: p.proof.levels.slice(1), leaf: p.proof.leaf };
      assert.ok(!verifyStateProof(root, key(1), p.value, truncated), 'dropped level');
      const masked = {
        levels: p.proof.levels.map((l, i) => (i === 0 ? { ...l, mask: l.mask ^ 0x8000 } : l)),
        leaf: p.proof.leaf,
      };
      assert.ok(!verifyStateProof(root, key(1), p.value, masked), 'changed mask');
    }
    assert.ok(!verifyStateProof(root, key(1), val(1, 2), present.proof), 'old value');
    assert.ok(!verifyStateProof(root, key(2), present.value, present.proof), 'wrong key');
    assert.ok(
      !verifyStateProof(root, key(1), present.value, { levels: present.proof.levels, leaf: null }),
      'no leaf',
    );
    const otherLeaf = t.state.prove(key(2)).proof.leaf;
    assert.ok(
      !verifyStateProof(root, key(3), undefined, { levels: absent.proof.levels, leaf: otherLeaf }),
      'foreign leaf',
    );
    const bytes = encodeProof(present.proof);
    assert.throws(
      () => decodeProof(bytes.subarray(0, bytes.length - 1)),
      (e) => isLatticeError(e, 'DECODE_FAILED'),
    );
    // Garbage shapes are false, never an exception.
    assert.equal(
      verifyStateProof(root, key(1), present.value, {
        levels: [{ mask: 1, siblings: [new Uint8Array(3)] }],
        leaf: null,
      }),
      false,
    );
    assert.equal(
      verifyStateProof(root, key(1), present.value, { levels: null, leaf: null } as unknown as StateProof),
      false,
    );
    assert.equal(verifyStateProof(new Uint8Array(5), key(1), present.value, present.proof), false);
  });

  it('proves historical heights against rootAt(h)', () => {
    for (let h = 1; h <= 3; h++) {
      const root = t.state.rootAt(h)!;
      for (const i of [0, 1, 2, 3, 4, 5, 1234, 1999]) {
        const p = t.state.prove(key(i), h);
        assert.equal(p.height, h);
        assert.deepEqual(p.root, root);
        assert.deepEqual(p.value, i % 5 === h ? undefined : val(i, h));
        assert.ok(verifyStateProof(root, key(i), p.value, p.proof));
        if (h < 3)
          assert.ok(!verifyStateProof(t.state.root, key(i), p.value, p.proof), 'stale proof vs latest root');
      }
    }
    assert.throws(
      () => t.state.prove(key(1), 4),
      (e) => isLatticeError(e, 'NOT_FOUND'),
    );
    assert.throws(
      () => t.state.prove(key(1), 0),
      (e) => isLatticeError(e, 'NOT_FOUND'),
    );
    assert.throws(
      () => t.state.prove(key(1), -1),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
    assert.throws(
      () => t.state.prove(new Uint8Array(5000)),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
  });
});

describe('decodeProof', () => {
  it('fails with DECODE_FAILED on garbage and round-trips whatever it accepts', () => {
    const random = prng(9);
    const isDecodeFailed = (e: unknown) => isLatticeError(e, 'DECODE_FAILED');
    for (const bad of [
      new Uint8Array(0),
      new Uint8Array([1]),
      new Uint8Array([2, 0, 0]),
      new Uint8Array([1, 0, 0, 0]),
      new Uint8Array([1, 65, 0]),
    ]) {
      assert.throws(() => decodeProof(bad), isDecodeFailed);
    }
    assert.throws(() => decodeProof('x' as unknown as Uint8Array), isDecodeFailed);
    const valid = encodeProof({
      levels: [
        { mask: 0xffff, siblings: Array.from({ length: 15 }, () => randomBytes(random, 32)) },
        { mask: 0x0101, siblings: [randomBytes(random, 32)] },
      ],
      leaf: { keyHash: randomBytes(random, 32), valueHash: randomBytes(random, 32) },
    });
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let b: Uint8Array;
      if (i % 2 === 0) b = randomBytes(random, Math.floor(random() * 200));
      else {
        // Mutations of a valid encoding: a changed byte, a cut, or an extra byte.
        const r = random();
        if (r < 0.6) {
          b = valid.slice();
          b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
        } else if (r < 0.8) b = valid.slice(0, Math.floor(random() * valid.length));
        else b = Uint8Array.from([...valid, Math.floor(random() * 256)]);
      }
      let p: StateProof;
      try {
        p = decodeProof(b);
      } catch (e) {
        assert.ok(isDecodeFailed(e), String(e));
        continue;
      }
      accepted++;
      assert.deepEqual(encodeProof(p), b, 'only canonical encodings decode');
    }
    assert.ok(accepted > 0);
  });
});
