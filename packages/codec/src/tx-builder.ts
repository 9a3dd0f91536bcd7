import { create } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import { encodeMessage } from './decode.ts';
import { CoinSchema } from './gen/lattice/base/v1/coin_pb.js';
import { PubKeySchema } from './gen/lattice/crypto/v1/keys_pb.js';
import {
  AuthInfoSchema,
  FeeSchema,
  SignerInfoSchema,
  TxBodySchema,
  TxSchema,
} from './gen/lattice/tx/v1/tx_pb.js';
import { signDocBytes } from './tx.ts';

export interface UnsignedTx {
  chainId: string;
  messages: Any[];
  memo?: string;
  timeoutHeight?: bigint;
  fee: { denom: string; amount: bigint };
  gasLimit: bigint;
  sequence: bigint;
  accountNumber: bigint;
  /** Carried on an account's first tx; later txs omit it (the chain has stored it). */
  publicKey?: { algorithm: number; key: Uint8Array };
}

/**
 * Builds and signs a transaction. Signing is a callback so this stays free of any key handling:
 * the Node SDK passes node:crypto, the browser SDK @noble/post-quantum, the node's faucet its key.
 */
export function buildSignedTx(
  unsigned: UnsignedTx,
  sign: (signBytes: Uint8Array) => Uint8Array,
): { bytes: Uint8Array; signBytes: Uint8Array } {
  const bodyBytes = encodeMessage(
    TxBodySchema,
    create(TxBodySchema, {
      messages: unsigned.messages,
      memo: unsigned.memo ?? '',
      timeoutHeight: unsigned.timeoutHeight ?? 0n,
      chainId: unsigned.chainId,
    }),
  );
  const authInfoBytes = encodeMessage(
    AuthInfoSchema,
    create(AuthInfoSchema, {
      signerInfos: [
        create(SignerInfoSchema, {
          publicKey: unsigned.publicKey ? create(PubKeySchema, unsigned.publicKey) : undefined,
          sequence: unsigned.sequence,
        }),
      ],
      fee: create(FeeSchema, {
        amount:
          unsigned.fee.amount > 0n
            ? [create(CoinSchema, { denom: unsigned.fee.denom, amount: unsigned.fee.amount.toString() })]
            : [],
        gasLimit: unsigned.gasLimit,
      }),
    }),
  );
  const signBytes = signDocBytes({
    bodyBytes,
    authInfoBytes,
    chainId: unsigned.chainId,
    accountNumber: unsigned.accountNumber,
  });
  const signature = sign(signBytes);
  const bytes = encodeMessage(
    TxSchema,
    create(TxSchema, { bodyBytes, authInfoBytes, signatures: [signature] }),
  );
  return { bytes, signBytes };
}
