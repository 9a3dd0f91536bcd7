import {
  create,
  type Proposal,
  ProposalSchema,
  proposalSignBytes,
  SignedMsgType,
  timestampFromMs,
  timestampToMs,
  type Validator,
  type Vote,
  VoteSchema,
  voteSignBytes,
} from '@lattice/codec';
import {
  CONSENSUS_FUTURE_ROUNDS_MAX,
  CONSENSUS_NEXT_HEIGHT_BUFFER_MAX,
  CONSENSUS_PAST_ROUNDS_KEPT,
} from '@lattice/params';
import { assert, equalBytes, LatticeError, toHex } from '@lattice/utils';
import { type ConsensusSigner, type LastSignRecord, SIGN_STEP_PROPOSAL, voteStep } from './signer.ts';
import {
  type Action,
  blockIdOf,
  type ConsensusEvent,
  type ConsensusTimeouts,
  type ProposalValue,
  proposalBlockId,
  type TimeoutStep,
  type VerifyProposal,
  type VerifyVote,
} from './types.ts';
import { ProposerRotation, type ValidatorSet } from './validator-set.ts';
import { VoteSet } from './vote-set.ts';

export interface ConsensusOptions {
  chainId: string;
  height: bigint;
  validators: ValidatorSet;
  timeouts: ConsensusTimeouts;
}

export interface ConsensusDependencies {
  /** Absent on a non-validator, which follows consensus without voting. */
  signer?: ConsensusSigner;
  /** The value to propose when this node is the proposer and holds no valid value. */
  getValue(height: bigint, round: number): ProposalValue;
  isValid(value: ProposalValue): boolean;
  verifyVote: VerifyVote;
  verifyProposal: VerifyProposal;
  /** Unix milliseconds, only used for the timestamps of own votes and proposals. */
  now(): bigint;
}

/** `decided` waits for nextHeight(); `new-height` waits for its commit timeout before round 0. */
export type ConsensusStep = 'new-height' | 'propose' | 'prevote' | 'precommit' | 'decided';

interface RoundState {
  proposal: Proposal | undefined;
  prevotes: VoteSet;
  precommits: VoteSet;
}

/**
 * Tendermint's Algorithm 1 (arXiv:1807.04938) for one node and one height at a time. Pure:
 * events in, actions out; comments cite the paper's line numbers.
 */
export class ConsensusCore {
  readonly #chainId: string;
  readonly #timeouts: ConsensusTimeouts;
  readonly #deps: ConsensusDependencies;
  #height: bigint;
  #validators: ValidatorSet;
  #ownIndex: number | undefined;
  #round = 0;
  #step: ConsensusStep = 'new-height';
  /**
   * What the next height's start is measured from (see #commitDelayMs): the decided proposal's
   * timestamp once there is a decision, until then when round 0 started here.
   */
  #intervalAnchorMs: bigint | undefined;
  #lockedValue: ProposalValue | undefined;
  #lockedRound = -1;
  #validValue: ProposalValue | undefined;
  #validRound = -1;
  #rounds = new Map<number, RoundState>();
  #values = new Map<string, ProposalValue>();
  #validity = new Map<string, boolean>();
  /** Highest round each validator has sent a verified message for: drives round skipping (line 55). */
  #highestRound = new Map<number, number>();
  /** proposers[r] is the proposer of round r; each round advances the previous one's priorities by one. */
  #proposers: ProposerRotation;
  #buffer: ConsensusEvent[] = [];
  #prevoteTimeoutScheduled = false;
  #precommitTimeoutScheduled = false;
  #validUpdated = false;
  #started = false;
  #out: Action[] = [];

  constructor(options: ConsensusOptions, deps: ConsensusDependencies) {
    this.#chainId = options.chainId;
    this.#timeouts = options.timeouts;
    this.#deps = deps;
    this.#height = options.height;
    this.#validators = options.validators;
    this.#proposers = new ProposerRotation(options.validators);
    this.#ownIndex = this.#findOwnIndex();
  }

  get height(): bigint {
    return this.#height;
  }
  get round(): number {
    return this.#round;
  }
  get step(): ConsensusStep {
    return this.#step;
  }
  get lockedRound(): number {
    return this.#lockedRound;
  }
  get validRound(): number {
    return this.#validRound;
  }
  get validators(): ValidatorSet {
    return this.#validators;
  }

  /** The proposer of a round at the current height. */
  proposer(round: number): Validator {
    return this.#proposers.at(round);
  }

