import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountKey, balanceKey, decodeAmount } from '@lattice/app';
import { parseAddress } from '@lattice/crypto';
import { decodeProof, type StateProof, verifyStateProof } from '@lattice/state';
import { fromHex, isLatticeError } from '@lattice/utils';
import { hex, sendTx, startTestNet, type TestNet, testAccount } from './harness.ts';

/**
 * Acceptance: state proofs served by lat_getProof verify against the app hash the chain
 * committed for their height — both as lat_getStateRoot reports it and as the next block's
 * header carries it — and every kind of tampering is caught.
 */

interface ProofJson {
  height: string;
  root: string;
  key: string;
  value: string | null;
  exists: boolean;
  proof: string;
}

interface BlockJson {
  height: string;
  appHash: string;
}

function bytesOf(h: string): Uint8Array {
  return fromHex(h, 'hex');
}

/** A deep copy whose byte arrays can be flipped without touching the original. */
function cloneProof(p: StateProof): StateProof {
  return {
    levels: p.levels.map((l) => ({ mask: l.mask, siblings: l.siblings.map((s) => s.slice()) })),
    leaf: p.leaf === null ? null : { keyHash: p.leaf.keyHash.slice(), valueHash: p.leaf.valueHash.slice() },
  };
}

function flipped(b: Uint8Array, index = 0): Uint8Array {
  const out = b.slice();
  out[index] = out[index]! ^ 0x01;
  return out;
}

function expectDecodeFailed(bytes: Uint8Array, what: string): void {
  assert.throws(
    () => decodeProof(bytes),
    (e: unknown) => isLatticeError(e, 'DECODE_FAILED'),
    `${what}: decodeProof must throw DECODE_FAILED`,
  );
}

