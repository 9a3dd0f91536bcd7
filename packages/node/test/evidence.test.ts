import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clone, create } from '@bufbuild/protobuf';
import {
  BlockIDSchema,
  BlockSchema,
  type Commit,
  type Evidence,
  EvidenceSchema,
  SignedMsgType,
  timestampFromMs,
  type Vote,
  VoteSchema,
  voteSignBytes,
} from '@lattice/codec';
import { orderDuplicateVotes } from '@lattice/consensus';
import { ALG_ML_DSA_65, generatePrivateKey, type PrivateKey, SIGN_CONTEXT_VOTE } from '@lattice/crypto';
import { EVIDENCE_MAX_AGE_BLOCKS } from '@lattice/params';
import { isLatticeError } from '@lattice/utils';
import { homePaths } from '../src/config.ts';
import { EvidencePool } from '../src/consensus/evidence-pool.ts';
import { evidenceFromVotes, verifyEvidence } from '../src/evidence.ts';
import { readKeyFile } from '../src/keyfile.ts';
import { loneValidatorCommit, startTestNet, type TestNet } from './harness.ts';

const CHAIN_ID = 'lattice-test-1';

/**
 * Duplicate-vote evidence end to end on a real chain: verified completely, carried in a block,
 * handed to the app (which records the misbehaviour in state), and refused once committed.
 */
describe('duplicate-vote evidence', () => {
  let net: TestNet;
  let key: PrivateKey;
  let address: Uint8Array;

  before(async () => {
    net = await startTestNet();
    for (let i = 0; i < 3; i++) await net.node.produceBlock();
    key = readKeyFile(homePaths(net.home).validatorKey).key;
    address = net.node.chain.validators[0]!.address;
  });
  after(() => net.stop());

  function vote(
    height: bigint,
    blockByte: number,
    o: { type?: SignedMsgType; signer?: PrivateKey } = {},
  ): Vote {
    const v = create(VoteSchema, {
      type: o.type ?? SignedMsgType.PREVOTE,
      height,
      round: 0,
      blockId: create(BlockIDSchema, { hash: new Uint8Array(32).fill(blockByte) }),
      timestamp: timestampFromMs(1_000n),
      validatorAddress: address,
      validatorIndex: 0,
    });
    v.signature = (o.signer ?? key).sign(voteSignBytes(CHAIN_ID, v), SIGN_CONTEXT_VOTE);
    return v;
  }

  const evidenceAt = (height: bigint) =>
    evidenceFromVotes(orderDuplicateVotes(vote(height, 1), vote(height, 2)), net.node.chain.validatorSet);

  const commitFor = (hash: Uint8Array): Commit => loneValidatorCommit(net, hash);

  it('is verified completely, and each kind of bad evidence is refused', () => {
    const ctx = net.node.chain.evidenceContext();
    const good = evidenceAt(1n);
    assert.deepEqual(verifyEvidence(good, ctx), {
      kind: 'duplicate-vote',
      validator: address,
      height: 1n,
      power: 10n,
      totalPower: 10n,
    });
    const dup = (ev: Evidence) => {
      assert.equal(ev.sum.case, 'duplicateVoteEvidence');
      return ev.sum.value!;
    };
    const variant = (change: (d: ReturnType<typeof dup>) => void): Evidence => {
      const ev = clone(EvidenceSchema, good);
      change(dup(ev));
      return ev;
    };
    const stranger = generatePrivateKey(ALG_ML_DSA_65);
    const bad: [string, Evidence, boolean][] = [
      ['same block twice', variant((d) => (d.voteB = clone(VoteSchema, d.voteA!))), false],
      ['out of order', variant((d) => ([d.voteA, d.voteB] = [d.voteB, d.voteA])), false],
      [
        'different steps',
        evidenceFromVotes(
          { voteA: vote(1n, 1), voteB: vote(1n, 2, { type: SignedMsgType.PRECOMMIT }) },
          net.node.chain.validatorSet,
        ),
        false,
      ],
      ['different heights', variant((d) => (d.voteB = vote(2n, 2))), false],
      [
        'a forged signature',
        evidenceFromVotes(
          orderDuplicateVotes(vote(1n, 1), vote(1n, 2, { signer: stranger })),
          net.node.chain.validatorSet,
        ),
        false,
      ],
      ['not a validator', variant((d) => (d.voteA!.validatorIndex = d.voteB!.validatorIndex = 5)), false],
      ['wrong power', variant((d) => (d.validatorPower = 1n)), false],
      ['from a height not reached', evidenceAt(BigInt(net.node.chain.height + 1)), true],
      ['missing vote', variant((d) => (d.voteB = undefined)), false],
    ];
    for (const [what, ev, stale] of bad) {
      assert.throws(
        () => verifyEvidence(ev, ctx),
        (e) => isLatticeError(e, 'EVIDENCE_INVALID') && e.meta.stale === stale,
        what,
      );
    }
    const later = { ...ctx, atHeight: 2n + BigInt(EVIDENCE_MAX_AGE_BLOCKS) };
    assert.throws(
      () => verifyEvidence(good, later),
      (e) => isLatticeError(e, 'EVIDENCE_INVALID') && e.meta.stale === true,
      'too old',
    );
  });

  it('goes into a block, reaches the app as misbehaviour, and cannot be committed twice', async () => {
    const chain = net.node.chain;
    const ev = evidenceAt(2n);
    const pool = new EvidencePool(chain);
    assert.equal(pool.add(ev), 'added');
    assert.equal(pool.add(ev), 'known');
    assert.deepEqual(pool.forBlock(), [ev]);

    const p = chain.buildBlock(address, undefined, pool.forBlock());
    chain.checkBlock(p.block);
    const tampered = clone(BlockSchema, p.block);
    tampered.evidence!.evidence.push(evidenceAt(1n));
    assert.throws(
      () => chain.checkBlock(tampered),
      (e) => isLatticeError(e, 'BLOCK_INVALID'),
      'evidence hash',
    );
    const twice = chain.buildBlock(address, undefined, [ev, ev]);
    assert.throws(() => chain.checkBlock(twice.block), /repeats a validator and height/);

    const committed = await chain.commitBlock(p.block, p.hash, commitFor(p.hash));
    assert.ok(committed);
    const record = net.node.app.misbehaviour(address, 2n);
    assert.deepEqual(record, {
      kind: 'duplicate-vote',
      validator: address,
      height: 2n,
      power: 10n,
      totalPower: 10n,
      reportedAt: BigInt(committed.height),
    });

    // Committed: refused in the next block, dropped from the pool, refused by the pool as stale.
    const again = chain.buildBlock(address, undefined, [ev]);
    assert.throws(() => chain.checkBlock(again.block), /already committed/);
    assert.deepEqual(pool.forBlock(), []);
    assert.throws(
      () => pool.add(ev),
      (e) => isLatticeError(e, 'EVIDENCE_INVALID') && e.meta.stale === true,
    );
  });
});
