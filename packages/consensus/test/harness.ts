import { createHash } from 'node:crypto';
import {
  create,
  type Proposal,
  ProposalSchema,
  proposalSignBytes,
  SignedMsgType,
  timestampFromMs,
  type Validator,
  ValidatorSchema,
  type Vote,
  VoteSchema,
  voteSignBytes,
} from '@lattice/codec';
import { equalBytes, toHex, utf8 } from '@lattice/utils';
import {
  type Action,
  blockIdOf,
  ConsensusCore,
  type ConsensusTimeouts,
  createLocalSigner,
  type ProposalValue,
  ValidatorSet,
} from '../src/index.ts';

export const CHAIN_ID = 'lattice-test';
export const TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 1000,
  proposeDeltaMs: 500,
  prevoteMs: 1000,
  prevoteDeltaMs: 500,
  precommitMs: 1000,
  precommitDeltaMs: 500,
  commitMs: 100,
};

// A keyed hash stands in for ML-DSA: deterministic, fast, and only the holder of the secret can produce it.
export interface Key {
  secret: Uint8Array;
  address: Uint8Array;
}
export function key(i: number): Key {
  const secret = utf8(`validator-${i}`);
  return { secret, address: createHash('sha256').update(secret).digest() };
}
export function fakeSign(k: Key, bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(k.secret).update(bytes).digest();
}

export function makeValidators(powers: number[]): { set: ValidatorSet; keys: Map<string, Key> } {
  const keys = new Map<string, Key>();
  const vals: Validator[] = powers.map((p, i) => {
    const k = key(i);
    keys.set(toHex(k.address), k);
    return create(ValidatorSchema, { address: k.address, votingPower: BigInt(p) });
  });
  return { set: ValidatorSet.create(vals), keys };
}

export function verifier(keys: Map<string, Key>) {
  return {
    verifyVote: (v: Vote, val: Validator) => {
      const k = keys.get(toHex(val.address));
      return k !== undefined && equalBytes(v.signature, fakeSign(k, voteSignBytes(CHAIN_ID, v)));
    },
    verifyProposal: (p: Proposal, val: Validator) => {
      const k = keys.get(toHex(val.address));
      return k !== undefined && equalBytes(p.signature, fakeSign(k, proposalSignBytes(CHAIN_ID, p)));
    },
  };
}

export function valueFor(height: bigint, round: number, tag = ''): ProposalValue {
  const bytes = utf8(`block h=${height} r=${round}${tag}`);
  return { hash: createHash('sha256').update(bytes).digest(), bytes };
}

export function signedVote(
  set: ValidatorSet,
  k: Key,
  type: SignedMsgType,
  height: bigint,
  round: number,
  value: ProposalValue | undefined,
): Vote {
  const vote = create(VoteSchema, {
    type,
    height,
    round,
    blockId: value === undefined ? undefined : blockIdOf(value.hash),
    timestamp: timestampFromMs(0n),
    validatorAddress: k.address,
    validatorIndex: set.getByAddress(k.address)!.index,
  });
  vote.signature = fakeSign(k, voteSignBytes(CHAIN_ID, vote));
  return vote;
}

export function signedProposal(
  k: Key,
  height: bigint,
  round: number,
  polRound: number,
  value: ProposalValue,
  timestampMs = 0n,
): Proposal {
  const p = create(ProposalSchema, {
    type: SignedMsgType.PROPOSAL,
    height,
    round,
    polRound,
    blockId: blockIdOf(value.hash),
    timestamp: timestampFromMs(timestampMs),
  });
  p.signature = fakeSign(k, proposalSignBytes(CHAIN_ID, p));
  return p;
}

export interface Decision {
  height: bigint;
  round: number;
  hash: string;
}

export type Message =
  | { kind: 'proposal'; proposal: Proposal; value: ProposalValue }
  | { kind: 'vote'; vote: Vote };

