import { clone, type Validator, ValidatorSchema } from '@lattice/codec';
import { PROPOSER_PRIORITY_WINDOW_FACTOR, VALIDATOR_TOTAL_POWER_MAX, VALIDATORS_MAX } from '@lattice/params';
import { assert, compareBytes, LatticeError, toHex } from '@lattice/utils';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

// CometBFT clips priority arithmetic at the int64 bounds; doing the same keeps sequences identical.
function clip(v: bigint): bigint {
  return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v;
}

// Go's big.Int.Div is Euclidean: the average of negative priorities rounds toward minus infinity.
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function invalid(message: string, meta?: Record<string, string | number>): LatticeError {
  return new LatticeError('VALIDATOR_SET_INVALID', message, meta);
}

/**
 * An immutable validator set ordered by address (the index used in votes and commits), with
 * CometBFT's weighted round-robin proposer selection. Every operation returns a new set.
 */
export class ValidatorSet {
  readonly validators: readonly Validator[];
  readonly totalVotingPower: bigint;
  readonly proposer: Validator;
  readonly #byAddress: Map<string, number>;

  private constructor(validators: Validator[], proposer: Validator | undefined) {
    assert(validators.length > 0, 'validator set must not be empty');
    validators.sort((a, b) => compareBytes(a.address, b.address));
    this.validators = validators;
    this.#byAddress = new Map(validators.map((v, i) => [toHex(v.address), i]));
    let total = 0n;
    for (const v of validators) total += v.votingPower;
    this.totalVotingPower = total;
    this.proposer = proposer ?? mostPriority(validators);
  }

  /** A new set as CometBFT's NewValidatorSet: priorities computed from scratch, then incremented once. */
  static create(validators: readonly Validator[]): ValidatorSet {
    // Every validator is new against an empty set, so all start from the same priority.
    return ValidatorSet.#build(undefined, validators, false).copyIncrementProposerPriority(1);
  }

  /** A set restored from stored state: priorities are kept as they are. */
  static restore(validators: readonly Validator[], proposerAddress?: Uint8Array): ValidatorSet {
    if (validators.length === 0) throw invalid('validator set is empty');
    const copies = validators.map((v) => clone(ValidatorSchema, v));
    checkUnique(copies);
    for (const v of copies) checkPower(v.votingPower, true);
    const set = new ValidatorSet(copies, undefined);
    if (set.totalVotingPower > VALIDATOR_TOTAL_POWER_MAX) throw invalid('total voting power too large');
    if (proposerAddress === undefined) return set;
    const proposer = set.getByAddress(proposerAddress);
    if (proposer === undefined) throw invalid('proposer is not in the set');
    return new ValidatorSet([...set.validators], proposer.validator);
  }

  get size(): number {
    return this.validators.length;
  }

  getByAddress(address: Uint8Array): { index: number; validator: Validator } | undefined {
    const index = this.#byAddress.get(toHex(address));
    return index === undefined ? undefined : { index, validator: this.validators[index]! };
  }

  getByIndex(index: number): Validator | undefined {
    return Number.isInteger(index) && index >= 0 ? this.validators[index] : undefined;
  }

  /** A copy whose proposer priorities were advanced `times` rounds (CometBFT's IncrementProposerPriority). */
  copyIncrementProposerPriority(times: number): ValidatorSet {
    assert(Number.isSafeInteger(times) && times > 0, 'times must be a positive integer');
    const vals = this.validators.map((v) => clone(ValidatorSchema, v));
    const total = this.totalVotingPower;
    rescale(vals, PROPOSER_PRIORITY_WINDOW_FACTOR * total);
    shiftByAverage(vals);
    let proposer: Validator | undefined;
    for (let i = 0; i < times; i++) {
      for (const v of vals) v.proposerPriority = clip(v.proposerPriority + v.votingPower);
      proposer = mostPriority(vals);
      proposer.proposerPriority = clip(proposer.proposerPriority - total);
    }
    return new ValidatorSet(vals, proposer);
  }

  /**
   * Applies validator updates as CometBFT's UpdateWithChangeSet: power 0 removes, a new validator
   * starts at −1.125·P (P the total after updates, before removals), then priorities are rescaled
   * and centred. The proposer is the highest-priority validator; callers advance the result with
   * copyIncrementProposerPriority(1) for the next height, as CometBFT's state transition does.
   */
  applyUpdates(changes: readonly Validator[]): ValidatorSet {
    return ValidatorSet.#build(this, changes, true);
  }

