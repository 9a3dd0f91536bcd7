import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clone } from '@bufbuild/protobuf';
import { BlockIdFlag, BlockSchema, CommitSchema, headerHash, timestampFromMs } from '@lattice/codec';
import { ValidatorSet } from '@lattice/consensus';
import { isLatticeError } from '@lattice/utils';
import { blockTimeMs } from '../src/chain.ts';
import { startTestNet, type TestNet } from './harness.ts';

const isBlockInvalid = (e: unknown) => isLatticeError(e, 'BLOCK_INVALID');

describe('chain: building, checking and committing proposed blocks', () => {
  let net: TestNet;
  before(async () => {
    net = await startTestNet();
    await net.node.produceBlock();
    await net.node.produceBlock();
  });
  after(() => net.stop());

  it('accepts the block it builds and refuses each tampered header field', () => {
    const chain = net.node.chain;
    const proposer = chain.validators[0]!.address;
    const p = chain.buildBlock(proposer);
    chain.checkBlock(p.block);
    const tamper: [string, (b: typeof p.block) => void][] = [
      ['height', (b) => (b.header!.height += 1n)],
      ['chain id', (b) => (b.header!.chainId = 'other-chain')],
      ['app hash', (b) => (b.header!.appHash = new Uint8Array(32))],
      ['last block id', (b) => (b.header!.lastBlockId!.hash = new Uint8Array(32))],
      ['last results hash', (b) => (b.header!.lastResultsHash = new Uint8Array(32))],
      ['validators hash', (b) => (b.header!.validatorsHash = new Uint8Array(32))],
      ['proposer', (b) => (b.header!.proposerAddress = new Uint8Array(32).fill(9))],
      ['time', (b) => (b.header!.time = timestampFromMs(123n))],
      ['data hash', (b) => b.data!.txs.push(new Uint8Array([1, 2, 3]))],
      ['last commit signature', (b) => (b.lastCommit!.signatures[0]!.signature = new Uint8Array(2420))],
      [
        'last commit slots',
        (b) => b.lastCommit!.signatures.push(clone(CommitSchema, b.lastCommit!).signatures[0]!),
      ],
      ['missing last commit', (b) => (b.lastCommit = undefined)],
    ];
    for (const [what, change] of tamper) {
      const b = clone(BlockSchema, p.block);
      change(b);
      assert.throws(() => chain.checkBlock(b), isBlockInvalid, what);
    }
  });

  it('commits a built block only with a commit for exactly that block', async () => {
    const chain = net.node.chain;
    const p = chain.buildBlock(chain.validators[0]!.address);
    const last = chain.lastCommit!;
    // The previous height's commit does not commit this block.
    await assert.rejects(() => chain.commitBlock(p.block, p.hash, last), isBlockInvalid);
    assert.notDeepEqual(headerHash(p.block.header!), new Uint8Array(32));
  });

  it('takes block time as the power-weighted median of last-commit timestamps', () => {
    const set = ValidatorSet.restore(net.node.chain.validators.map((v) => ({ ...v, votingPower: 10n })));
    const commit = (times: (number | undefined)[]) =>
      ({
        signatures: times.map((t) =>
          t === undefined
            ? { blockIdFlag: BlockIdFlag.ABSENT }
            : { blockIdFlag: BlockIdFlag.COMMIT, timestamp: timestampFromMs(BigInt(t)) },
        ),
      }) as unknown as Parameters<typeof blockTimeMs>[0];
    assert.equal(blockTimeMs(undefined, set, 0n, 500n), 500n, 'first block: genesis time');
    assert.equal(blockTimeMs(undefined, set, 500n, 500n), 501n, 'strictly after the last block');
    assert.equal(blockTimeMs(commit([1000]), set, 0n, 0n), 1000n);
    assert.equal(blockTimeMs(commit([1000]), set, 2000n, 0n), 2001n);
  });
});
