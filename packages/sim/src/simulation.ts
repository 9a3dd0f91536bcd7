import { createHash, type Hash } from 'node:crypto';
import type { Commit, Vote } from '@lattice/codec';
import {
  type Action,
  blockKey,
  ConsensusCore,
  type ConsensusEvent,
  createLocalSigner,
  type LastSignRecord,
  LastSignState,
  type ProposalValue,
  type TimeoutStep,
  type ValidatorSet,
} from '@lattice/consensus';
import { CONSENSUS_FUTURE_ROUNDS_MAX, CONSENSUS_PAST_ROUNDS_KEPT } from '@lattice/params';
import { toHex } from '@lattice/utils';
import { type ByzantineNode, byzantineDeliveries, floodVotes } from './byzantine.ts';
import {
  checkAgreement,
  checkEvidence,
  checkLiveness,
  checkSequences,
  checkValidity,
  type DecisionRecord,
  type Violation,
} from './checkers.ts';
import {
  SIM_EVENTS_PENDING_MAX,
  SIM_GENESIS_MS,
  SIM_GOSSIP_INTERVAL_MS,
  SIM_LIVENESS_BOUND_MS,
  SIM_LIVENESS_HEIGHTS,
  SIM_OWN_MESSAGES_MAX,
  SIM_RELAY_MESSAGES_MAX,
  SIM_TIMEOUTS,
  SIM_WAL_ENTRIES_MAX,
} from './constants.ts';
import {
  FakeVerifier,
  fakeSign,
  isValidValue,
  SIM_CHAIN_ID,
  type SimKey,
  simKey,
  simValidatorSet,
  simValue,
} from './fake.ts';
import type { Delivery, NetMessage } from './messages.ts';
import { Prng } from './prng.ts';
import { type ByzantineBehaviour, describeScenario, drawScenario, type Scenario } from './scenario.ts';
import { Scheduler } from './scheduler.ts';

/**
 * `wal`: a restarted node replays its logged inputs (so its lock comes back) and its persisted
 * own messages. `guard`: only the double-sign guard is restored from the last persist record.
 */
export type RestartMode = 'wal' | 'guard';

export interface SeedOptions {
  seed: number;
  validators: number;
  byzantine: number;
  behaviours?: readonly ByzantineBehaviour[];
  restart?: RestartMode;
  livenessHeights?: number;
  livenessBoundMs?: number;
  /** Receives a line per decision, fault and violation. */
  log?: (line: string) => void;
}

export interface SeedResult {
  seed: number;
  scenario: Scenario;
  traceHash: string;
  /** Lowest height decided by every honest node at the end. */
  heights: number;
  /** Over honest nodes' own decisions: rounds used (round + 1). */
  roundsSum: number;
  roundsCount: number;
  roundsMax: number;
  /** Heights an honest node adopted by block sync rather than through its own core. */
  syncs: number;
  /** Distinct evidence reports from honest cores, and how many of them the checker demanded. */
  evidence: number;
  evidenceDemanded: number;
  events: number;
  virtualMs: number;
  violations: Violation[];
}

type SimEvent =
  | { kind: 'deliver'; from: number; to: number; msg: NetMessage }
  | { kind: 'timeout'; node: number; incarnation: number; height: bigint; round: number; step: TimeoutStep }
  | { kind: 'gossip'; node: number }
  | { kind: 'crash'; node: number }
  | { kind: 'restart'; node: number }
  | { kind: 'heal' };

interface WalEntry {
  atMs: number;
  height: bigint;
  event: ConsensusEvent;
}

interface OwnMessage {
  height: bigint;
  id: string;
  msg: NetMessage;
}