  /** Starts round 0 of the configured height at once. */
  start(): Action[] {
    assert(!this.#started, 'consensus core already started');
    this.#started = true;
    this.#out = [];
    this.#startRound(0);
    this.#evaluate();
    return this.#out;
  }

  handle(event: ConsensusEvent): Action[] {
    this.#out = [];
    this.#apply(event);
    this.#evaluate();
    return this.#out;
  }

  /**
   * Moves to the next height after a decision, with the validator set the caller computed for it
   * (changes returned by the app at H take effect at H+2, as in CometBFT). Round 0 starts when
   * the returned `new-height` timeout fires (see #commitDelayMs).
   */
  nextHeight(validators: ValidatorSet): Action[] {
    assert(this.#step === 'decided', 'nextHeight before a decision');
    this.#out = [];
    this.#height += 1n;
    this.#validators = validators;
    this.#proposers = new ProposerRotation(validators);
    this.#ownIndex = this.#findOwnIndex();
    this.#round = 0;
    this.#step = 'new-height';
    this.#lockedValue = undefined;
    this.#lockedRound = -1;
    this.#validValue = undefined;
    this.#validRound = -1;
    this.#rounds.clear();
    this.#values.clear();
    this.#validity.clear();
    this.#highestRound.clear();
    this.#schedule(0, 'new-height', this.#commitDelayMs());
    const buffered = this.#buffer;
    this.#buffer = [];
    for (const event of buffered) this.#apply(event);
    this.#evaluate();
    return this.#out;
  }

  #findOwnIndex(): number | undefined {
    const signer = this.#deps.signer;
    return signer === undefined ? undefined : this.#validators.getByAddress(signer.address)?.index;
  }

  #apply(event: ConsensusEvent): void {
    switch (event.kind) {
      case 'proposal':
        this.#onProposal(event.proposal, event.value);
        return;
      case 'vote':
        this.#onVote(event.vote);
        return;
      case 'timeout':
        this.#onTimeout(event.height, event.round, event.step);
        return;
      case 'value':
        if (equalBytes(event.hash, event.value.hash)) this.#storeValue(event.value);
        return;
    }
  }

  #bufferNext(event: ConsensusEvent): void {
    if (this.#buffer.length < CONSENSUS_NEXT_HEIGHT_BUFFER_MAX) this.#buffer.push(event);
  }

