import { toBinary } from '@bufbuild/protobuf';
import {
  type Block,
  CommitSchema,
  EvidenceListSchema,
  HeaderSchema,
} from './gen/lattice/types/v1/types_pb.js';

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

/**
 * Encodes a block into one buffer sized up front. The txs are most of a block's bytes (megabytes
 * at full load); the reflective encoder copies them through a chunked writer twice. Header,
 * evidence and commit are small and go through toBinary. Same bytes as toBinary(BlockSchema, b)
 * (a test pins it).
 */
export function encodeBlock(block: Block): Uint8Array {
  const header = block.header ? toBinary(HeaderSchema, block.header) : undefined;
  const evidence = block.evidence ? toBinary(EvidenceListSchema, block.evidence) : undefined;
  const commit = block.lastCommit ? toBinary(CommitSchema, block.lastCommit) : undefined;
  const txs = block.data?.txs;
  let dataLen = 0;
  if (txs) for (const tx of txs) dataLen += 1 + varintSize(tx.length) + tx.length;
  const field = (len: number | undefined) => (len === undefined ? 0 : 1 + varintSize(len) + len);
  const total =
    field(header?.length) +
    (block.data ? field(dataLen) : 0) +
    field(evidence?.length) +
    field(commit?.length);
  const out = new Uint8Array(total);
  let pos = 0;
  const put = (tag: number, bytes: Uint8Array | undefined) => {
    if (bytes === undefined) return;
    out[pos++] = tag;
    pos = writeVarint(out, pos, bytes.length);
    out.set(bytes, pos);
    pos += bytes.length;
  };
  put(0x0a, header);
  if (block.data) {
    out[pos++] = 0x12;
    pos = writeVarint(out, pos, dataLen);
    for (const tx of txs ?? []) put(0x0a, tx);
  }
  put(0x1a, evidence);
  put(0x22, commit);
  return out;
}
