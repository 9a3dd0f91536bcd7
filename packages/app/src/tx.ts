import { decodeTx as decodeTxEnvelope, txHash } from '@lattice/codec';
import { getScheme } from '@lattice/crypto';
import {
  DENOM_DRT,
  TX_BYTES_MAX,
  TX_GAS_LIMIT_MAX,
  TX_MEMO_MAX_BYTES,
  TX_MESSAGES_MAX,
} from '@lattice/params';
import { equalBytes, isLatticeError, LatticeError, parseAmount, toHex, utf8 } from '@lattice/utils';
import { type ValidatedMsg, validateMessage } from './msgs.ts';

export interface TxPubKey {
  alg: number;
  key: Uint8Array;
}

/** A transaction after every check that needs no state: what the ante handler works from. */
export interface DecodedTx {
  bytes: Uint8Array;
  hash: Uint8Array;
  hashHex: string;
  /**
   * The decoded body and auth info are not kept: a tx waits in the mempool for a second or two,
   * and their message objects were half of what each waiting tx held on the heap (garbage the
   * collector copied and marked over and over). Views decode bodyBytes again when they need it.
   */
  memo: string;
  timeoutHeight: bigint;
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  msgs: ValidatedMsg[];
  signer: Uint8Array;
  pubKey: TxPubKey | undefined;
  sequence: bigint;
  gasLimit: bigint;
  fee: bigint;
  signature: Uint8Array;
}

/** The first check on any tx bytes, before hashing or decoding them. */
export function assertTxSize(bytes: Uint8Array): void {
  if (bytes.length > TX_BYTES_MAX) {
    throw new LatticeError(
      'TX_TOO_LARGE',
      `transaction is ${bytes.length} bytes, the limit is ${TX_BYTES_MAX}`,
      {
        size: bytes.length,
        max: TX_BYTES_MAX,
      },
    );
  }
}

/** Decodes and validates a transaction statelessly; every failure is a LatticeError with a TX_ code. */
export function decodeTx(bytes: Uint8Array, chainId: string, knownHash?: Uint8Array): DecodedTx {
  assertTxSize(bytes);
  let envelope: ReturnType<typeof decodeTxEnvelope>;
  try {
    envelope = decodeTxEnvelope(bytes);
  } catch (e) {
    if (isLatticeError(e, 'DECODE_TOO_LARGE')) throw new LatticeError('TX_TOO_LARGE', e.message, e.meta);
    if (isLatticeError(e) && e.code.startsWith('TX_')) throw e;
    throw new LatticeError('TX_MALFORMED', `transaction is not valid protobuf: ${(e as Error).message}`);
  }
  const { tx, body, authInfo } = envelope;
  if (body.messages.length === 0) throw new LatticeError('TX_NO_MESSAGES', 'transaction has no messages');
  if (body.messages.length > TX_MESSAGES_MAX) {
    throw new LatticeError('TX_MALFORMED', `transaction has more than ${TX_MESSAGES_MAX} messages`);
  }
  if (utf8(body.memo).length > TX_MEMO_MAX_BYTES) {
    throw new LatticeError('TX_INVALID_MEMO', `memo is longer than ${TX_MEMO_MAX_BYTES} bytes`);
  }
  const msgs = body.messages.map(validateMessage);
  const signer = msgs[0]!.signer;
  if (!msgs.every((m) => equalBytes(m.signer, signer))) {
    throw new LatticeError('TX_UNAUTHORIZED', 'all messages of a transaction must have the same signer');
  }
  if (body.chainId !== chainId) {
    throw new LatticeError(
      'TX_WRONG_CHAIN_ID',
      `transaction is for chain "${body.chainId.slice(0, 64)}", this is "${chainId}"`,
      {
        expected: chainId,
        got: body.chainId.slice(0, 64),
      },
    );
  }
  if (authInfo.signerInfos.length !== 1 || tx.signatures.length !== 1) {
    throw new LatticeError('TX_MALFORMED', 'transaction must have exactly one signer and one signature');
  }
  const signerInfo = authInfo.signerInfos[0]!;
  let pubKey: TxPubKey | undefined;
  if (signerInfo.publicKey) {
    const alg = signerInfo.publicKey.algorithm;
    let expectedBytes: number;
    try {
      expectedBytes = getScheme(alg).publicKeyBytes;
    } catch {
      throw new LatticeError('TX_UNKNOWN_ALGORITHM', `signature algorithm ${alg} is not supported`, { alg });
    }
    if (signerInfo.publicKey.key.length !== expectedBytes) {
      throw new LatticeError(
        'TX_MALFORMED',
        `public key is ${signerInfo.publicKey.key.length} bytes, expected ${expectedBytes}`,
      );
    }
    pubKey = { alg, key: signerInfo.publicKey.key };
  }
  const fee = authInfo.fee;
  if (!fee) throw new LatticeError('TX_INVALID_FEE', 'transaction has no fee');
  const gasLimit = fee.gasLimit;
  if (gasLimit > TX_GAS_LIMIT_MAX) {
    throw new LatticeError(
      'TX_GAS_LIMIT_TOO_HIGH',
      `gas limit ${gasLimit} exceeds the maximum ${TX_GAS_LIMIT_MAX}`,
    );
  }
  let feeAmount = 0n;
  if (fee.amount.length > 1 || (fee.amount.length === 1 && fee.amount[0]!.denom !== DENOM_DRT)) {
    throw new LatticeError('TX_INVALID_FEE', `fees are paid in ${DENOM_DRT} only`);
  }
  if (fee.amount.length === 1) feeAmount = parseAmount(fee.amount[0]!.amount, 'fee');
  const hash = knownHash ?? txHash(bytes);
  return {
    bytes,
    hash,
    hashHex: toHex(hash),
    memo: body.memo,
    timeoutHeight: body.timeoutHeight,
    bodyBytes: tx.bodyBytes,
    authInfoBytes: tx.authInfoBytes,
    msgs,
    signer,
    pubKey,
    sequence: signerInfo.sequence,
    gasLimit,
    fee: feeAmount,
    signature: tx.signatures[0]!,
  };
}
