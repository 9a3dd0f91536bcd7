import { create } from '@bufbuild/protobuf';
import { buildSignedTx, CoinSchema, MsgExecuteContractSchema, MsgSendSchema, packAny } from '@lattice/codec';
import {
  ALG_ML_DSA_44,
  addressFromPublicKey,
  privateKeyFromSeed,
  SIGN_CONTEXT_TX,
  sha256,
} from '@lattice/crypto';
import { utf8 } from '@lattice/utils';

export interface TransferPlan {
  chainId: string;
  accounts: number;
  txsPerAccount: number;
  gasLimit: bigint;
  fee: bigint;
  /** A token contract: each tx then executes its transfer of 1 unit instead of a bank send. */
  token?: string;
}

/** Bench account i: a deterministic ML-DSA-44 key, so pre-signed txs can be cached across runs. */
export function benchKey(i: number) {
  return privateKeyFromSeed(ALG_ML_DSA_44, sha256(utf8(`lattice-bench-account-${i}`)));
}

export function benchAddress(i: number): string {
  const k = benchKey(i);
  return addressFromPublicKey(k.alg, k.publicKey);
}

/** Genesis balances for bench accounts 0…n-1 (created first, so account i has number i). */
export function benchGenesisAccounts(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    address: benchAddress(i),
    coins: [{ denom: 'udrt', amount: 10n ** 15n }],
  }));
}

/**
 * Signs `txsPerAccount` transfers for accounts [from, to): account i sends 1udrt to account i+1
 * with sequences 0, 1, …; its account number is i (genesis creates the bench accounts first).
 */
export function signTransfers(plan: TransferPlan, from: number, to: number): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = from; i < to; i++) {
    const key = benchKey(i);
    const sender = addressFromPublicKey(key.alg, key.publicKey);
    const recipient = benchAddress((i + 1) % plan.accounts);
    const txs: Uint8Array[] = [];
    for (let seq = 0; seq < plan.txsPerAccount; seq++) {
      const message =
        plan.token === undefined
          ? packAny(
              MsgSendSchema,
              create(MsgSendSchema, {
                fromAddress: sender,
                toAddress: recipient,
                amount: [create(CoinSchema, { denom: 'udrt', amount: '1' })],
              }),
            )
          : packAny(
              MsgExecuteContractSchema,
              create(MsgExecuteContractSchema, {
                sender,
                contract: plan.token,
                msg: utf8(JSON.stringify({ transfer: { recipient, amount: '1' } })),
              }),
            );
      txs.push(
        buildSignedTx(
          {
            chainId: plan.chainId,
            messages: [message],
            fee: { denom: 'udrt', amount: plan.fee },
            gasLimit: plan.gasLimit,
            sequence: BigInt(seq),
            accountNumber: BigInt(i),
            publicKey: seq === 0 ? { algorithm: key.alg, key: key.publicKey } : undefined,
          },
          (b) => key.sign(b, SIGN_CONTEXT_TX),
        ).bytes,
      );
    }
    out.push(txs);
  }
  return out;
}
