import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type Metadata, MetadataSchema } from '@lattice/codec';
import { formatAddress } from '@lattice/crypto';
import { LatticeError } from '@lattice/utils';
import { addAmounts, type Coin, decodeAmount, encodeAmount } from '../amount.ts';
import { balanceKey, denomMetadataKey, supplyKey } from '../keys.ts';
import type { KVStore } from '../kv.ts';
import type { AuthKeeper } from './auth.ts';

/** Multi-denom balances, total supply per denom and denom metadata (Cosmos x/bank). */
export class BankKeeper {
  readonly #auth: AuthKeeper;

  constructor(auth: AuthKeeper) {
    this.#auth = auth;
  }

  getBalance(kv: KVStore, address: Uint8Array, denom: string): bigint {
    return decodeAmount(kv.get(balanceKey(address, denom)));
  }

  #setBalance(kv: KVStore, address: Uint8Array, denom: string, amount: bigint): void {
    const key = balanceKey(address, denom);
    // Zero balances are deleted so that state holds only what exists.
    if (amount === 0n) kv.delete(key);
    else kv.set(key, encodeAmount(amount));
  }

  getSupply(kv: KVStore, denom: string): bigint {
    return decodeAmount(kv.get(supplyKey(denom)));
  }

  getDenomMetadata(kv: KVStore, denom: string): Metadata | undefined {
    const raw = kv.get(denomMetadataKey(denom));
    return raw === undefined ? undefined : fromBinary(MetadataSchema, raw);
  }

  setDenomMetadata(kv: KVStore, meta: Metadata): void {
    kv.set(denomMetadataKey(meta.base), toBinary(MetadataSchema, create(MetadataSchema, meta)));
  }

  /** Only denominations registered with metadata can move: a typo must not burn funds. */
  requireKnownDenom(kv: KVStore, denom: string): void {
    if (kv.get(denomMetadataKey(denom)) === undefined) {
      throw new LatticeError('TX_UNKNOWN_DENOM', `denomination "${denom}" does not exist on this chain`, {
        denom,
      });
    }
  }

  /** Genesis-only: creates coins, raising total supply. */
  mint(kv: KVStore, to: Uint8Array, coins: readonly Coin[]): void {
    this.#auth.ensureAccount(kv, to);
    for (const c of coins) {
      this.#setBalance(kv, to, c.denom, addAmounts(this.getBalance(kv, to, c.denom), c.amount, 'balance'));
      kv.set(supplyKey(c.denom), encodeAmount(addAmounts(this.getSupply(kv, c.denom), c.amount, 'supply')));
    }
  }

  subtract(kv: KVStore, from: Uint8Array, coins: readonly Coin[]): void {
    for (const c of coins) {
      const have = this.getBalance(kv, from, c.denom);
      if (have < c.amount) {
        throw new LatticeError(
          'TX_INSUFFICIENT_FUNDS',
          `${formatAddress(from)} has ${have}${c.denom}, needs ${c.amount}${c.denom}`,
          { denom: c.denom, have: have.toString(), need: c.amount.toString() },
        );
      }
      this.#setBalance(kv, from, c.denom, have - c.amount);
    }
  }

  add(kv: KVStore, to: Uint8Array, coins: readonly Coin[]): void {
    let ensured = false;
    for (const c of coins) {
      const have = this.getBalance(kv, to, c.denom);
      // An address holding any coin already has an account; only a first receipt creates one.
      if (have === 0n && !ensured) {
        this.#auth.ensureAccount(kv, to);
        ensured = true;
      }
      this.#setBalance(kv, to, c.denom, addAmounts(have, c.amount, 'balance'));
    }
  }

  /** Moves coins; events are the message handler's business (it has the address strings). */
  send(kv: KVStore, from: Uint8Array, to: Uint8Array, coins: readonly Coin[]): void {
    for (const c of coins) this.requireKnownDenom(kv, c.denom);
    this.subtract(kv, from, coins);
    this.add(kv, to, coins);
  }
}
