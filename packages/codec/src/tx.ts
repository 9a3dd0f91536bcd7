import { TX_BYTES_MAX, TX_MESSAGES_MAX, TX_SIGNATURES_MAX } from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import { decodeMessage } from './decode.ts';
import {
  type AuthInfo,
  AuthInfoSchema,
  type Tx,
  type TxBody,
  TxBodySchema,
  TxSchema,
} from './gen/lattice/tx/v1/tx_pb.js';
import { sha256 } from './sha256.ts';
import { lenFieldSize, SizedWriter, utf8Size, varint64Size, WIRE_LEN, WIRE_VARINT } from './sized-writer.ts';

export interface DecodedTx {
  tx: Tx;
  body: TxBody;
  authInfo: AuthInfo;
}

/**
 * Decodes a transaction and its body and auth info, all canonically (the outer Tx is not
 * signed, so a lenient decoder would let anyone change a tx's hash). Checks the counts that
 * need no state: 1..TX_SIGNATURES_MAX signatures, one signer info per signature, at most
 * TX_MESSAGES_MAX messages (TX_MALFORMED). Zero messages, memo, fee and message contents are
 * left to the app, which has specific codes for them.
 */
export function decodeTx(bytes: Uint8Array): DecodedTx {
  const tx = decodeMessage(TxSchema, bytes, TX_BYTES_MAX, 'Tx');
  const signatures = tx.signatures.length;
  if (signatures === 0 || signatures > TX_SIGNATURES_MAX) {
    throw new LatticeError(
      'TX_MALFORMED',
      `a tx needs 1 to ${TX_SIGNATURES_MAX} signatures, got ${signatures}`,
      {
        signatures,
        max: TX_SIGNATURES_MAX,
      },
    );
  }
  const body = decodeMessage(TxBodySchema, tx.bodyBytes, TX_BYTES_MAX, 'TxBody');
  if (body.messages.length > TX_MESSAGES_MAX) {
    throw new LatticeError('TX_MALFORMED', `a tx holds at most ${TX_MESSAGES_MAX} messages`, {
      messages: body.messages.length,
      max: TX_MESSAGES_MAX,
    });
  }
  const authInfo = decodeMessage(AuthInfoSchema, tx.authInfoBytes, TX_BYTES_MAX, 'AuthInfo');
  if (authInfo.signerInfos.length !== signatures) {
    throw new LatticeError(
      'TX_MALFORMED',
      'the number of signer infos differs from the number of signatures',
      {
        signerInfos: authInfo.signerInfos.length,
        signatures,
      },
    );
  }
  return { tx, body, authInfo };
}

/** The tx hash: SHA-256 of the exact tx bytes. */
export function txHash(txBytes: Uint8Array): Uint8Array {
  return sha256(txBytes);
}

export interface SignDocFields {
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  chainId: string;
  accountNumber: bigint;
}

/**
 * The bytes a tx signer signs: the canonical encoding of SignDoc, written directly into one
 * buffer because every tx needs it at admission (byte-identical to toBinary; a test pins it).
 */
export function signDocBytes(doc: SignDocFields): Uint8Array {
  const { bodyBytes, authInfoBytes, chainId, accountNumber } = doc;
  const chainIdLen = utf8Size(chainId);
  const w = new SizedWriter(
    (bodyBytes.length > 0 ? lenFieldSize(bodyBytes.length) : 0) +
      (authInfoBytes.length > 0 ? lenFieldSize(authInfoBytes.length) : 0) +
      (chainId !== '' ? lenFieldSize(chainIdLen) : 0) +
      (accountNumber !== 0n ? 1 + varint64Size(accountNumber) : 0),
  );
  if (bodyBytes.length > 0) w.tag(1, WIRE_LEN).lenBytes(bodyBytes);
  if (authInfoBytes.length > 0) w.tag(2, WIRE_LEN).lenBytes(authInfoBytes);
  if (chainId !== '') w.tag(3, WIRE_LEN).lenString(chainId, chainIdLen);
  if (accountNumber !== 0n) w.tag(4, WIRE_VARINT).varint64(accountNumber);
  return w.finish();
}
