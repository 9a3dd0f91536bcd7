import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignedMsgType } from '@lattice/codec';
import { equalBytes, LatticeError, toHex } from '@lattice/utils';
import { type Action, ConsensusCore, createLocalSigner, LastSignState } from '../src/index.ts';
import {
  CHAIN_ID,
  fakeSign,
  key,
  makeValidators,
  Network,
  signedProposal,
  signedVote,
  TIMEOUTS,
  valueFor,
  verifier,
} from './harness.ts';

function assertAgreement(net: Network, heights: number, honest: number[]): void {
  for (let h = 0; h < heights; h++) {
    const hashes = new Set(honest.map((i) => net.decisions[i]![h]?.hash));
    assert.equal(hashes.size, 1, `height ${h + 1}: honest nodes disagree or did not decide`);
    assert.ok(!hashes.has(undefined), `height ${h + 1} undecided`);
  }
}

const indexOf = (net: Network, address: Uint8Array) =>
  net.keys.findIndex((k) => equalBytes(k.address, address));

describe('ConsensusCore in an in-memory network', () => {
  for (const n of [1, 4, 7]) {
    it(`${n} honest validator(s) decide the same value at every height, in round 0`, () => {
      const net = new Network(n);
      net.start();
      net.run(5);
      assertAgreement(
        net,
        5,
        net.cores.map((_, i) => i),
      );
      for (const d of net.decisions.flat()) assert.equal(d.round, 0);
      assert.deepEqual(
        net.decisions[0]!.map((d) => d.height),
        [1n, 2n, 3n, 4n, 5n],
      );
    });
  }

  it('still decides with one silent validator of four', () => {
    const net = new Network(4);
    net.silent.add(1);
    net.start();
    net.run(4);
    assertAgreement(net, 4, [0, 2, 3]);
  });

  it('an equivocating proposer cannot make honest nodes decide differently', () => {
    const net = new Network(4);
    const byz = indexOf(net, net.set.proposer.address);
    net.byzantine = (from, msg, nw) => {
      if (from !== byz || msg.kind !== 'proposal') return undefined;
      const p = msg.proposal;
      const other = valueFor(p.height, p.round, '/evil');
      const p2 = signedProposal(nw.keys[byz]!, p.height, p.round, p.polRound, other);
      return nw.cores
        .map((_, to) => to)
        .filter((to) => to !== from)
        .map((to) =>
          to % 2 === 0 ? { to, msg } : { to, msg: { kind: 'proposal', proposal: p2, value: other } },
        );
    };
    net.start();
    net.run(3);
    assertAgreement(
      net,
      3,
      [0, 1, 2, 3].filter((i) => i !== byz),
    );
  });

  it('a lost proposal leads to a round change and a decision in round >= 1', () => {
    const net = new Network(4);
    net.filter = (_from, _to, msg) =>
      !(msg.kind === 'proposal' && msg.proposal.height === 1n && msg.proposal.round === 0);
    net.start();
    net.run(2);
    assertAgreement(net, 2, [0, 1, 2, 3]);
    for (let i = 0; i < 4; i++) assert.ok(net.decisions[i]![0]!.round >= 1);
  });

  it('a non-validator follows and decides the same values', () => {
    const net = new Network(4);
    const { set, keys } = makeValidators([10, 10, 10, 10]);
    const observer = new ConsensusCore(
      { chainId: CHAIN_ID, height: 1n, validators: set, timeouts: TIMEOUTS },
      {
        getValue: () => assert.fail('never proposes'),
        isValid: () => true,
        ...verifier(keys),
        now: () => 0n,
      },
    );
    const seen: string[] = [];
    // Each message once: the copy sent to node 0, or to node 1 for node 0's own.
    net.filter = (from, to, msg) => {
      if (to === (from === 0 ? 1 : 0)) {
        for (const a of observer.handle(msg)) {
          if (a.kind === 'decide') {
            seen.push(toHex(a.value.hash));
            observer.nextHeight(observer.validators.copyIncrementProposerPriority(1));
            observer.handle({ kind: 'timeout', height: observer.height, round: 0, step: 'new-height' });
          }
          assert.notEqual(a.kind, 'broadcast-vote');
        }
      }
      return true;
    };
    observer.start();
    net.start();
    net.run(3);
    assert.deepEqual(seen.slice(0, 2), [net.decisions[0]![0]!.hash, net.decisions[0]![1]!.hash]);
  });

  it('a commit that arrives before round 0 started is decided at once; the next height starts commitMs after the decided proposal', () => {
    const { set, keys } = makeValidators([10, 10, 10, 10]);
    let now = 0n;
    const core = new ConsensusCore(
      { chainId: CHAIN_ID, height: 1n, validators: set, timeouts: { ...TIMEOUTS, commitMs: 1000 } },
      {
        getValue: () => assert.fail('never proposes'),
        isValid: () => true,
        ...verifier(keys),
        now: () => now,
      },
    );
    const keyOf = (address: Uint8Array) => keys.get(toHex(address))!;
    /** The height's round-0 proposal (stamped `proposedAt`) and three precommits, all at `now`. */
    const commitArrives = (proposedAt: bigint): Action[] => {
      const value = valueFor(core.height, 0);
      const proposal = signedProposal(keyOf(core.proposer(0).address), core.height, 0, -1, value, proposedAt);
      const out = core.handle({ kind: 'proposal', proposal, value });
      for (const v of set.validators.slice(0, 3))
        out.push(
          ...core.handle({
            kind: 'vote',
            vote: signedVote(set, keyOf(v.address), SignedMsgType.PRECOMMIT, core.height, 0, value),
          }),
        );
      return out;
    };
    const newHeightDelay = () => {
      const t = core
        .nextHeight(core.validators.copyIncrementProposerPriority(1))
        .find((a) => a.kind === 'schedule-timeout' && a.step === 'new-height');
      return t?.kind === 'schedule-timeout' ? t.delayMs : undefined;
    };
    core.start();
    assert.ok(commitArrives(0n).some((a) => a.kind === 'decide'));
    now = 200n;
    assert.equal(newHeightDelay(), 800, 'height 2 starts 1 s after height 1 was proposed');
    // This node is late: the others started height 2 at 1,000 and decided it before its timer fired.
    now = 1_100n;
    assert.equal(core.step, 'new-height');
    assert.ok(
      commitArrives(1_000n).some((a) => a.kind === 'decide'),
      'decided without waiting for its own round 0',
    );
    now = 1_150n;
    assert.equal(newHeightDelay(), 850, 'back in phase: height 3 starts at 2,000 like everyone else');
    // A proposer clock ahead of ours counts as now.
    now = 2_000n;
    core.handle({ kind: 'timeout', height: core.height, round: 0, step: 'new-height' });
    now = 2_100n;
    assert.ok(commitArrives(9_000n).some((a) => a.kind === 'decide'));
    assert.equal(newHeightDelay(), 1000);
  });

  it('commitMs is the target block interval: a lone validator proposes at the start of round 0', () => {
    const { set, keys } = makeValidators([10]);
    const k = key(0);
    let now = 0n;
    const core = new ConsensusCore(
      { chainId: CHAIN_ID, height: 1n, validators: set, timeouts: TIMEOUTS },
      {
        signer: createLocalSigner({ chainId: CHAIN_ID, address: k.address, sign: (b) => fakeSign(k, b) }),
        getValue: (h, r) => valueFor(h, r),
        isValid: () => true,
        ...verifier(keys),
        now: () => now,
      },
    );
    const commitDelay = (actions: Action[]) => {
      const t = actions.find((a) => a.kind === 'schedule-timeout' && a.step === 'new-height');
      return t?.kind === 'schedule-timeout' ? t.delayMs : undefined;
    };
    const next = () => commitDelay(core.nextHeight(core.validators.copyIncrementProposerPriority(1)));
    /** Round 0 of the current height starts at `start`; it is decided at `decidedAt`. */
    const height = (start: bigint, decidedAt: bigint): number | undefined => {
      now = start;
      const actions = core.handle({ kind: 'timeout', height: core.height, round: 0, step: 'new-height' });
      assert.ok(
        actions.some((a) => a.kind === 'decide'),
        'a lone validator decides at once',
      );
      now = decidedAt;
      return next();
    };
    assert.ok(core.start().some((a) => a.kind === 'decide'));
    // Decided 30 ms into the height: the next one starts 70 ms later, 100 ms after this one.
    now = 30n;
    assert.equal(next(), TIMEOUTS.commitMs - 30);
    // Deciding took longer than the interval: the next height starts at once.
    assert.equal(height(100n, 350n), 0);
    assert.equal(height(350n, 350n), TIMEOUTS.commitMs);
  });

  it('persists every own vote and proposal right before broadcasting it', () => {
    const net = new Network(4);
    net.start();
    net.run(2);
    let broadcasts = 0;
    for (const log of net.actionLog) {
      log.forEach((a, i) => {
        if (a.kind !== 'broadcast-vote' && a.kind !== 'broadcast-proposal') return;
        broadcasts++;
        const prev = log[i - 1] as Action;
        assert.equal(prev.kind, 'persist');
        if (prev.kind !== 'persist') return;
        if (a.kind === 'broadcast-vote')
          assert.equal(prev.record.kind === 'vote' && prev.record.vote, a.vote);
        else assert.equal(prev.record.kind === 'proposal' && prev.record.proposal, a.proposal);
        assert.ok(prev.record.lastSigned.signature.length > 0);
      });
    }
    assert.ok(broadcasts >= 4 * 2 + 1);
  });

  it('decide carries a commit of > 2/3 precommits ordered by validator index', () => {
    const net = new Network(4);
    const decides: (Action & { kind: 'decide' })[] = [];
    net.start();
    net.run(1);
    for (const a of net.actionLog[0]!) if (a.kind === 'decide') decides.push(a);
    const c = decides[0]!.commit;
    assert.equal(c.height, 1n);
    assert.equal(toHex(c.blockId!.hash), toHex(decides[0]!.value.hash));
    assert.equal(c.signatures.length, 4);
    c.signatures.forEach((s, i) => {
      if (s.validatorAddress.length > 0)
        assert.ok(equalBytes(s.validatorAddress, net.set.getByIndex(i)!.address));
    });
    assert.ok(c.signatures.filter((s) => s.blockIdFlag === 2).length >= 3);
  });
});

