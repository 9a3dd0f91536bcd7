import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignedMsgType, type Vote } from '@lattice/codec';
import { equalBytes, toHex } from '@lattice/utils';
import { type Action, ConsensusCore, createLocalSigner, type ProposalValue } from '../src/index.ts';
import {
  CHAIN_ID,
  fakeSign,
  type Key,
  key,
  makeValidators,
  signedProposal,
  signedVote,
  TIMEOUTS,
  valueFor,
  verifier,
} from './harness.ts';

const { set, keys } = makeValidators([10, 10, 10, 10]);
const allKeys = [0, 1, 2, 3].map(key);
const keyOf = (address: Uint8Array) => allKeys.find((k) => equalBytes(k.address, address))!;

function setup(): { core: ConsensusCore; me: Key; others: Key[] } {
  const probe = new ConsensusCore(
    { chainId: CHAIN_ID, height: 1n, validators: set, timeouts: TIMEOUTS },
    { getValue: () => valueFor(1n, 0), isValid: () => true, ...verifier(keys), now: () => 0n },
  );
  const proposers = [0, 1, 2].map((r) => toHex(probe.proposer(r).address));
  // The one validator that proposes in none of rounds 0-2, so every proposal comes from outside.
  const me = allKeys.find((k) => !proposers.includes(toHex(k.address)))!;
  const core = new ConsensusCore(
    { chainId: CHAIN_ID, height: 1n, validators: set, timeouts: TIMEOUTS },
    {
      signer: createLocalSigner({ chainId: CHAIN_ID, address: me.address, sign: (b) => fakeSign(me, b) }),
      getValue: (h, r) => valueFor(h, r, '/me'),
      isValid: () => true,
      ...verifier(keys),
      now: () => 0n,
    },
  );
  return { core, me, others: allKeys.filter((k) => k !== me) };
}

const votesOf = (actions: Action[]): Vote[] =>
  actions.flatMap((a) => (a.kind === 'broadcast-vote' ? [a.vote] : []));
const votedFor = (v: Vote | undefined, value: ProposalValue | undefined) =>
  v !== undefined &&
  (value === undefined ? (v.blockId?.hash.length ?? 0) === 0 : equalBytes(v.blockId!.hash, value.hash));

