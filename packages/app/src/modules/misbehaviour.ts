import { concatBytes, LatticeError, readU64be, u64be } from '@lattice/utils';
import { PREFIX_MISBEHAVIOUR } from '../keys.ts';
import type { KVStore } from '../kv.ts';

/** Misbehaviour the consensus engine proved with evidence committed in a block. */
export interface Misbehaviour {
  kind: 'duplicate-vote';
  /** The validator's consensus address. */
  validator: Uint8Array;
  /** Height the validator misbehaved at. */
  height: bigint;
  /** Its voting power then, and the set's total. */
  power: bigint;
  totalPower: bigint;
}

export interface MisbehaviourRecord extends Misbehaviour {
  /** Height of the block whose evidence reported it. */
  reportedAt: bigint;
}

const KIND_DUPLICATE_VOTE = 1;
const RECORD_BYTES = 1 + 8 + 8 + 8;

function key(validator: Uint8Array, height: bigint): Uint8Array {
  return concatBytes(new Uint8Array([PREFIX_MISBEHAVIOUR]), validator, u64be(height));
}

/**
 * Records of proven misbehaviour, one per validator and height, kept in state so every node
 * knows exactly which evidence was already committed (a second one for the same validator and
 * height is refused) and so staking can slash from them once it exists.
 */
export class MisbehaviourKeeper {
  record(kv: KVStore, m: Misbehaviour, reportedAt: bigint): void {
    const value = new Uint8Array(RECORD_BYTES);
    value[0] = KIND_DUPLICATE_VOTE;
    value.set(u64be(m.power), 1);
    value.set(u64be(m.totalPower), 9);
    value.set(u64be(reportedAt), 17);
    kv.set(key(m.validator, m.height), value);
  }

  get(kv: KVStore, validator: Uint8Array, height: bigint): MisbehaviourRecord | undefined {
    const v = kv.get(key(validator, height));
    if (v === undefined) return undefined;
    if (v.length !== RECORD_BYTES || v[0] !== KIND_DUPLICATE_VOTE) {
      throw new LatticeError('STATE_CORRUPT', 'unreadable misbehaviour record');
    }
    return {
      kind: 'duplicate-vote',
      validator,
      height,
      power: readU64be(v.subarray(1, 9)),
      totalPower: readU64be(v.subarray(9, 17)),
      reportedAt: readU64be(v.subarray(17, 25)),
    };
  }
}