interface SimNode {
  index: number;
  key: SimKey;
  behaviours: readonly ByzantineBehaviour[];
  byz: ByzantineNode;
  /** Undefined while crashed: everything in memory is gone. */
  core: ConsensusCore | undefined;
  incarnation: number;
  /** Durable (persist records, WAL, block store) — survives crashes. */
  lastSigned: LastSignRecord | undefined;
  wal: WalEntry[];
  own: OwnMessage[];
  decisions: DecisionRecord[];
  commits: Commit[];
  /** In memory only. */
  guard: LastSignState;
  clockOverrideMs: number | undefined;
  progress: string;
  firstVote: Map<string, string>;
  /** Proposals and votes of the current height or later this incarnation has seen, by signature. */
  seen: Map<string, { height: bigint; msg: NetMessage }>;
}

/** Runs one seed to completion and checks it. Same options → same result and trace hash. */
export function runSeed(options: SeedOptions): SeedResult {
  return new Simulation(options).run();
}

class Simulation {
  readonly #o: Required<Omit<SeedOptions, 'log' | 'behaviours'>> & Pick<SeedOptions, 'log' | 'behaviours'>;
  readonly #rng: Prng;
  readonly #scenario: Scenario;
  readonly #sched = new Scheduler<SimEvent>(SIM_EVENTS_PENDING_MAX);
  readonly #trace: Hash = createHash('sha256');
  readonly #verifier: FakeVerifier;
  readonly #sets: ValidatorSet[];
  readonly #nodes: SimNode[] = [];
  readonly #expectedEvidence = new Set<string>();
  readonly #reportedEvidence = new Set<string>();
  #healed = false;
  #heightsAtHeal = new Map<number, number>();
  #events = 0;
  #syncs = 0;

