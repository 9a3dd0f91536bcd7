import { toBinary } from '@bufbuild/protobuf';
import {
  type Block,
  CommitSchema,
  EvidenceListSchema,
  HeaderSchema,
} from './gen/lattice/types/v1/types_pb.js';
import { lenFieldSize, SizedWriter, WIRE_LEN } from './sized-writer.ts';

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
  const txs = block.data?.txs ?? [];
  let dataLen = 0;
  for (const tx of txs) dataLen += lenFieldSize(tx.length);
  const field = (bytes: Uint8Array | undefined) => (bytes === undefined ? 0 : lenFieldSize(bytes.length));
  const w = new SizedWriter(
    field(header) + (block.data ? lenFieldSize(dataLen) : 0) + field(evidence) + field(commit),
  );
  const put = (fieldNo: number, bytes: Uint8Array | undefined) => {
    if (bytes !== undefined) w.tag(fieldNo, WIRE_LEN).lenBytes(bytes);
  };
  put(1, header);
  if (block.data) {
    w.tag(2, WIRE_LEN).varint(dataLen);
    for (const tx of txs) put(1, tx);
  }
  put(3, evidence);
  put(4, commit);
  return w.finish();
}