  static #build(
    base: ValidatorSet | undefined,
    changes: readonly Validator[],
    allowDeletes: boolean,
  ): ValidatorSet {
    const current = base?.validators ?? [];
    const currentTotal = base?.totalVotingPower ?? 0n;
    const find = (address: Uint8Array): Validator | undefined => base?.getByAddress(address)?.validator;
    const sorted = changes
      .map((v) => clone(ValidatorSchema, v))
      .sort((a, b) => compareBytes(a.address, b.address));
    checkUnique(sorted);
    const updates: Validator[] = [];
    const deletes: Validator[] = [];
    for (const c of sorted) {
      checkPower(c.votingPower, false);
      if (c.votingPower === 0n) deletes.push(c);
      else updates.push(c);
    }
    if (!allowDeletes && deletes.length > 0) throw invalid('a new validator set cannot remove validators');
    let removed = 0n;
    for (const d of deletes) {
      const existing = find(d.address);
      if (existing === undefined)
        throw invalid('removing an unknown validator', { address: toHex(d.address) });
      removed += existing.votingPower;
    }
    const added = updates.filter((u) => find(u.address) === undefined).length;
    if (added === 0 && current.length === deletes.length)
      throw invalid('updates would empty the validator set');
    // CometBFT checks the running total in ascending order of deltas so no intermediate sum overflows.
    const deltas = updates.map((u) => u.votingPower - (find(u.address)?.votingPower ?? 0n)).sort(cmpBigint);
    let running = currentTotal - removed;
    for (const d of deltas) {
      running += d;
      if (running > VALIDATOR_TOTAL_POWER_MAX) throw invalid('total voting power too large');
    }
    const totalBeforeRemovals = running + removed;
    for (const u of updates) {
      const existing = find(u.address);
      u.proposerPriority =
        existing === undefined
          ? -(totalBeforeRemovals + (totalBeforeRemovals >> 3n))
          : existing.proposerPriority;
    }
    const next = new Map<string, Validator>();
    for (const v of current) next.set(toHex(v.address), clone(ValidatorSchema, v));
    for (const u of updates) next.set(toHex(u.address), u);
    for (const d of deletes) next.delete(toHex(d.address));
    const vals = [...next.values()];
    if (vals.length > VALIDATORS_MAX) throw invalid('too many validators', { max: VALIDATORS_MAX });
    let total = 0n;
    for (const v of vals) total += v.votingPower;
    if (total > VALIDATOR_TOTAL_POWER_MAX) throw invalid('total voting power too large');
    rescale(vals, PROPOSER_PRIORITY_WINDOW_FACTOR * total);
    shiftByAverage(vals);
    return new ValidatorSet(vals, undefined);
  }
}

function cmpBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkPower(power: bigint, positive: boolean): void {
  if (power < 0n || (positive && power === 0n)) throw invalid(`invalid voting power ${power}`);
  if (power > VALIDATOR_TOTAL_POWER_MAX) throw invalid('voting power too large');
}

function checkUnique(vals: readonly Validator[]): void {
  const sorted = [...vals].sort((a, b) => compareBytes(a.address, b.address));
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.address.length === 0) throw invalid('validator without an address');
    if (i > 0 && compareBytes(sorted[i - 1]!.address, sorted[i]!.address) === 0)
      throw invalid('duplicate validator', { address: toHex(sorted[i]!.address) });
  }
}

/** Highest priority wins; ties go to the smaller address (CometBFT's CompareProposerPriority). */
function mostPriority(vals: readonly Validator[]): Validator {
  let best = vals[0]!;
  for (const v of vals) {
    if (
      v.proposerPriority > best.proposerPriority ||
      (v.proposerPriority === best.proposerPriority && compareBytes(v.address, best.address) < 0)
    )
      best = v;
  }
  return best;
}

/**
 * The proposer of each round of one height: round 0's is the set's proposer, and each later round
 * advances the priorities once more. Computed on demand and remembered.
 */
export class ProposerRotation {
  #set: ValidatorSet;
  readonly #byRound: Validator[] = [];

  constructor(set: ValidatorSet) {
    this.#set = set;
  }

  at(round: number): Validator {
    while (this.#byRound.length <= round) {
      if (this.#byRound.length > 0) this.#set = this.#set.copyIncrementProposerPriority(1);
      this.#byRound.push(this.#set.proposer);
    }
    return this.#byRound[round]!;
  }
}

function rescale(vals: Validator[], diffMax: bigint): void {
  if (diffMax <= 0n) return;
  let max = vals[0]!.proposerPriority;
  let min = max;
  for (const v of vals) {
    if (v.proposerPriority > max) max = v.proposerPriority;
    if (v.proposerPriority < min) min = v.proposerPriority;
  }
  const diff = max - min;
  if (diff <= diffMax) return;
  const ratio = (diff + diffMax - 1n) / diffMax;
  for (const v of vals) v.proposerPriority /= ratio;
}

function shiftByAverage(vals: Validator[]): void {
  let sum = 0n;
  for (const v of vals) sum += v.proposerPriority;
  const avg = floorDiv(sum, BigInt(vals.length));
  for (const v of vals) v.proposerPriority = clip(v.proposerPriority - avg);
}
