import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { txHash } from '@lattice/codec';
import { BLOCK_PART_BYTES, BLOCK_TXS_MAX } from '@lattice/params';
import { isLatticeError } from '@lattice/utils';
import { mulberry32 } from '../../utils/test/support/prng.ts';
import { openCompact, rebuildBlock, toCompact } from '../src/consensus/compact.ts';
import {
  decodeBlockTxsRequest,
  decodeBlockTxsResponse,
  decodeCompactBlockMessage,
  encodeBlockTxsRequest,
  encodeBlockTxsResponse,
  encodeCompactBlockMessage,
} from '../src/consensus/messages.ts';
import { partSetHeader, validPartSetHeader } from '../src/consensus/parts.ts';
import { sendTx, startTestNet, type TestNet, testAccount } from './harness.ts';

function bytes(n: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

const isDecodeFailed = (e: unknown) => isLatticeError(e, 'DECODE_FAILED');

describe('part set headers', () => {
  it('cut the same bytes the same way, and other bytes to another root', () => {
    for (const size of [
      1,
      BLOCK_PART_BYTES - 1,
      BLOCK_PART_BYTES,
      BLOCK_PART_BYTES + 1,
      5 * BLOCK_PART_BYTES + 3,
    ]) {
      const block = bytes(size, size);
      const header = partSetHeader(block);
      assert.equal(header.total, Math.ceil(size / BLOCK_PART_BYTES));
      assert.deepEqual(partSetHeader(block.slice()), header);
      const other = block.slice();
      other[size - 1]! ^= 1;
      assert.notDeepEqual(partSetHeader(other).hash, header.hash);
      assert.ok(validPartSetHeader(header));
    }
    assert.ok(!validPartSetHeader({ total: 0, hash: new Uint8Array(32) }));
    assert.ok(!validPartSetHeader({ total: 1, hash: new Uint8Array(31) }));
  });
});

describe('compact proposals', () => {
  let net: TestNet;
  before(async () => {
    net = await startTestNet();
    await net.node.produceBlock();
    // Transfers in the mempool, so the next block has txs and a last commit.
    const from = net.accounts[0]!;
    const acc = await net.rpc<{ accountNumber: string }>('lat_getAccount', [from.address]);
    const base = { from, to: testAccount(60).address, accountNumber: BigInt(acc.accountNumber) };
    for (let sequence = 0n; sequence < 5n; sequence++)
      await net.node.ingress.submit(sendTx({ ...base, sequence, withPubKey: sequence === 0n }));
  });
  after(() => net.stop());

  it('rebuild, from the bare block and the txs, exactly the bytes the proposer cut', () => {
    const p = net.node.chain.buildBlock(net.node.chain.validators[0]!.address);
    const txs = p.block.data!.txs;
    assert.equal(txs.length, 5);
    const psh = partSetHeader(p.bytes);
    const m = decodeCompactBlockMessage(encodeCompactBlockMessage(toCompact(p.block, p.txHashes, 2)));
    assert.equal(m.round, 2);
    assert.equal(m.height, p.block.header!.height);
    assert.ok(m.block.length < p.bytes.length / 2, 'the compact form leaves the txs out');
    const bare = openCompact(m, p.hash);
    assert.ok(bare !== undefined);
    const whole = rebuildBlock(
      bare,
      txs.map((t) => t.slice()),
      psh,
    );
    assert.ok(whole !== undefined);
    assert.deepEqual(whole.bytes, p.bytes);

    // Txs out of order, one missing or one replaced: not the block the proposer signed.
    assert.equal(rebuildBlock(bare, [...txs].reverse(), psh), undefined);
    assert.equal(rebuildBlock(bare, txs.slice(1), psh), undefined);
    assert.equal(rebuildBlock(bare, [...txs.slice(1), new Uint8Array([1])], psh), undefined);
  });

  it('are refused when they do not match the block the proposal names', () => {
    const p = net.node.chain.buildBlock(net.node.chain.validators[0]!.address);
    const m = toCompact(p.block, p.txHashes, 0);
    assert.equal(openCompact(m, new Uint8Array(32)), undefined, 'another block hash');
    assert.equal(openCompact({ ...m, txHashes: m.txHashes.slice(1) }, p.hash), undefined, 'a hash left out');
    assert.equal(
      openCompact({ ...m, txHashes: [...m.txHashes].reverse() }, p.hash),
      undefined,
      'hashes reordered',
    );
    assert.equal(openCompact({ ...m, block: m.block.subarray(3) }, p.hash), undefined, 'garbled block');
    // A "bare" block that still carries its txs is not a compact block.
    const full = { ...m, block: p.bytes };
    assert.equal(openCompact(full, p.hash), undefined);
    assert.deepEqual(txHash(p.block.data!.txs[0]!), p.txHashes[0]);
  });
});

describe('compact proposal messages', () => {
  it('round-trip, and malformed ones are refused', () => {
    const hashes = [bytes(32, 1), bytes(32, 2)];
    const m = { height: 7n, round: 1, txHashes: hashes, block: bytes(100, 3) };
    const back = decodeCompactBlockMessage(encodeCompactBlockMessage(m));
    assert.deepEqual(
      { height: back.height, round: back.round, txHashes: back.txHashes, block: back.block },
      m,
    );
    const good = encodeCompactBlockMessage(m);
    const tooMany = good.slice();
    new DataView(tooMany.buffer).setUint32(12, BLOCK_TXS_MAX + 1);
    for (const bad of [good.subarray(0, 10), tooMany, good.subarray(0, 16 + 64)]) {
      assert.throws(() => decodeCompactBlockMessage(bad), isDecodeFailed);
    }
  });

  it('block tx requests and answers round-trip, and malformed ones are refused', () => {
    const r = { height: 9n, round: 0, blockHash: bytes(32, 9), indexes: [0, 5, 4096] };
    assert.deepEqual(decodeBlockTxsRequest(encodeBlockTxsRequest(r)), r);
    const good = encodeBlockTxsRequest(r);
    for (const bad of [good.subarray(0, 43), good.subarray(0, 45)]) {
      assert.throws(() => decodeBlockTxsRequest(bad), isDecodeFailed);
    }
    const txs = [bytes(300, 4), new Uint8Array(0), bytes(1, 5)];
    assert.deepEqual(decodeBlockTxsResponse(encodeBlockTxsResponse(txs)), txs);
    assert.throws(() => decodeBlockTxsResponse(encodeBlockTxsResponse(txs).subarray(0, 10)), isDecodeFailed);
  });
});
