import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { LastSignRecord } from '@lattice/consensus';
import { fromHex, LatticeError } from '@lattice/utils';
import { writeFileAtomic } from '../files.ts';

/**
 * The validator's last-sign state (CometBFT's priv_validator_state), written before every
 * signature is released. It sits on the critical path of every proposal and vote, so it is not
 * rewritten through a temporary file and a rename: the rename and the directory fsync force a
 * journal commit, which on ext4 first flushes every file's pending data (the WAL's blocks, the
 * block store), and under load that took 5–7 ms at the median and 20–30 ms at p99 per signature.
 * Instead the file holds two fixed slots written in place, alternately, each followed by an
 * fdatasync (no size or metadata change, so no journal commit):
 *
 *   slot = magic u32 | sequence u64 | height u64 | round u32 | step u8 | 0 u8 u16
 *          | sign-bytes length u32 | signature length u32 | sign bytes | signature | zeros…
 *          | crc32 of everything before it (last 4 bytes of the slot)
 *
 * The slot with the higher sequence and a good checksum is the state. A write torn by a crash
 * leaves a bad checksum in one slot while the other still holds the previous state, whose
 * signature was the last one released (a signature is released only after its slot is synced).
 */
const MAGIC = 0x4c535331; // "LSS1"
/** Room for the largest consensus signature (SLH-DSA-SHA2-128s: 7,856 bytes) and its sign bytes. */
const SLOT_BYTES = 16 * 1024;
const HEADER_BYTES = 36;
const CRC_BYTES = 4;
const PAYLOAD_BYTES_MAX = SLOT_BYTES - HEADER_BYTES - CRC_BYTES;

type Slot =
  | { kind: 'empty' }
  | { kind: 'torn' }
  | { kind: 'state'; sequence: bigint; record: LastSignRecord };

export class SignStateFile {
  readonly #fd: number;
  #sequence: bigint;
  /** The slot the next write goes to: never the one holding the current state. */
  #next: number;

  private constructor(fd: number, sequence: bigint, next: number) {
    this.#fd = fd;
    this.#sequence = sequence;
    this.#next = next;
  }

  /**
   * Opens (or creates, zero-filled and synced) the state file and reads the current state. A
   * missing file with a JSON state at `legacyJsonPath` (the format before this one) starts from
   * that state. Throws STATE_CORRUPT when neither slot holds a state and the file is not new:
   * signing without knowing what was signed last could equivocate.
   */
  static open(
    path: string,
    legacyJsonPath?: string,
  ): { file: SignStateFile; last: LastSignRecord | undefined } {
    // Both slots zeroed, and the file durably in its directory, before any state goes into it.
    if (!existsSync(path)) writeFileAtomic(path, new Uint8Array(2 * SLOT_BYTES), 0o600);
    const bytes = readFileSync(path);
    if (bytes.length !== 2 * SLOT_BYTES) corrupt(path, `${bytes.length} bytes, expected ${2 * SLOT_BYTES}`);
    const slots = [0, 1].map((i) => readSlot(bytes.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES)));
    const states = slots.flatMap((s, i) => (s.kind === 'state' ? [{ ...s, index: i }] : []));
    if (states.length === 0 && slots.every((s) => s.kind === 'torn'))
      corrupt(path, 'no slot holds a valid state');
    const latest = states.sort((a, b) => (a.sequence < b.sequence ? 1 : -1))[0];
    const file = new SignStateFile(
      openSync(path, 'r+'),
      latest?.sequence ?? 0n,
      latest === undefined ? 0 : 1 - latest.index,
    );
    if (latest !== undefined) return { file, last: latest.record };
    // A new file (or a first write torn before its signature was released): the legacy state, if any.
    const legacy = legacyJsonPath === undefined ? undefined : readLegacyJson(legacyJsonPath);
    if (legacy !== undefined) file.write(legacy);
    return { file, last: legacy };
  }

  /** Makes `r` the state on disk; durable when this returns. I/O errors are thrown. */
  write(r: LastSignRecord): void {
    const payload = r.signBytes.length + r.signature.length;
    if (payload > PAYLOAD_BYTES_MAX) {
      throw new LatticeError('LIMIT_EXCEEDED', `sign state of ${payload} bytes exceeds ${PAYLOAD_BYTES_MAX}`);
    }
    const sequence = this.#sequence + 1n;
    const slot = Buffer.alloc(SLOT_BYTES);
    slot.writeUInt32BE(MAGIC, 0);
    slot.writeBigUInt64BE(sequence, 4);
    slot.writeBigUInt64BE(r.height, 12);
    slot.writeUInt32BE(r.round, 20);
    slot.writeUInt8(r.step, 24);
    slot.writeUInt32BE(r.signBytes.length, 28);
    slot.writeUInt32BE(r.signature.length, 32);
    slot.set(r.signBytes, HEADER_BYTES);
    slot.set(r.signature, HEADER_BYTES + r.signBytes.length);
    slot.writeUInt32BE(crc32(slot.subarray(0, SLOT_BYTES - CRC_BYTES)), SLOT_BYTES - CRC_BYTES);
    writeSync(this.#fd, slot, 0, SLOT_BYTES, this.#next * SLOT_BYTES);
    fdatasyncSync(this.#fd);
    this.#sequence = sequence;
    this.#next = 1 - this.#next;
  }

  close(): void {
    closeSync(this.#fd);
  }
}

function readSlot(b: Buffer): Slot {
  if (b.every((x) => x === 0)) return { kind: 'empty' };
  const bodyEnd = SLOT_BYTES - CRC_BYTES;
  if (b.readUInt32BE(0) !== MAGIC || b.readUInt32BE(bodyEnd) !== crc32(b.subarray(0, bodyEnd))) {
    return { kind: 'torn' };
  }
  const signBytesLength = b.readUInt32BE(28);
  const signatureLength = b.readUInt32BE(32);
  if (signBytesLength + signatureLength > PAYLOAD_BYTES_MAX) return { kind: 'torn' };
  const signBytesEnd = HEADER_BYTES + signBytesLength;
  return {
    kind: 'state',
    sequence: b.readBigUInt64BE(4),
    record: {
      height: b.readBigUInt64BE(12),
      round: b.readUInt32BE(20),
      step: b.readUInt8(24),
      signBytes: new Uint8Array(b.subarray(HEADER_BYTES, signBytesEnd)),
      signature: new Uint8Array(b.subarray(signBytesEnd, signBytesEnd + signatureLength)),
    },
  };
}

interface LegacyJson {
  height: string;
  round: number;
  step: number;
  sign_bytes: string;
  signature: string;
}

function readLegacyJson(path: string): LastSignRecord | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const f = JSON.parse(readFileSync(path, 'utf8')) as LegacyJson;
    return {
      height: BigInt(f.height),
      round: f.round,
      step: f.step,
      signBytes: fromHex(f.sign_bytes),
      signature: fromHex(f.signature),
    };
  } catch (e) {
    return corrupt(path, (e as Error).message);
  }
}

function corrupt(path: string, why: string): never {
  throw new LatticeError('STATE_CORRUPT', `validator sign state ${path} is unreadable: ${why}`);
}
