import { LatticeError, readU64be, u64be } from '@lattice/utils';
import { accountKey, KEY_NEXT_ACCOUNT_NUMBER, pubKeyKey } from '../keys.ts';
import type { KVStore } from '../kv.ts';
import { decodeAccountState, decodePubKey, encodeAccountState, encodePubKey } from './account-codec.ts';

export interface AccountPubKey {
  alg: number;
  key: Uint8Array;
}

export interface Account {
  address: Uint8Array;
  accountNumber: bigint;
  sequence: bigint;
  /** Algorithm of the stored public key, 0 until the first transaction stores one. */
  pubKeyAlg: number;
}

/** Accounts, account numbers, sequences and public keys (Cosmos x/auth). */
export class AuthKeeper {
  getAccount(kv: KVStore, address: Uint8Array): Account | undefined {
    const raw = kv.get(accountKey(address));
    if (raw === undefined) return undefined;
    return { address, ...decodeAccountState(raw) };
  }

  setAccount(kv: KVStore, acc: Account): void {
    kv.set(accountKey(acc.address), encodeAccountState(acc));
  }

  getPubKey(kv: KVStore, address: Uint8Array): AccountPubKey | undefined {
    const raw = kv.get(pubKeyKey(address));
    return raw === undefined ? undefined : decodePubKey(raw);
  }

  /** Written once, with the account's first transaction; never changes afterwards. */
  setPubKey(kv: KVStore, acc: Account, pk: AccountPubKey): void {
    if (acc.pubKeyAlg !== 0)
      throw new LatticeError('TX_PUBKEY_MISMATCH', 'this account already has a public key');
    kv.set(pubKeyKey(acc.address), encodePubKey(pk.alg, pk.key));
    acc.pubKeyAlg = pk.alg;
  }

  /** Returns the account, creating it with the next account number when the address is new. */
  ensureAccount(kv: KVStore, address: Uint8Array): Account {
    const existing = this.getAccount(kv, address);
    if (existing) return existing;
    const acc: Account = { address, accountNumber: this.#nextAccountNumber(kv), sequence: 0n, pubKeyAlg: 0 };
    this.setAccount(kv, acc);
    return acc;
  }

  #nextAccountNumber(kv: KVStore): bigint {
    const raw = kv.get(KEY_NEXT_ACCOUNT_NUMBER);
    const n = raw === undefined ? 0n : readU64be(raw);
    kv.set(KEY_NEXT_ACCOUNT_NUMBER, u64be(n + 1n));
    return n;
  }
}
