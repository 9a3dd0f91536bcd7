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
}

/** Accounts, account numbers, sequences and public keys (Cosmos x/auth). */
export class AuthKeeper {
  getAccount(kv: KVStore, address: Uint8Array): Account | undefined {
    const raw = kv.get(accountKey(address));
    if (raw === undefined) return undefined;
    const { accountNumber, sequence } = decodeAccountState(raw);
    return { address, accountNumber, sequence };
  }

  setAccount(kv: KVStore, acc: Account): void {
    kv.set(accountKey(acc.address), encodeAccountState(acc.accountNumber, acc.sequence));
  }

  hasPubKey(kv: KVStore, address: Uint8Array): boolean {
    return kv.get(pubKeyKey(address)) !== undefined;
  }

  getPubKey(kv: KVStore, address: Uint8Array): AccountPubKey | undefined {
    const raw = kv.get(pubKeyKey(address));
    return raw === undefined ? undefined : decodePubKey(raw);
  }

  /** Written once, with the account's first transaction; never changes afterwards. */
  setPubKey(kv: KVStore, address: Uint8Array, pk: AccountPubKey): void {
    if (kv.get(pubKeyKey(address)) !== undefined) {
      throw new LatticeError('TX_PUBKEY_MISMATCH', 'this account already has a public key');
    }
    kv.set(pubKeyKey(address), encodePubKey(pk.alg, pk.key));
  }

  /** Returns the account, creating it with the next account number when the address is new. */
  ensureAccount(kv: KVStore, address: Uint8Array): Account {
    const existing = this.getAccount(kv, address);
    if (existing) return existing;
    const acc: Account = { address, accountNumber: this.#nextAccountNumber(kv), sequence: 0n };
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
