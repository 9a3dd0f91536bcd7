import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { fromHex, toHex, utf8 } from '@lattice/utils';
import { dataHash, merkleInnerHash, merkleRoot } from '../src/index.ts';
import { merkleRoot as portableMerkleRoot } from '../src/merkle-root-portable.ts';
import { sha256 } from '../src/sha256.ts';

// Known answers from the RFC 6962 / Certificate Transparency reference tests (also used by
// CometBFT's crypto/merkle): roots of the first n of these leaves.
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

// dataHash over the txs "tx0".."tx4": regression values, checked against the reference below.
const DATA_HASHES: Record<number, string> = {
  0: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  1: '5e0bee3b0a2e783a0e43a5b93c5d769ad07969cb6213d009763153f07134fca3',
  2: 'cd8e9a192f1c2b8e3a7e36dbef6ef90cac12fed7f2d18e4daf169a304f6b2438',
  3: '4c13e5e804cf591f35c2beaba7bfa3a284e107f9dae70a729ff99a1c5e8b4e61',
  5: '2a93a1df25ab1da8500ec53ae9a3e90a41d55a410a4f2cb50a0ba2d8d5b626bb',
};

function h(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest();
}

// Straight from RFC 6962 section 2.1, independent of the implementation under test.
function referenceRoot(leaves: Uint8Array[]): Buffer {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return h(new Uint8Array([0]), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h(new Uint8Array([1]), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('merkleRoot', () => {
  it('matches the RFC 6962 known answers for 0..8 leaves', () => {
    const leaves = CT_LEAVES.map((x) => fromHex(x));
    for (let n = 0; n <= 8; n++) assert.equal(toHex(merkleRoot(leaves.slice(0, n))), CT_ROOTS[n], `n=${n}`);
  });

  it('inner nodes hash as RFC 6962 specifies', () => {
    assert.equal(
      toHex(merkleInnerHash(utf8('N123'), utf8('N456'))),
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });

  it('agrees with the reference for 0..70 leaves, on Node and in the portable form', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => utf8(`leaf-${i}`));
    for (let n = 0; n <= 70; n++) {
      const want = referenceRoot(leaves.slice(0, n)).toString('hex');
      assert.equal(toHex(merkleRoot(leaves.slice(0, n))), want, `n=${n}`);
      assert.equal(toHex(portableMerkleRoot(leaves.slice(0, n))), want, `portable n=${n}`);
    }
  });

  it('agrees with the reference for leaves of every size class and large trees', () => {
    // Empty, hash-sized, at and past the scratch buffers' limits (64 and 1,024 bytes), a block part.
    const sizes = [0, 1, 32, 64, 65, 1024, 1025, 65_536];
    const leaves = Array.from({ length: 1_100 }, (_, i) => {
      const leaf = new Uint8Array(sizes[i % sizes.length]!);
      for (let j = 0; j < leaf.length; j++) leaf[j] = (i * 31 + j) & 0xff;
      return leaf;
    });
    for (const n of [1, 8, 9, 100, 1_023, 1_024, 1_025, 1_100]) {
      const want = referenceRoot(leaves.slice(0, n)).toString('hex');
      assert.equal(toHex(merkleRoot(leaves.slice(0, n))), want, `n=${n}`);
      assert.equal(toHex(portableMerkleRoot(leaves.slice(0, n))), want, `portable n=${n}`);
    }
  });

  it('returns a plain byte array the caller may keep', () => {
    const a = merkleRoot([utf8('a'), utf8('b')]);
    const b = merkleRoot([utf8('c')]);
    assert.equal(a.length, 32);
    assert.equal(Object.getPrototypeOf(a), Uint8Array.prototype);
    assert.equal(a.buffer.byteLength, 32, 'not a view into a shared pool');
    assert.notDeepEqual(a, b);
  });
});

describe('dataHash', () => {
  const txs = [0, 1, 2, 3, 4].map((i) => utf8(`tx${i}`));
  for (const n of [0, 1, 2, 3, 5]) {
    it(`${n} txs`, () => {
      const got = toHex(dataHash(txs.slice(0, n)));
      assert.equal(got, DATA_HASHES[n]);
      assert.equal(got, referenceRoot(txs.slice(0, n).map((t) => h(t))).toString('hex'));
    });
  }

  it('is the empty hash for no txs and depends on order', () => {
    assert.deepEqual(dataHash([]), sha256(new Uint8Array(0)));
    assert.notDeepEqual(dataHash([txs[0]!, txs[1]!]), dataHash([txs[1]!, txs[0]!]));
  });
});