describe('LastSignState (double-sign guard)', () => {
  it('re-signs an identical vote with the stored signature and refuses a conflicting one', () => {
    const { set } = makeValidators([10, 10, 10, 10]);
    const k = key(0);
    let calls = 0;
    const guard = new LastSignState();
    const signer = createLocalSigner({
      chainId: CHAIN_ID,
      address: k.address,
      sign: (b) => {
        calls++;
        return fakeSign(k, b);
      },
      lastSign: guard,
    });
    const a = signedVote(set, k, SignedMsgType.PREVOTE, 5n, 1, valueFor(5n, 1, 'a'));
    const b = signedVote(set, k, SignedMsgType.PREVOTE, 5n, 1, valueFor(5n, 1, 'b'));
    const sig = signer.signVote(a);
    assert.deepEqual(signer.signVote(a), sig);
    assert.equal(calls, 1);
    const doubleSign = (e: unknown) => e instanceof LatticeError && e.code === 'CONSENSUS_DOUBLE_SIGN';
    assert.throws(() => signer.signVote(b), doubleSign);
    assert.throws(
      () => signer.signVote(signedVote(set, k, SignedMsgType.PREVOTE, 5n, 0, undefined)),
      doubleSign,
    );
    assert.throws(
      () => signer.signVote(signedVote(set, k, SignedMsgType.PREVOTE, 4n, 9, undefined)),
      doubleSign,
    );
    signer.signVote(signedVote(set, k, SignedMsgType.PRECOMMIT, 5n, 1, undefined));
    assert.equal(guard.last?.step, 3);
    // A restored guard keeps refusing after a restart.
    const restored = new LastSignState(guard.last);
    assert.throws(() => restored.check(5n, 1, 3, new Uint8Array([1])), doubleSign);
  });
});
