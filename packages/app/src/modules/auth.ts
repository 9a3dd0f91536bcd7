import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { BaseAccountSchema, PubKeySchema } from '@lattice/codec';
import { formatAddress } from '@lattice/crypto';
import { LatticeError, readU64be, u64be } from '@lattice/utils';
import { accountKey, KEY_NEXT_ACCOUNT_NUMBER } from '../keys.ts';
import type { KVStore } from '../kv.ts';

export interface AccountPubKey {
  alg: number;
  key: Uint8Array;
}

export interface Account {
  address: Uint8Array;
  pubKey: AccountPubKey | undefined;
  accountNumber: bigint;
  sequence: bigint;
}

/** Accounts, account numbers and sequences (Cosmos x/auth). */
export class AuthKeeper {
  getAccount(kv: KVStore, address: Uint8Array): Account | undefined {
    const raw = kv.get(accountKey(address));
    if (raw === undefined) return undefined;
    let acc: ReturnType<typeof fromBinary<typeof BaseAccountSchema>>;
    try {
      acc = fromBinary(BaseAccountSchema, raw);
    } catch (e) {
      throw new LatticeError('STATE_CORRUPT', `account record is undecodable: ${(e as Error).message}`);
    }
    return {
      address,
      pubKey: acc.pubKey ? { alg: acc.pubKey.algorithm, key: acc.pubKey.key } : undefined,
      accountNumber: acc.accountNumber,
      sequence: acc.sequence,
    };
  }

  setAccount(kv: KVStore, acc: Account): void {
    const msg = create(BaseAccountSchema, {
      address: formatAddress(acc.address),
      accountNumber: acc.accountNumber,
      sequence: acc.sequence,
      pubKey: acc.pubKey
        ? create(PubKeySchema, { algorithm: acc.pubKey.alg, key: acc.pubKey.key })
        : undefined,
    });
    kv.set(accountKey(acc.address), toBinary(BaseAccountSchema, msg));
  }

  /** Returns the account, creating it with the next account number when the address is new. */
  ensureAccount(kv: KVStore, address: Uint8Array): Account {
    const existing = this.getAccount(kv, address);
    if (existing) return existing;
    const acc: Account = {
      address,
      pubKey: undefined,
      accountNumber: this.#nextAccountNumber(kv),
      sequence: 0n,
    };
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