  #onProposal(p: Proposal, value: ProposalValue | undefined): void {
    if (p.height === this.#height + 1n) {
      this.#bufferNext({ kind: 'proposal', proposal: p, value });
      return;
    }
    if (p.height !== this.#height || p.type !== SignedMsgType.PROPOSAL || this.#step === 'decided') return;
    if (p.polRound < -1 || p.polRound >= p.round || p.blockId === undefined || p.blockId.hash.length === 0)
      return;
    const rs = this.#roundState(p.round);
    if (rs === undefined || rs.proposal !== undefined) return;
    const proposer = this.proposer(p.round);
    if (!this.#deps.verifyProposal(p, proposer)) return;
    rs.proposal = p;
    this.#noteRound(this.#validators.getByAddress(proposer.address)!.index, p.round);
    if (value !== undefined && equalBytes(value.hash, p.blockId.hash)) this.#storeValue(value);
  }

  #onVote(v: Vote): void {
    if (v.height === this.#height + 1n) {
      this.#bufferNext({ kind: 'vote', vote: v });
      return;
    }
    if (v.height !== this.#height) return;
    if (v.type !== SignedMsgType.PREVOTE && v.type !== SignedMsgType.PRECOMMIT) return;
    const rs = this.#roundState(v.round);
    if (rs === undefined) {
      // Too far ahead to store: verified, it still counts towards skipping to its round.
      if (v.round <= this.#round) return;
      const validator = this.#validators.getByIndex(v.validatorIndex);
      if (validator === undefined || !equalBytes(validator.address, v.validatorAddress)) return;
      if (this.#deps.verifyVote(v, validator)) this.#noteRound(v.validatorIndex, v.round);
      return;
    }
    const set = v.type === SignedMsgType.PREVOTE ? rs.prevotes : rs.precommits;
    const result = set.add(v);
    if (result.status === 'conflict') {
      this.#out.push({ kind: 'evidence', voteA: result.evidence.voteA, voteB: result.evidence.voteB });
    } else if (result.status === 'added') {
      this.#noteRound(v.validatorIndex, v.round);
    }
  }

  #onTimeout(height: bigint, round: number, step: TimeoutStep): void {
    if (height !== this.#height) return;
    if (step === 'new-height') {
      if (this.#step === 'new-height') this.#startRound(0);
      return;
    }
    if (round !== this.#round) return;
    if (step === 'propose' && this.#step === 'propose') {
      // Line 57: no acceptable proposal in time.
      this.#castVote(SignedMsgType.PREVOTE, undefined);
      this.#step = 'prevote';
    } else if (step === 'prevote' && this.#step === 'prevote') {
      // Line 61.
      this.#castVote(SignedMsgType.PRECOMMIT, undefined);
      this.#step = 'precommit';
    } else if (
      step === 'precommit' &&
      (this.#step === 'propose' || this.#step === 'prevote' || this.#step === 'precommit')
    ) {
      // Line 65.
      this.#startRound(this.#round + 1);
    }
  }

  #noteRound(index: number, round: number): void {
    if (round > (this.#highestRound.get(index) ?? -1)) this.#highestRound.set(index, round);
  }

  /** Rounds from pruned ones up to CONSENSUS_FUTURE_ROUNDS_MAX ahead are stored; others are not. */
  #roundState(round: number): RoundState | undefined {
    const existing = this.#rounds.get(round);
    if (existing !== undefined) return existing;
    if (!Number.isSafeInteger(round) || round < 0) return undefined;
    if (round > this.#round + CONSENSUS_FUTURE_ROUNDS_MAX) return undefined;
    if (round < this.#round - CONSENSUS_PAST_ROUNDS_KEPT) return undefined;
    const verify = this.#deps.verifyVote;
    const rs: RoundState = {
      proposal: undefined,
      prevotes: new VoteSet(this.#height, round, SignedMsgType.PREVOTE, this.#validators, verify),
      precommits: new VoteSet(this.#height, round, SignedMsgType.PRECOMMIT, this.#validators, verify),
    };
    this.#rounds.set(round, rs);
    return rs;
  }

  /** Values are kept only when a stored proposal or a vote majority refers to them, so the map stays bounded. */
  #storeValue(value: ProposalValue): void {
    const key = toHex(value.hash);
    if (this.#values.has(key) || !this.#isReferenced(value.hash)) return;
    this.#values.set(key, value);
  }

  #isReferenced(hash: Uint8Array): boolean {
    for (const rs of this.#rounds.values()) {
      if (rs.proposal !== undefined && equalBytes(rs.proposal.blockId!.hash, hash)) return true;
      for (const set of [rs.prevotes, rs.precommits]) {
        const maj = set.hasTwoThirdsMajority();
        if (maj?.kind === 'block' && equalBytes(maj.blockId.hash, hash)) return true;
      }
    }
    return false;
  }

  #valid(value: ProposalValue): boolean {
    const key = toHex(value.hash);
    let ok = this.#validity.get(key);
    if (ok === undefined) {
      ok = this.#deps.isValid(value);
      this.#validity.set(key, ok);
    }
    return ok;
  }

  #schedule(round: number, step: TimeoutStep, delayMs: number): void {
    this.#out.push({ kind: 'schedule-timeout', height: this.#height, round, step, delayMs });
  }

  /**
   * commitMs is the target block interval: the next height's round 0 starts commitMs after the
   * decided block was proposed, or at once if deciding took longer. A fixed wait after the
   * decision would add the whole decision time to every interval. The proposal's timestamp is
   * the one instant every node knows alike: measured from its own round start instead, a node
   * that once decided late stays out of phase for good, starting each round after the others
   * have decided without it. A proposer clock ahead of ours counts as now.
   */
  #commitDelayMs(): number {
    const anchor = this.#intervalAnchorMs;
    this.#intervalAnchorMs = undefined;
    if (anchor === undefined) return this.#timeouts.commitMs;
    const elapsed = this.#deps.now() - anchor;
    const left = BigInt(this.#timeouts.commitMs) - elapsed;
    return left <= 0n ? 0 : Number(left);
  }

  #timeout(base: number, delta: number, round: number): number {
    return base + round * delta;
  }

  /** Line 11, StartRound. */
  #startRound(round: number): void {
    if (round === 0) this.#intervalAnchorMs = this.#deps.now();
    this.#round = round;
    this.#step = 'propose';
    this.#prevoteTimeoutScheduled = false;
    this.#precommitTimeoutScheduled = false;
    this.#validUpdated = false;
    this.#prune();
    this.#roundState(round);
    const t = this.#timeouts;
    // Scheduled by the proposer too, so a proposer that cannot sign still moves on.
    this.#schedule(round, 'propose', this.#timeout(t.proposeMs, t.proposeDeltaMs, round));
    const signer = this.#deps.signer;
    if (signer === undefined || this.#ownIndex === undefined) return;
    if (!equalBytes(this.proposer(round).address, signer.address)) return;
    const value = this.#validValue ?? this.#deps.getValue(this.#height, round);
    const proposal = create(ProposalSchema, {
      type: SignedMsgType.PROPOSAL,
      height: this.#height,
      round,
      polRound: this.#validValue === undefined ? -1 : this.#validRound,
      blockId: proposalBlockId(value),
      timestamp: timestampFromMs(this.#deps.now()),
    });
    const signature = this.#trySign(() => signer.signProposal(proposal));
    if (signature === undefined) return;
    proposal.signature = signature;
    const lastSigned: LastSignRecord = {
      height: this.#height,
      round,
      step: SIGN_STEP_PROPOSAL,
      signBytes: proposalSignBytes(this.#chainId, proposal),
      signature,
    };
    this.#out.push({ kind: 'persist', record: { kind: 'proposal', proposal, value, lastSigned } });
    this.#out.push({ kind: 'broadcast-proposal', proposal, value });
    this.#rounds.get(round)!.proposal = proposal;
    this.#values.set(toHex(value.hash), value);
  }

  /** The double-sign guard refusing is not fatal: the node behaves as if it had voted and stays silent. */
  #trySign(sign: () => Uint8Array): Uint8Array | undefined {
    try {
      return sign();
    } catch (e) {
      if (e instanceof LatticeError && e.code === 'CONSENSUS_DOUBLE_SIGN') return undefined;
      throw e;
    }
  }

  #castVote(type: SignedMsgType, value: ProposalValue | undefined): void {
    const signer = this.#deps.signer;
    const index = this.#ownIndex;
    if (signer === undefined || index === undefined) return;
    const vote = create(VoteSchema, {
      type,
      height: this.#height,
      round: this.#round,
      blockId: value === undefined ? undefined : blockIdOf(value.hash),
      timestamp: timestampFromMs(this.#deps.now()),
      validatorAddress: signer.address,
      validatorIndex: index,
    });
    const signature = this.#trySign(() => signer.signVote(vote));
    if (signature === undefined) return;
    vote.signature = signature;
    const lastSigned: LastSignRecord = {
      height: this.#height,
      round: this.#round,
      step: voteStep(type),
      signBytes: voteSignBytes(this.#chainId, vote),
      signature,
    };
    this.#out.push({ kind: 'persist', record: { kind: 'vote', vote, lastSigned } });
    this.#out.push({ kind: 'broadcast-vote', vote });
    const rs = this.#rounds.get(this.#round)!;
    (type === SignedMsgType.PREVOTE ? rs.prevotes : rs.precommits).add(vote, true);
    this.#noteRound(index, this.#round);
  }

  /** Old rounds go, except those holding the lock and the valid value's proof. */
  #prune(): void {
    const floor = this.#round - CONSENSUS_PAST_ROUNDS_KEPT;
    let pruned = false;
    for (const r of [...this.#rounds.keys()]) {
      if (r < floor && r !== this.#lockedRound && r !== this.#validRound) {
        this.#rounds.delete(r);
        pruned = true;
      }
    }
    if (!pruned) return;
    for (const [key, value] of [...this.#values]) {
      if (!this.#isReferenced(value.hash) && value !== this.#lockedValue && value !== this.#validValue) {
        this.#values.delete(key);
        this.#validity.delete(key);
      }
    }
  }

  /** Applies the upon-rules until none fires. */
  #evaluate(): void {
    for (;;) {
      if (this.#step === 'decided') return;
      // A commit seen before round 0 started (a node that fell behind) is taken at once.
      if (this.#tryDecide() || this.#step === 'new-height') return;
      const target = this.#skipTarget();
      if (target !== undefined) {
        this.#startRound(target);
        continue;
      }
      if (!this.#stepRules()) return;
    }
  }

  /** Line 49: a value with precommits from > 2/3 in any round is decided. */
  #tryDecide(): boolean {
    const rounds = [...this.#rounds.keys()].sort((a, b) => a - b);
    for (const r of rounds) {
      const precommits = this.#rounds.get(r)!.precommits;
      const maj = precommits.hasTwoThirdsMajority();
      if (maj?.kind !== 'block') continue;
      const value = this.#values.get(toHex(maj.blockId.hash));
      if (value === undefined || !this.#valid(value)) continue;
      this.#step = 'decided';
      this.#anchorOnProposal(this.#rounds.get(r)!.proposal, value);
      this.#out.push({
        kind: 'decide',
        height: this.#height,
        round: r,
        value,
        commit: precommits.makeCommit()!,
      });
      return true;
    }
    return false;
  }

  /** The decided value's proposal, if this node has it, is what the next height's start is measured from. */
  #anchorOnProposal(p: Proposal | undefined, value: ProposalValue): void {
    if (p?.timestamp === undefined || !equalBytes(p.blockId!.hash, value.hash)) return;
    const now = this.#deps.now();
    const at = timestampToMs(p.timestamp);
    this.#intervalAnchorMs = at < now ? at : now;
  }

  /** Line 55: the highest round r such that validators with > 1/3 of the power have reached r or beyond. */
  #skipTarget(): number | undefined {
    const ahead: [number, bigint][] = [];
    for (const [index, round] of this.#highestRound) {
      if (round > this.#round) ahead.push([round, this.#validators.getByIndex(index)!.votingPower]);
    }
    ahead.sort((a, b) => b[0] - a[0]);
    let power = 0n;
    for (const [round, p] of ahead) {
      power += p;
      if (power * 3n > this.#validators.totalVotingPower) return round;
    }
    return undefined;
  }

  #stepRules(): boolean {
    const rs = this.#rounds.get(this.#round)!;
    const proposal = rs.proposal;
    const value = proposal === undefined ? undefined : this.#values.get(toHex(proposal.blockId!.hash));
    if (this.#step === 'propose' && proposal !== undefined && value !== undefined) {
      if (proposal.polRound === -1) {
        // Line 22.
        const ok =
          this.#valid(value) && (this.#lockedRound === -1 || equalBytes(this.#lockedValue!.hash, value.hash));
        this.#castVote(SignedMsgType.PREVOTE, ok ? value : undefined);
        this.#step = 'prevote';
        return true;
      }
      // Line 28: a re-proposal backed by a proof-of-lock from its valid round.
      const pol = this.#rounds.get(proposal.polRound)?.prevotes.hasTwoThirdsMajority();
      if (pol?.kind === 'block' && equalBytes(pol.blockId.hash, value.hash)) {
        const ok =
          this.#valid(value) &&
          (this.#lockedRound <= proposal.polRound || equalBytes(this.#lockedValue!.hash, value.hash));
        this.#castVote(SignedMsgType.PREVOTE, ok ? value : undefined);
        this.#step = 'prevote';
        return true;
      }
    }
    const t = this.#timeouts;
    const prevoteMaj = rs.prevotes.hasTwoThirdsMajority();
    if (this.#step === 'prevote') {
      if (!this.#prevoteTimeoutScheduled && rs.prevotes.hasTwoThirdsAny()) {
        // Line 34.
        this.#prevoteTimeoutScheduled = true;
        this.#schedule(this.#round, 'prevote', this.#timeout(t.prevoteMs, t.prevoteDeltaMs, this.#round));
      }
      if (prevoteMaj?.kind === 'nil') {
        // Line 44.
        this.#castVote(SignedMsgType.PRECOMMIT, undefined);
        this.#step = 'precommit';
        return true;
      }
    }
    if (
      (this.#step === 'prevote' || this.#step === 'precommit') &&
      !this.#validUpdated &&
      prevoteMaj?.kind === 'block' &&
      value !== undefined &&
      equalBytes(prevoteMaj.blockId.hash, value.hash) &&
      this.#valid(value)
    ) {
      // Line 36.
      this.#validUpdated = true;
      if (this.#step === 'prevote') {
        this.#lockedValue = value;
        this.#lockedRound = this.#round;
        this.#castVote(SignedMsgType.PRECOMMIT, value);
        this.#step = 'precommit';
      }
      this.#validValue = value;
      this.#validRound = this.#round;
      return true;
    }
    if (!this.#precommitTimeoutScheduled && rs.precommits.hasTwoThirdsAny()) {
      // Line 47.
      this.#precommitTimeoutScheduled = true;
      this.#schedule(this.#round, 'precommit', this.#timeout(t.precommitMs, t.precommitDeltaMs, this.#round));
    }
    return false;
  }
}
