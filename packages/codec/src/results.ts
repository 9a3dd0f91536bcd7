import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { Event, ExecTxResult } from './gen/lattice/abci/v1/types_pb.js';

/**
 * BlockResults written with protobuf-es' low-level BinaryWriter instead of its reflective
 * encoder: a block of 3,000 transfers carries ~60,000 event messages, and reflection made this
 * the largest single cost of committing a block. Only the fields the node fills are written;
 * the bytes equal toBinary(BlockResultsSchema, …) for such messages (a test pins it).
 */
export function encodeBlockResults(
  height: bigint,
  txResults: readonly ExecTxResult[],
  appHash: Uint8Array,
): Uint8Array {
  const w = new BinaryWriter();
  if (height !== 0n) w.tag(1, WireType.Varint).uint64(height);
  for (const r of txResults) {
    w.tag(2, WireType.LengthDelimited).fork();
    writeExecTxResult(w, r);
    w.join();
  }
  if (appHash.length > 0) w.tag(6, WireType.LengthDelimited).bytes(appHash);
  return w.finish();
}

/**
 * The deterministic part of a tx result as last_results_hash commits to it (code, data, gas
 * wanted, gas used), written directly: the same bytes as toBinary of an ExecTxResult holding
 * only those fields (a test pins it), without a message per tx.
 */
export function encodeDeterministicResult(r: ExecTxResult): Uint8Array {
  const w = new BinaryWriter();
  writeDeterministicFields(w, r);
  return w.finish();
}

function writeDeterministicFields(w: BinaryWriter, r: ExecTxResult): void {
  if (r.code !== 0) w.tag(1, WireType.Varint).uint32(r.code);
  if (r.data.length > 0) w.tag(4, WireType.LengthDelimited).bytes(r.data);
  if (r.gasWanted !== 0n) w.tag(5, WireType.Varint).uint64(r.gasWanted);
  if (r.gasUsed !== 0n) w.tag(6, WireType.Varint).uint64(r.gasUsed);
}

function writeExecTxResult(w: BinaryWriter, r: ExecTxResult): void {
  if (r.code !== 0) w.tag(1, WireType.Varint).uint32(r.code);
  if (r.codespace !== '') w.tag(2, WireType.LengthDelimited).string(r.codespace);
  if (r.log !== '') w.tag(3, WireType.LengthDelimited).string(r.log);
  if (r.data.length > 0) w.tag(4, WireType.LengthDelimited).bytes(r.data);
  if (r.gasWanted !== 0n) w.tag(5, WireType.Varint).uint64(r.gasWanted);
  if (r.gasUsed !== 0n) w.tag(6, WireType.Varint).uint64(r.gasUsed);
  for (const e of r.events) {
    w.tag(7, WireType.LengthDelimited).fork();
    writeEvent(w, e);
    w.join();
  }
}

function writeEvent(w: BinaryWriter, e: Event): void {
  if (e.type !== '') w.tag(1, WireType.LengthDelimited).string(e.type);
  for (const a of e.attributes) {
    w.tag(2, WireType.LengthDelimited).fork();
    if (a.key !== '') w.tag(1, WireType.LengthDelimited).string(a.key);
    if (a.value !== '') w.tag(2, WireType.LengthDelimited).string(a.value);
    if (a.index) w.tag(3, WireType.Varint).bool(true);
    w.join();
  }
}