  constructor(o: SeedOptions) {
    this.#o = {
      restart: 'wal',
      livenessHeights: SIM_LIVENESS_HEIGHTS,
      livenessBoundMs: SIM_LIVENESS_BOUND_MS,
      ...o,
    };
    this.#rng = new Prng(o.seed);
    this.#scenario = drawScenario(o.seed, this.#rng, o);
    const keys = [...Array(o.validators).keys()].map(simKey);
    this.#verifier = new FakeVerifier(keys);
    this.#sets = [simValidatorSet(keys)];
    for (const key of keys) {
      const behaviours = this.#scenario.byzantine.get(key.index) ?? [];
      const peers = keys.filter((k) => k.index !== key.index).map((k) => k.index);
      const node: SimNode = {
        index: key.index,
        key,
        behaviours,
        byz: {
          key,
          validatorIndex: this.#sets[0]!.getByAddress(key.address)!.index,
          behaviours,
          peers,
        },
        core: undefined,
        incarnation: 0,
        lastSigned: undefined,
        wal: [],
        own: [],
        decisions: [],
        commits: [],
        guard: new LastSignState(),
        clockOverrideMs: undefined,
        progress: '',
        firstVote: new Map(),
        seen: new Map(),
      };
      this.#nodes.push(node);
    }
  }

  run(): SeedResult {
    const s = this.#scenario;
    this.#o.log?.(describeScenario(s));
    for (const node of this.#nodes) {
      node.core = this.#makeCore(node, 1n);
      this.#sched.schedule(this.#rng.int(0, SIM_GOSSIP_INTERVAL_MS - 1), {
        kind: 'gossip',
        node: node.index,
      });
    }
    for (const c of s.crashes) {
      this.#sched.schedule(c.atMs, { kind: 'crash', node: c.node });
      this.#sched.schedule(c.restartMs, { kind: 'restart', node: c.node });
    }
    this.#sched.schedule(s.healMs, { kind: 'heal' });
    for (const node of this.#nodes) this.#execute(node, node.core!.start());
    const endMs = s.healMs + this.#o.livenessBoundMs;
    for (;;) {
      const ev = this.#sched.pop();
      if (ev === undefined || this.#sched.now > endMs) break;
      this.#events++;
      this.#handle(ev);
      if (this.#healed && this.#livenessReached()) break;
    }
    return this.#result();
  }

  // ---- events ----

  #handle(ev: SimEvent): void {
    const now = this.#sched.now;
    switch (ev.kind) {
      case 'deliver': {
        const node = this.#nodes[ev.to]!;
        if (node.core === undefined) return;
        this.#traceMessage(now, ev.from, ev.to, ev.msg);
        this.#deliver(node, ev.msg);
        return;
      }
      case 'timeout': {
        const node = this.#nodes[ev.node]!;
        if (node.core === undefined || node.incarnation !== ev.incarnation) return;
        this.#trace.update(`T${now}:${ev.node}:${ev.height}/${ev.round}/${ev.step};`);
        this.#feed(node, { kind: 'timeout', height: ev.height, round: ev.round, step: ev.step });
        return;
      }
      case 'gossip':
        this.#gossip(this.#nodes[ev.node]!);
        this.#sched.schedule(SIM_GOSSIP_INTERVAL_MS, ev);
        return;
      case 'crash': {
        const node = this.#nodes[ev.node]!;
        this.#trace.update(`C${now}:${ev.node};`);
        this.#o.log?.(`${now}ms node ${ev.node} crashes at height ${node.core?.height}`);
        node.core = undefined;
        node.incarnation++;
        return;
      }
      case 'restart':
        this.#trace.update(`R${now}:${ev.node};`);
        this.#restart(this.#nodes[ev.node]!);
        return;
      case 'heal':
        this.#trace.update(`H${now};`);
        this.#healed = true;
        for (const n of this.#honest()) this.#heightsAtHeal.set(n.index, n.decisions.length);
        this.#o.log?.(`${now}ms faults healed; heights ${[...this.#heightsAtHeal.values()].join(',')}`);
        return;
    }
  }

  #deliver(node: SimNode, msg: NetMessage): void {
    this.#remember(node, msg);
    switch (msg.kind) {
      case 'proposal':
        this.#feed(node, { kind: 'proposal', proposal: msg.proposal, value: msg.value });
        return;
      case 'vote':
        this.#feed(node, { kind: 'vote', vote: msg.vote });
        return;
      case 'vote-pair':
        for (const vote of msg.votes) if (node.core !== undefined) this.#feed(node, { kind: 'vote', vote });
        return;
      case 'sync':
        this.#applySync(node, msg.height, msg.value, msg.commit);
        return;
    }
  }

  /** What CometBFT peers announce with HasVote / VoteSetBits: lets gossip send each peer only what it lacks. */
  #remember(node: SimNode, msg: NetMessage): void {
    const core = node.core!;
    if (msg.kind === 'vote-pair') {
      for (const vote of msg.votes) this.#remember(node, { kind: 'vote', vote });
      return;
    }
    if (msg.kind === 'sync' || node.seen.size >= SIM_RELAY_MESSAGES_MAX) return;
    const m = msg.kind === 'vote' ? msg.vote : msg.proposal;
    // Only what the core actually keeps counts as seen: its height, or the next one (buffered, and
    // replayed at round 0); anything else must be sent again later.
    const ahead = m.height - core.height;
    if (ahead < 0n || ahead > 1n) return;
    if (m.round > (ahead === 0n ? core.round : 0) + CONSENSUS_FUTURE_ROUNDS_MAX) return;
    node.seen.set(toHex(m.signature), { height: m.height, msg });
  }

  /** Hands an input to a live core: logged in the WAL first, as a real node would. */
  #feed(node: SimNode, event: ConsensusEvent): void {
    const core = node.core!;
    const height = eventHeight(event) ?? core.height;
    if (height >= core.height) {
      node.wal.push({ atMs: this.#sched.now, height, event });
      if (node.wal.length > SIM_WAL_ENTRIES_MAX) node.wal.shift();
    }
    if (event.kind === 'vote' && node.behaviours.length === 0) this.#noteVote(node, core, event.vote);
    this.#execute(node, core.handle(event));
  }

  /** Records which equivocations a core was shown in a round it stores, so evidence can be demanded. */
  #noteVote(node: SimNode, core: ConsensusCore, vote: Vote): void {
    if (vote.height !== core.height) return;
    if (
      vote.round < core.round - CONSENSUS_PAST_ROUNDS_KEPT ||
      vote.round > core.round + CONSENSUS_FUTURE_ROUNDS_MAX
    )
      return;
    const key = `${vote.height}/${vote.round}/${vote.type}/${vote.validatorIndex}`;
    const block = blockKey(vote.blockId);
    const first = node.firstVote.get(key);
    if (first === undefined) node.firstVote.set(key, block);
    else if (first !== block) this.#expectedEvidence.add(`${node.index}/${node.incarnation}/${key}`);
  }

  #execute(node: SimNode, actions: Action[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'persist': {
          node.lastSigned = a.record.lastSigned;
          const r = a.record;
          const msg: NetMessage =
            r.kind === 'vote'
              ? { kind: 'vote', vote: r.vote }
              : { kind: 'proposal', proposal: r.proposal, value: r.value };
          const id = toHex(r.lastSigned.signature);
          if (!node.own.some((m) => m.id === id)) {
            node.own.push({ height: r.lastSigned.height, id, msg });
            if (node.own.length > SIM_OWN_MESSAGES_MAX) node.own.shift();
          }
          break;
        }
        case 'broadcast-proposal':
          this.#remember(node, { kind: 'proposal', proposal: a.proposal, value: a.value });
          this.#broadcast(node, { kind: 'proposal', proposal: a.proposal, value: a.value });
          break;
        case 'broadcast-vote':
          this.#remember(node, { kind: 'vote', vote: a.vote });
          this.#broadcast(node, { kind: 'vote', vote: a.vote });
          if (node.behaviours.includes('future-flood')) this.#flood(node);
          break;
        case 'schedule-timeout':
          this.#sched.schedule(a.delayMs, {
            kind: 'timeout',
            node: node.index,
            incarnation: node.incarnation,
            height: a.height,
            round: a.round,
            step: a.step,
          });
          break;
        case 'decide': {
          this.#recordDecision(node, a.height, a.round, a.value, a.commit, 'consensus');
          const core = node.core!;
          const next = core.nextHeight(this.#setFor(a.height + 1n));
          this.#pruneDurable(node, a.height + 1n);
          this.#execute(node, next);
          break;
        }
        case 'evidence': {
          const v = a.voteA;
          const key = `${node.index}/${node.incarnation}/${v.height}/${v.round}/${v.type}/${v.validatorIndex}`;
          this.#reportedEvidence.add(key);
          this.#trace.update(`E${this.#sched.now}:${key};`);
          break;
        }
      }
    }
  }

  #recordDecision(
    node: SimNode,
    height: bigint,
    round: number,
    value: ProposalValue,
    commit: Commit,
    via: DecisionRecord['via'],
  ): void {
    const now = this.#sched.now;
    node.decisions.push({ height, round, value, via, atMs: now });
    node.commits.push(commit);
    node.firstVote.clear();
    this.#trace.update(`X${now}:${node.index}@${height}/${round}=${toHex(value.hash)}/${via};`);
    this.#o.log?.(
      `${now}ms node ${node.index} decides height ${height} round ${round} ${toHex(value.hash).slice(0, 12)} (${via})`,
    );
  }

  /** Durable logs only keep what the next height can need. */
  #pruneDurable(node: SimNode, height: bigint): void {
    node.wal = node.wal.filter((e) => e.height >= height);
    node.own = node.own.filter((m) => m.height >= height);
    for (const [id, m] of node.seen) if (m.height < height) node.seen.delete(id);
  }

  // ---- network ----

  #broadcast(node: SimNode, msg: NetMessage): void {
    const deliveries: Delivery[] =
      node.behaviours.length === 0
        ? node.byz.peers.map((to) => ({ to, msg }))
        : byzantineDeliveries(node.byz, msg, this.#rng);
    for (const d of deliveries) this.#transmit(node.index, d.to, d.msg);
  }

  #flood(node: SimNode): void {
    const core = node.core!;
    const nowMs = BigInt(SIM_GENESIS_MS + this.#sched.now);
    for (const d of floodVotes(node.byz, core.height, core.round, nowMs))
      this.#transmit(node.index, d.to, d.msg);
  }

  /** Loss, partitions and duplication apply until the heal instant; delay (hence reordering) always. */
  #transmit(from: number, to: number, msg: NetMessage): void {
    const now = this.#sched.now;
    const s = this.#scenario;
    const faulty = now < s.healMs;
    if (faulty) {
      if (this.#partitioned(from, to, now)) return;
      if (this.#rng.chance(s.lossPermille)) return;
    }
    const [lo, hi] = faulty ? s.faultDelayMs : s.healedDelayMs;
    this.#sched.schedule(this.#rng.int(lo, hi), { kind: 'deliver', from, to, msg });
    if (faulty && this.#rng.chance(s.duplicatePermille))
      this.#sched.schedule(this.#rng.int(lo, hi), { kind: 'deliver', from, to, msg });
  }

  #partitioned(a: number, b: number, now: number): boolean {
    for (const p of this.#scenario.partitions) {
      if (now < p.startMs || now >= p.endMs) continue;
      const ga = p.groups.findIndex((g) => g.includes(a));
      const gb = p.groups.findIndex((g) => g.includes(b));
      if (ga !== gb) return true;
    }
    return false;
  }

  /**
   * Gossip stands in for CometBFT's reactor: a node that decided nothing since its last tick
   * sends each peer at its height the proposals and votes (its own and relayed) that the peer
   * has not seen, so whatever one honest node received every honest node eventually receives;
   * and an honest node serves block sync to peers whose height it has decided.
   */
  #gossip(node: SimNode): void {
    const core = node.core;
    if (core === undefined) return;
    if (node.behaviours.includes('future-flood')) this.#flood(node);
    if (node.behaviours.length > 0) return;
    // Rounds moving on is not progress: only a new height shows the node's messages got through.
    const progress = `${core.height}`;
    if (progress === node.progress) {
      for (const peer of this.#nodes) {
        if (peer === node || peer.core?.height !== core.height) continue;
        for (const [id, m] of node.seen) {
          if (m.height === core.height && !peer.seen.has(id)) this.#transmit(node.index, peer.index, m.msg);
        }
      }
    }
    node.progress = progress;
    for (const peer of this.#nodes) {
      const h = peer.core?.height;
      if (h === undefined || h >= core.height) continue;
      const i = Number(h) - 1;
      this.#transmit(node.index, peer.index, {
        kind: 'sync',
        height: h,
        value: node.decisions[i]!.value,
        commit: node.commits[i]!,
      });
    }
  }

  /**
   * A verified commit for the node's current height: first offered to the core as ordinary inputs
   * (its precommits and the value), as CometBFT's catch-up gossip does; if the core cannot use
   * them (the commit's round is one it no longer stores), the value is adopted as block sync does
   * and consensus restarts at the next height.
   */
  #applySync(node: SimNode, height: bigint, value: ProposalValue, commit: Commit): void {
    const set = this.#setFor(height);
    if (node.core!.height !== height) return;
    if (!isValidValue(value) || !this.#verifier.verifyCommit(commit, value, set)) return;
    for (const vote of this.#verifier.commitVotes(commit, set)) {
      if (node.core === undefined || node.core.height !== height) return;
      this.#feed(node, { kind: 'vote', vote });
    }
    if (node.core!.height !== height) return;
    this.#feed(node, { kind: 'value', hash: value.hash, value });
    if (node.core!.height !== height) return;
    this.#syncs++;
    this.#recordDecision(node, height, commit.round, value, commit, 'sync');
    this.#pruneDurable(node, height + 1n);
    node.incarnation++;
    const core = this.#makeCore(node, height + 1n);
    node.core = core;
    this.#execute(node, core.start());
    // The old core's buffer of next-height inputs died with it; they are still in the WAL.
    node.seen.clear();
    for (const e of node.wal) {
      if (node.core !== core || core.height !== e.height) continue;
      const ev = e.event;
      if (ev.kind === 'vote') this.#remember(node, { kind: 'vote', vote: ev.vote });
      else if (ev.kind === 'proposal' && ev.value !== undefined)
        this.#remember(node, { kind: 'proposal', proposal: ev.proposal, value: ev.value });
      this.#execute(node, core.handle(e.event));
    }
  }

  // ---- crash and restart ----

  /**
   * Rebuilt at the height after its last decision. Only durable state survives: the block store,
   * the last persist record (the double-sign guard), the WAL of inputs and own signed messages.
   */
  #restart(node: SimNode): void {
    node.incarnation++;
    node.firstVote.clear();
    node.seen.clear();
    node.progress = '';
    node.guard = new LastSignState(node.lastSigned);
    const height = BigInt(node.decisions.length + 1);
    const core = this.#makeCore(node, height);
    node.core = core;
    this.#o.log?.(`${this.#sched.now}ms node ${node.index} restarts at height ${height}`);
    if (this.#o.restart === 'guard') {
      this.#execute(node, core.start());
      return;
    }
    const wal = node.wal.filter((e) => e.height >= height);
    // Replayed at their original instants so re-derived votes carry the same timestamps and the
    // guard hands back the stored signature instead of refusing.
    node.clockOverrideMs = wal[0]?.atMs;
    const started = core.start();
    node.clockOverrideMs = undefined;
    this.#execute(node, started);
    for (const e of wal) {
      if (node.core !== core) return;
      // Replayed inputs are relayed again like fresh ones: other nodes may still lack them.
      const ev = e.event;
      if (ev.kind === 'vote') this.#remember(node, { kind: 'vote', vote: ev.vote });
      else if (ev.kind === 'proposal' && ev.value !== undefined)
        this.#remember(node, { kind: 'proposal', proposal: ev.proposal, value: ev.value });
      node.clockOverrideMs = e.atMs;
      const actions = core.handle(e.event);
      node.clockOverrideMs = undefined;
      this.#execute(node, actions);
    }
    for (const m of [...node.own]) {
      if (node.core !== core || m.height !== core.height) continue;
      const msg = m.msg;
      this.#remember(node, msg);
      if (msg.kind === 'vote') this.#execute(node, core.handle({ kind: 'vote', vote: msg.vote }));
      else if (msg.kind === 'proposal')
        this.#execute(node, core.handle({ kind: 'proposal', proposal: msg.proposal, value: msg.value }));
    }
  }

  #makeCore(node: SimNode, height: bigint): ConsensusCore {
    const key = node.key;
    const honest = node.behaviours.length === 0;
    const invalid = node.behaviours.includes('invalid-proposal');
    return new ConsensusCore(
      { chainId: SIM_CHAIN_ID, height, validators: this.#setFor(height), timeouts: SIM_TIMEOUTS },
      {
        signer: createLocalSigner({
          chainId: SIM_CHAIN_ID,
          address: key.address,
          sign: (b) => fakeSign(key, b),
          lastSign: node.guard,
        }),
        getValue: (h, r) => simValue(key.index, h, r, invalid ? 'invalid' : 'ok'),
        isValid: honest ? isValidValue : () => true,
        verifyVote: this.#verifier.verifyVote,
        verifyProposal: this.#verifier.verifyProposal,
        now: () => BigInt(SIM_GENESIS_MS + (node.clockOverrideMs ?? this.#sched.now)),
      },
    );
  }

  /** Static validators: the set of height h is the genesis set advanced h − 1 times. */
  #setFor(height: bigint): ValidatorSet {
    const i = Number(height) - 1;
    while (this.#sets.length <= i) this.#sets.push(this.#sets.at(-1)!.copyIncrementProposerPriority(1));
    return this.#sets[i]!;
  }

  // ---- results ----

  #honest(): SimNode[] {
    return this.#nodes.filter((n) => n.behaviours.length === 0);
  }

  #livenessReached(): boolean {
    for (const n of this.#honest()) {
      if (n.decisions.length < (this.#heightsAtHeal.get(n.index) ?? 0) + this.#o.livenessHeights)
        return false;
    }
    return true;
  }

  #traceMessage(now: number, from: number, to: number, msg: NetMessage): void {
    let body: string;
    switch (msg.kind) {
      case 'proposal':
        body = `p${msg.proposal.height}/${msg.proposal.round}/${toHex(msg.proposal.signature.subarray(0, 8))}`;
        break;
      case 'vote':
        body = `v${toHex(msg.vote.signature.subarray(0, 8))}`;
        break;
      case 'vote-pair':
        body = `w${toHex(msg.votes[0].signature.subarray(0, 8))}${toHex(msg.votes[1].signature.subarray(0, 8))}`;
        break;
      case 'sync':
        body = `s${msg.height}`;
        break;
    }
    this.#trace.update(`D${now}:${from}>${to}:${body};`);
  }

  #result(): SeedResult {
    const honest = this.#honest();
    const decisions = new Map(honest.map((n) => [n.index, n.decisions] as const));
    const violations: Violation[] = [
      ...checkAgreement(decisions),
      ...checkValidity(decisions, isValidValue),
      ...checkSequences(decisions),
      ...checkEvidence(this.#expectedEvidence, this.#reportedEvidence),
    ];
    if (!this.#healed) {
      violations.push({ kind: 'liveness', message: 'the run ended before the faults healed' });
    } else {
      const atEnd = new Map(honest.map((n) => [n.index, n.decisions.length] as const));
      violations.push(
        ...checkLiveness(this.#heightsAtHeal, atEnd, this.#o.livenessHeights, this.#o.livenessBoundMs),
      );
    }
    let roundsSum = 0;
    let roundsCount = 0;
    let roundsMax = 0;
    for (const n of honest) {
      for (const d of n.decisions) {
        if (d.via !== 'consensus') continue;
        roundsSum += d.round + 1;
        roundsCount++;
        if (d.round + 1 > roundsMax) roundsMax = d.round + 1;
      }
    }
    for (const v of violations) this.#o.log?.(`VIOLATION ${v.kind}: ${v.message}`);
    for (const n of this.#nodes) {
      const c = n.core;
      this.#o.log?.(
        `end: node ${n.index}${n.behaviours.length > 0 ? ` (${n.behaviours.join('+')})` : ''} ` +
          (c === undefined
            ? 'crashed'
            : `height ${c.height} round ${c.round} step ${c.step} locked ${c.lockedRound} valid ${c.validRound}`),
      );
    }
    return {
      seed: this.#o.seed,
      scenario: this.#scenario,
      traceHash: this.#trace.digest('hex'),
      heights: honest.length === 0 ? 0 : Math.min(...honest.map((n) => n.decisions.length)),
      roundsSum,
      roundsCount,
      roundsMax,
      syncs: this.#syncs,
      evidence: this.#reportedEvidence.size,
      evidenceDemanded: this.#expectedEvidence.size,
      events: this.#events,
      virtualMs: this.#sched.now,
      violations,
    };
  }
}

function eventHeight(event: ConsensusEvent): bigint | undefined {
  switch (event.kind) {
    case 'proposal':
      return event.proposal.height;
    case 'vote':
      return event.vote.height;
    case 'timeout':
      return event.height;
    case 'value':
      return undefined;
  }
}