/**
 * N cores, an ordered in-memory message queue and a fake clock. `filter` drops messages;
 * `byzantine` replaces a node's own broadcasts.
 */
export class Network {
  readonly cores: ConsensusCore[] = [];
  readonly decisions: Decision[][] = [];
  readonly keys: Key[] = [];
  readonly set: ValidatorSet;
  readonly actionLog: Action[][] = [];
  now = 0n;
  #queue: { to: number; msg: Message }[] = [];
  #timers: { at: bigint; seq: number; node: number; ev: Action & { kind: 'schedule-timeout' } }[] = [];
  #seq = 0;
  filter: (from: number, to: number, msg: Message, net: Network) => boolean = () => true;
  byzantine:
    | ((from: number, msg: Message, net: Network) => { to: number; msg: Message }[] | undefined)
    | undefined;
  silent = new Set<number>();

  constructor(n: number, powers?: number[]) {
    const { set, keys } = makeValidators(powers ?? new Array(n).fill(10));
    this.set = set;
    const v = verifier(keys);
    for (let i = 0; i < n; i++) {
      const k = key(i);
      this.keys.push(k);
      this.decisions.push([]);
      this.actionLog.push([]);
      this.cores.push(
        new ConsensusCore(
          { chainId: CHAIN_ID, height: 1n, validators: set, timeouts: TIMEOUTS },
          {
            signer: createLocalSigner({ chainId: CHAIN_ID, address: k.address, sign: (b) => fakeSign(k, b) }),
            getValue: (h, r) => valueFor(h, r, `/by-${i}`),
            isValid: () => true,
            ...v,
            now: () => this.now,
          },
        ),
      );
    }
  }

  start(): void {
    this.cores.forEach((c, i) => {
      if (!this.silent.has(i)) this.#process(i, c.start());
    });
  }

  #send(from: number, msg: Message): void {
    const custom = this.byzantine?.(from, msg, this);
    const deliveries = custom ?? this.cores.map((_, to) => ({ to, msg })).filter((d) => d.to !== from);
    for (const d of deliveries) if (this.filter(from, d.to, d.msg, this)) this.#queue.push(d);
  }

  #process(node: number, actions: Action[]): void {
    this.actionLog[node]!.push(...actions);
    for (const a of actions) {
      if (a.kind === 'broadcast-proposal')
        this.#send(node, { kind: 'proposal', proposal: a.proposal, value: a.value });
      else if (a.kind === 'broadcast-vote') this.#send(node, { kind: 'vote', vote: a.vote });
      else if (a.kind === 'schedule-timeout')
        this.#timers.push({ at: this.now + BigInt(a.delayMs), seq: this.#seq++, node, ev: a });
      else if (a.kind === 'decide') {
        this.decisions[node]!.push({ height: a.height, round: a.round, hash: toHex(a.value.hash) });
        const next = this.cores[node]!.validators.copyIncrementProposerPriority(1);
        this.#process(node, this.cores[node]!.nextHeight(next));
      }
    }
  }

  /** Runs until every live node decided `heights` heights or `maxSteps` events were handled. */
  run(heights: number, maxSteps = 100_000): void {
    const live = this.cores.map((_, i) => i).filter((i) => !this.silent.has(i));
    for (let step = 0; step < maxSteps; step++) {
      if (live.every((i) => this.decisions[i]!.length >= heights)) return;
      const m = this.#queue.shift();
      if (m !== undefined) {
        if (this.silent.has(m.to)) continue;
        this.#process(m.to, this.cores[m.to]!.handle(m.msg));
        continue;
      }
      if (this.#timers.length === 0) return;
      this.#timers.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
      const t = this.#timers.shift()!;
      if (t.at > this.now) this.now = t.at;
      const { height, round, step: s } = t.ev;
      this.#process(t.node, this.cores[t.node]!.handle({ kind: 'timeout', height, round, step: s }));
    }
  }
}
