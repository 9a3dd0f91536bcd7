// Encode/decode throughput of a typical ML-DSA-44-signed MsgSend transaction, against raw
// protobuf-es decoding (no limits, no canonical check) measured in the same run.
// Run: node bench/codec.ts
import { randomBytes } from 'node:crypto';
import {
  AuthInfoSchema,
  BlockSchema,
  CoinSchema,
  create,
  DataSchema,
  decodeBlock,
  decodeTx,
  encodeMessage,
  FeeSchema,
  fromBinary,
  HeaderSchema,
  MsgSendSchema,
  PubKeySchema,
  packAny,
  SignerInfoSchema,
  signDocBytes,
  TxBodySchema,
  TxSchema,
  txHash,
} from '@lattice/codec';

const PUBKEY_BYTES = 1312;
const SIGNATURE_BYTES = 2420;
const RUN_MS = 1000;

function buildTx(withPubKey: boolean): Uint8Array {
  const body = create(TxBodySchema, {
    messages: [
      packAny(
        MsgSendSchema,
        create(MsgSendSchema, {
          fromAddress: 'lat1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqsqqqqqq',
          toAddress: 'lat1zgqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqsppppppp',
          amount: [create(CoinSchema, { denom: 'udrt', amount: '1000000' })],
        }),
      ),
    ],
  });
  const authInfo = create(AuthInfoSchema, {
    signerInfos: [
      create(SignerInfoSchema, {
        publicKey: withPubKey
          ? create(PubKeySchema, { algorithm: 1, key: randomBytes(PUBKEY_BYTES) })
          : undefined,
        sequence: 12n,
      }),
    ],
    fee: create(FeeSchema, {
      amount: [create(CoinSchema, { denom: 'udrt', amount: '2000' })],
      gasLimit: 200_000n,
    }),
  });
  return encodeMessage(
    TxSchema,
    create(TxSchema, {
      bodyBytes: encodeMessage(TxBodySchema, body),
      authInfoBytes: encodeMessage(AuthInfoSchema, authInfo),
      signatures: [randomBytes(SIGNATURE_BYTES)],
    }),
  );
}

function measure(name: string, fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < RUN_MS) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    elapsed = performance.now() - start;
  }
  const perSec = (n / elapsed) * 1000;
  console.log(`${name.padEnd(52)} ${Math.round(perSec).toLocaleString('en-US').padStart(12)} /s`);
  return perSec;
}

for (const withPubKey of [true, false]) {
  const bytes = buildTx(withPubKey);
  const { tx, body, authInfo } = decodeTx(bytes);
  console.log(`\nMsgSend tx ${withPubKey ? 'with' : 'without'} public key: ${bytes.length} bytes`);
  const raw = measure('baseline: raw fromBinary Tx + TxBody + AuthInfo', () => {
    const t = fromBinary(TxSchema, bytes);
    fromBinary(TxBodySchema, t.bodyBytes);
    fromBinary(AuthInfoSchema, t.authInfoBytes);
  });
  const decoded = measure('decodeTx (limits + canonical check)', () => decodeTx(bytes));
  console.log(`${'  ratio decodeTx / baseline'.padEnd(52)} ${(decoded / raw).toFixed(2).padStart(12)}`);
  measure('encode Tx envelope', () => encodeMessage(TxSchema, tx));
  measure('encode TxBody + AuthInfo + Tx', () => {
    const t = create(TxSchema, {
      bodyBytes: encodeMessage(TxBodySchema, body),
      authInfoBytes: encodeMessage(AuthInfoSchema, authInfo),
      signatures: tx.signatures,
    });
    return encodeMessage(TxSchema, t);
  });
  measure('signDocBytes', () =>
    signDocBytes({
      bodyBytes: tx.bodyBytes,
      authInfoBytes: tx.authInfoBytes,
      chainId: 'lattice-1',
      accountNumber: 7n,
    }),
  );
  measure('txHash', () => txHash(bytes));
}

const TXS_PER_BLOCK = 5000;
const txs = Array.from({ length: TXS_PER_BLOCK }, (_, i) => buildTx(i % 10 === 0));
const blockBytes = encodeMessage(
  BlockSchema,
  create(BlockSchema, {
    header: create(HeaderSchema, { chainId: 'lattice-1', height: 1n }),
    data: create(DataSchema, { txs }),
  }),
);
console.log(`\nblock of ${TXS_PER_BLOCK} txs: ${(blockBytes.length / 1e6).toFixed(1)} MB`);
const blocks = measure('decodeBlock', () => decodeBlock(blockBytes));
console.log(
  `${'  throughput'.padEnd(52)} ${((blocks * blockBytes.length) / 1e6).toFixed(0).padStart(12)} MB/s`,
);
