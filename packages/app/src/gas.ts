import {
  GAS_DELETE_FLAT,
  GAS_READ_FLAT,
  GAS_READ_PER_BYTE,
  GAS_WRITE_FLAT,
  GAS_WRITE_PER_BYTE,
} from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import type { KVStore } from './kv.ts';

/** Counts gas against a limit; exceeding it aborts the transaction with TX_OUT_OF_GAS. */
export class GasMeter {
  readonly limit: bigint;
  #used = 0n;

  constructor(limit: bigint) {
    this.limit = limit;
  }

  get used(): bigint {
    return this.#used;
  }

  consume(amount: bigint, descriptor: string): void {
    this.#used += amount;
    if (this.#used > this.limit) {
      throw new LatticeError(
        'TX_OUT_OF_GAS',
        `out of gas in ${descriptor}: used ${this.#used}, limit ${this.limit}`,
        {
          gasUsed: this.#used.toString(),
          gasLimit: this.limit.toString(),
        },
      );
    }
  }
}

/** A KVStore that charges the gas schedule for every read and write it passes through. */
export class GasKV implements KVStore {
  readonly #inner: KVStore;
  readonly #meter: GasMeter;

  constructor(inner: KVStore, meter: GasMeter) {
    this.#inner = inner;
    this.#meter = meter;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.#inner.get(key);
    this.#meter.consume(
      GAS_READ_FLAT + GAS_READ_PER_BYTE * BigInt(key.length + (v?.length ?? 0)),
      'state read',
    );
    return v;
  }

  has(key: Uint8Array): boolean {
    this.#meter.consume(GAS_READ_FLAT + GAS_READ_PER_BYTE * BigInt(key.length), 'state read');
    return this.#inner.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#meter.consume(
      GAS_WRITE_FLAT + GAS_WRITE_PER_BYTE * BigInt(key.length + value.length),
      'state write',
    );
    this.#inner.set(key, value);
  }

  delete(key: Uint8Array): void {
    this.#meter.consume(GAS_DELETE_FLAT, 'state delete');
    this.#inner.delete(key);
  }
}