describe('state proofs through RPC', () => {
  let net: TestNet;
  const alice = () => net.accounts[0]!;
  const bob = testAccount(40).address;
  /** Never receives anything: its records are absent at every height. */
  const nobody = testAccount(41).address;
  /** Heights at which the state is known to differ: alice pays a fee in each of them. */
  let h1: number;
  let h2: number;
  let tip: number;

  async function proof(query: unknown, height?: number): Promise<ProofJson> {
    return net.rpc<ProofJson>('lat_getProof', height === undefined ? [query] : [query, height]);
  }

  async function committedRoot(height: number): Promise<Uint8Array> {
    const { root } = await net.rpc<{ height: string; root: string }>('lat_getStateRoot', [height]);
    const next = await net.rpc<BlockJson | null>('lat_getBlockByNumber', [height + 1]);
    assert.ok(next, `block ${height + 1} must exist to cross-check the root of ${height}`);
    assert.equal(
      next.appHash,
      root,
      `header ${height + 1} app hash differs from lat_getStateRoot(${height})`,
    );
    return bytesOf(root);
  }

  /** Checks the proof against the committed root and returns what it proves. */
  async function checked(query: unknown, key: Uint8Array, height?: number) {
    const p = await proof(query, height);
    assert.equal(p.key, hex(key), 'the node proves the key the query names');
    const h = Number(p.height);
    if (height !== undefined) assert.equal(h, height);
    const root = await committedRoot(h);
    assert.deepEqual(bytesOf(p.root), root, 'the proof is for the root committed at its height');
    const decoded = decodeProof(bytesOf(p.proof));
    const value = p.value === null ? undefined : bytesOf(p.value);
    assert.equal(p.exists, value !== undefined);
    assert.equal(verifyStateProof(root, key, value, decoded), true, 'a genuine proof verifies');
    return { p, h, root, decoded, value, raw: bytesOf(p.proof) };
  }

  before(async () => {
    net = await startTestNet({ accounts: 2 });
    const acc = await net.rpc<{ accountNumber: string }>('lat_getAccount', [alice().address]);
    const accountNumber = BigInt(acc.accountNumber);
    const send = async (sequence: bigint, amount: string) => {
      const tx = sendTx({
        from: alice(),
        to: bob,
        sequence,
        accountNumber,
        amount: [{ denom: 'udrt', amount }],
        withPubKey: sequence === 0n,
      });
      await net.rpc('lat_sendRawTransaction', [hex(tx)]);
      const b = await net.node.produceBlock();
      assert.equal(b.txHashes.length, 1);
      assert.equal(b.results[0]!.code, 0);
      return b.height;
    };
    h1 = await send(0n, '1000');
    await net.node.produceBlock();
    h2 = await send(1n, '2500');
    // Two blocks on top, so every height up to h2 + 1 has a successor header to cross-check.
    await net.node.produceBlock();
    tip = (await net.node.produceBlock()).height;
  });
  after(() => net.stop());

  it('proves an existing account record at the latest height', async () => {
    const key = accountKey(parseAddress(alice().address));
    const { value, h } = await checked({ account: alice().address }, key, tip - 1);
    assert.ok(value && value.length > 0, 'alice has an account record');
    const latest = await proof({ account: alice().address });
    assert.equal(Number(latest.height), tip, 'without a height the proof is for the latest state');
    assert.equal(latest.value, hex(value), 'no block changed alice since');
    assert.equal(h, tip - 1);
  });

  it('proves a balance, and its value is the balance the node reports', async () => {
    const key = balanceKey(parseAddress(bob), 'udrt');
    const { value, h } = await checked({ balance: { address: bob, denom: 'udrt' } }, key, h2);
    assert.ok(value);
    assert.equal(decodeAmount(value), 3500n);
    const bal = await net.rpc<{ amount: string }>('lat_getBalance', [bob, 'udrt', h]);
    assert.equal(bal.amount, '3500');
  });

  it('proves that a key is absent (non-membership)', async () => {
    const accKey = accountKey(parseAddress(nobody));
    const a = await checked({ account: nobody }, accKey, tip - 1);
    assert.equal(a.p.value, null);
    assert.equal(a.p.exists, false);
    const balKey = balanceKey(parseAddress(nobody), 'udgt');
    const b = await checked({ balance: { address: nobody, denom: 'udgt' } }, balKey, tip - 1);
    assert.equal(b.p.exists, false);
    // The raw-key form of the query proves the same thing.
    const raw = await proof(hex(accKey), tip - 1);
    assert.deepEqual(raw, a.p);
  });

  it('proves historical values against the root of their own height', async () => {
    const key = balanceKey(parseAddress(bob), 'udrt');
    const genesis = await checked({ balance: { address: bob, denom: 'udrt' } }, key, 0);
    assert.equal(genesis.value, undefined, 'bob had nothing at genesis');
    const first = await checked({ balance: { address: bob, denom: 'udrt' } }, key, h1);
    assert.ok(first.value);
    assert.equal(decodeAmount(first.value), 1000n);
    const second = await checked({ balance: { address: bob, denom: 'udrt' } }, key, h2);
    assert.equal(decodeAmount(second.value!), 3500n);
    assert.notDeepEqual(first.root, second.root);
    // Alice's balance proofs at each height carry her balance as it was then.
    const aliceKey = balanceKey(parseAddress(alice().address), 'udrt');
    for (const h of [0, h1, h2]) {
      const p = await checked({ balance: { address: alice().address, denom: 'udrt' } }, aliceKey, h);
      const bal = await net.rpc<{ amount: string }>('lat_getBalance', [alice().address, 'udrt', h]);
      assert.equal(decodeAmount(p.value!).toString(), bal.amount);
    }
  });

  it('asks for a height that does not exist yet: NOT_FOUND', async () => {
    const res = await net.rpcRaw('lat_getProof', [{ account: alice().address }, tip + 5]);
    assert.equal(res.error?.data?.code, 'NOT_FOUND');
  });

  describe('tampered proofs fail', () => {
    let member: Awaited<ReturnType<typeof checked>>;
    let absent: Awaited<ReturnType<typeof checked>>;
    let memberKey: Uint8Array;
    let absentKey: Uint8Array;

    before(async () => {
      memberKey = balanceKey(parseAddress(bob), 'udrt');
      member = await checked({ balance: { address: bob, denom: 'udrt' } }, memberKey, h2);
      absentKey = accountKey(parseAddress(nobody));
      absent = await checked({ account: nobody }, absentKey, h2);
      assert.ok(
        member.decoded.levels.some((l) => l.siblings.length > 0),
        'the tree has siblings to flip',
      );
    });

    it('a flipped byte in any sibling: verify returns false', () => {
      for (const [d, level] of member.decoded.levels.entries()) {
        for (let s = 0; s < level.siblings.length; s++) {
          const p = cloneProof(member.decoded);
          (p.levels[d]!.siblings as Uint8Array[])[s] = flipped(level.siblings[s]!, 31);
          assert.equal(
            verifyStateProof(member.root, memberKey, member.value, p),
            false,
            `level ${d} sibling ${s}`,
          );
        }
      }
      // The same flip in the encoded bytes (byte 5 is the first root sibling's first byte) decodes
      // fine, as it is well formed, and still fails.
      assert.ok(member.decoded.levels[0]!.siblings.length > 0);
      const rawFlip = flipped(member.raw, 5);
      const decoded = decodeProof(rawFlip);
      assert.equal(verifyStateProof(member.root, memberKey, member.value, decoded), false);
    });

    it('a changed value: verify returns false', () => {
      assert.ok(member.value);
      assert.equal(verifyStateProof(member.root, memberKey, flipped(member.value), member.decoded), false);
      assert.equal(verifyStateProof(member.root, memberKey, new Uint8Array(0), member.decoded), false);
      // Claiming the key is absent with its membership proof fails too.
      assert.equal(verifyStateProof(member.root, memberKey, undefined, member.decoded), false);
    });

    it('a flipped leaf hash: verify returns false', () => {
      const p = cloneProof(member.decoded);
      assert.ok(p.leaf);
      (p.leaf as { valueHash: Uint8Array }).valueHash = flipped(p.leaf.valueHash);
      assert.equal(verifyStateProof(member.root, memberKey, member.value, p), false);
    });

    it('a value claimed for an absent key: verify returns false', () => {
      assert.equal(verifyStateProof(absent.root, absentKey, new Uint8Array([1]), absent.decoded), false);
      assert.equal(verifyStateProof(absent.root, absentKey, member.value, absent.decoded), false);
      // A non-membership proof does not carry over to a key that exists.
      assert.equal(verifyStateProof(absent.root, memberKey, undefined, absent.decoded), false);
    });

    it("a proof checked against another height's root: verify returns false", async () => {
      const other = await committedRoot(h1);
      assert.notDeepEqual(other, member.root);
      assert.equal(verifyStateProof(other, memberKey, member.value, member.decoded), false);
      assert.equal(verifyStateProof(other, absentKey, undefined, absent.decoded), false);
      // And the historical proof against the latest root.
      const old = await checked({ balance: { address: bob, denom: 'udrt' } }, memberKey, h1);
      const latestRoot = await committedRoot(tip - 1);
      assert.equal(verifyStateProof(latestRoot, memberKey, old.value, old.decoded), false);
    });

    it('a truncated proof at any length: decodeProof throws DECODE_FAILED', () => {
      for (const raw of [member.raw, absent.raw]) {
        for (let n = 0; n < raw.length; n++) expectDecodeFailed(raw.slice(0, n), `truncated to ${n}`);
        // A byte too many is not canonical either.
        expectDecodeFailed(new Uint8Array([...raw, 0]), 'extended by one byte');
      }
    });

    it('a level removed from a well-formed proof: verify returns false', () => {
      const p = cloneProof(member.decoded);
      const shorter: StateProof = { levels: p.levels.slice(1), leaf: p.leaf };
      assert.equal(verifyStateProof(member.root, memberKey, member.value, shorter), false);
      const noLeaf: StateProof = { levels: p.levels, leaf: null };
      assert.equal(verifyStateProof(member.root, memberKey, undefined, noLeaf), false);
    });
  });
});
