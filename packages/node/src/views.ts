import { type DescMessage, fromBinary, toJson } from '@bufbuild/protobuf';
import type { DecodedTx } from '@lattice/app';
import {
  type Block,
  type Commit,
  type ExecTxResult,
  MsgMultiSendSchema,
  MsgSendSchema,
  TxBodySchema,
  timestampToMs,
} from '@lattice/codec';
import { formatAddress } from '@lattice/crypto';
import { errorCodeFromNumber, to0x } from '@lattice/utils';

/** JSON shapes served by RPC. Bytes are 0x-hex, big numbers decimal strings, addresses bech32m. */

const MESSAGE_SCHEMAS = new Map<string, DescMessage>(
  [MsgSendSchema, MsgMultiSendSchema].map((s) => [`/${s.typeName}`, s]),
);

export function isoTime(ms: bigint): string {
  return new Date(Number(ms)).toISOString();
}

export function commitView(c: Commit) {
  return {
    height: c.height.toString(),
    round: c.round,
    blockHash: to0x(c.blockId?.hash ?? new Uint8Array(0)),
    signatures: c.signatures.map((s) => ({
      validator: to0x(s.validatorAddress),
      flag: s.blockIdFlag,
      timestamp: s.timestamp ? isoTime(timestampToMs(s.timestamp)) : null,
      signature: to0x(s.signature),
    })),
  };
}

export function headerView(hash: Uint8Array, block: Block) {
  const h = block.header!;
  return {
    hash: to0x(hash),
    height: h.height.toString(),
    time: isoTime(timestampToMs(h.time!)),
    chainId: h.chainId,
    proposer: to0x(h.proposerAddress),
    parentHash: to0x(h.lastBlockId?.hash ?? new Uint8Array(0)),
    appHash: to0x(h.appHash),
    dataHash: to0x(h.dataHash),
    validatorsHash: to0x(h.validatorsHash),
    lastResultsHash: to0x(h.lastResultsHash),
    lastCommitHash: to0x(h.lastCommitHash),
    txCount: block.data?.txs.length ?? 0,
  };
}

export function txView(tx: DecodedTx, location: { height: number; index: number } | undefined) {
  // Decoded when the tx was admitted, so it decodes again.
  const body = fromBinary(TxBodySchema, tx.bodyBytes);
  return {
    hash: to0x(tx.hash),
    height: location ? String(location.height) : null,
    index: location ? location.index : null,
    sender: formatAddress(tx.signer),
    sequence: tx.sequence.toString(),
    gasLimit: tx.gasLimit.toString(),
    fee: tx.fee.toString(),
    memo: tx.memo,
    timeoutHeight: tx.timeoutHeight.toString(),
    publicKey: tx.pubKey ? { algorithm: tx.pubKey.alg, key: to0x(tx.pubKey.key) } : null,
    messages: body.messages.map((m) => {
      const schema = MESSAGE_SCHEMAS.get(m.typeUrl);
      return {
        typeUrl: m.typeUrl,
        value: schema ? toJson(schema, fromBinary(schema, m.value)) : to0x(m.value),
      };
    }),
    size: tx.bytes.length,
    raw: to0x(tx.bytes),
  };
}

export function eventsView(events: ExecTxResult['events']) {
  return events.map((e) => ({
    type: e.type,
    attributes: Object.fromEntries(e.attributes.map((a) => [a.key, a.value])),
  }));
}

export function receiptView(hash: Uint8Array, location: { height: number; index: number }, r: ExecTxResult) {
  return {
    hash: to0x(hash),
    height: String(location.height),
    index: location.index,
    success: r.code === 0,
    code: r.code,
    codeName: r.code === 0 ? 'OK' : (errorCodeFromNumber(r.code) ?? 'UNKNOWN'),
    log: r.log,
    gasWanted: r.gasWanted.toString(),
    gasUsed: r.gasUsed.toString(),
    events: eventsView(r.events),
  };
}