describe('locking (Algorithm 1, lines 22-43)', () => {
  it('a node locked on v prevotes nil for another value until a POL at a round >= its lock', () => {
    const { core, others } = setup();
    const v = valueFor(1n, 0, 'v');
    const w = valueFor(1n, 1, 'w');
    const propose = (round: number, polRound: number, value: ProposalValue) =>
      core.handle({
        kind: 'proposal',
        proposal: signedProposal(keyOf(core.proposer(round).address), 1n, round, polRound, value),
        value,
      });
    const vote = (k: Key, type: SignedMsgType, round: number, value: ProposalValue | undefined) =>
      core.handle({ kind: 'vote', vote: signedVote(set, k, type, 1n, round, value) });
    core.start();

    // Round 0: v gets a polka, so the node locks on v and precommits it.
    assert.ok(votedFor(votesOf(propose(0, -1, v))[0], v));
    vote(others[0]!, SignedMsgType.PREVOTE, 0, v);
    const locked = votesOf(vote(others[1]!, SignedMsgType.PREVOTE, 0, v));
    assert.equal(locked[0]?.type, SignedMsgType.PRECOMMIT);
    assert.ok(votedFor(locked[0], v));
    assert.equal(core.lockedRound, 0);
    // The others precommit nil: no decision, round 0 times out.
    vote(others[0]!, SignedMsgType.PRECOMMIT, 0, undefined);
    vote(others[1]!, SignedMsgType.PRECOMMIT, 0, undefined);
    core.handle({ kind: 'timeout', height: 1n, round: 0, step: 'precommit' });
    assert.equal(core.round, 1);

    // Round 1: w without a proof-of-lock must get a nil prevote from the locked node.
    const r1 = votesOf(propose(1, -1, w));
    assert.equal(r1[0]?.type, SignedMsgType.PREVOTE);
    assert.ok(votedFor(r1[0], undefined), 'locked node prevoted another value');
    vote(others[0]!, SignedMsgType.PREVOTE, 1, w);
    vote(others[1]!, SignedMsgType.PREVOTE, 1, w);
    assert.ok(
      votedFor(
        votesOf(core.handle({ kind: 'timeout', height: 1n, round: 1, step: 'prevote' }))[0],
        undefined,
      ),
    );
    vote(others[0]!, SignedMsgType.PRECOMMIT, 1, undefined);
    vote(others[1]!, SignedMsgType.PRECOMMIT, 1, undefined);
    core.handle({ kind: 'timeout', height: 1n, round: 1, step: 'precommit' });
    assert.equal(core.round, 2);
    assert.equal(core.lockedRound, 0);

    // Round 2: w re-proposed with polRound 1, but round 1 holds only 2 of 4 prevotes for w: no POL yet.
    assert.deepEqual(votesOf(propose(2, 1, w)), []);
    // The missing prevote completes the POL at round 1 >= locked round 0: now w is acceptable.
    const r2 = votesOf(vote(others[2]!, SignedMsgType.PREVOTE, 1, w));
    assert.equal(r2[0]?.type, SignedMsgType.PREVOTE);
    assert.equal(r2[0]?.round, 2);
    assert.ok(votedFor(r2[0], w));
  });

  it('the proposer of a later round re-proposes its valid value with validRound', () => {
    const { core, others } = setup();
    const v = valueFor(1n, 0, 'v');
    core.start();
    const p0 = signedProposal(keyOf(core.proposer(0).address), 1n, 0, -1, v);
    core.handle({ kind: 'proposal', proposal: p0, value: v });
    for (const k of others.slice(0, 2))
      core.handle({ kind: 'vote', vote: signedVote(set, k, SignedMsgType.PREVOTE, 1n, 0, v) });
    assert.equal(core.validRound, 0);
    // Walk to the first round this node proposes in, timing out each.
    let actions: Action[] = [];
    for (let r = 0; r < 8 && !actions.some((a) => a.kind === 'broadcast-proposal'); r++) {
      for (const k of others)
        core.handle({ kind: 'vote', vote: signedVote(set, k, SignedMsgType.PRECOMMIT, 1n, r, undefined) });
      actions = core.handle({ kind: 'timeout', height: 1n, round: r, step: 'precommit' });
    }
    const p = actions.find((a) => a.kind === 'broadcast-proposal');
    assert.ok(p !== undefined && p.kind === 'broadcast-proposal');
    assert.equal(p.proposal.polRound, 0);
    assert.ok(equalBytes(p.value.hash, v.hash));
  });
});

describe('round skipping (line 55)', () => {
  it('moves to a higher round on messages from > 1/3 of the power, not on f', () => {
    const { core, others } = setup();
    core.start();
    core.handle({ kind: 'vote', vote: signedVote(set, others[0]!, SignedMsgType.PREVOTE, 1n, 3, undefined) });
    assert.equal(core.round, 0);
    const actions = core.handle({
      kind: 'vote',
      vote: signedVote(set, others[1]!, SignedMsgType.PRECOMMIT, 1n, 3, undefined),
    });
    assert.equal(core.round, 3);
    const t = actions.find((a) => a.kind === 'schedule-timeout' && a.step === 'propose');
    assert.equal(
      t?.kind === 'schedule-timeout' && t.delayMs,
      TIMEOUTS.proposeMs + 3 * TIMEOUTS.proposeDeltaMs,
    );
  });

  it('skips far beyond the stored window, and ignores forged far-future votes', () => {
    const { core, others } = setup();
    core.start();
    const forged = signedVote(set, others[0]!, SignedMsgType.PREVOTE, 1n, 500, undefined);
    forged.signature = new Uint8Array(32);
    core.handle({ kind: 'vote', vote: forged });
    core.handle({
      kind: 'vote',
      vote: signedVote(set, others[1]!, SignedMsgType.PREVOTE, 1n, 500, undefined),
    });
    assert.equal(core.round, 0);
    core.handle({
      kind: 'vote',
      vote: signedVote(set, others[2]!, SignedMsgType.PREVOTE, 1n, 100, undefined),
    });
    assert.equal(core.round, 100);
  });

  it('reports a conflicting vote as evidence', () => {
    const { core, others } = setup();
    core.start();
    core.handle({
      kind: 'vote',
      vote: signedVote(set, others[0]!, SignedMsgType.PREVOTE, 1n, 0, valueFor(1n, 0, 'a')),
    });
    const out = core.handle({
      kind: 'vote',
      vote: signedVote(set, others[0]!, SignedMsgType.PREVOTE, 1n, 0, valueFor(1n, 0, 'b')),
    });
    assert.deepEqual(
      out.map((a) => a.kind),
      ['evidence'],
    );
  });
});
