import { type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { equalBytes, LatticeError } from '@lattice/utils';
import { canonicalPlan, isCanonicalEncoding } from './canonical.ts';

export interface DecodeOptions {
  /**
   * Require the canonical encoding (default true): re-encoding the decoded message must give
   * the input back, byte for byte. That rejects unknown fields, duplicated or out-of-order
   * fields, non-minimal varints, unpacked repeated scalars and explicit default values, so one
   * message has exactly one encoding and a hash of the bytes identifies the message. When
   * false, any valid protobuf is accepted and unknown fields are dropped, never kept.
   */
  canonical?: boolean;
}

// Unknown fields are never kept: a kept field would survive re-encoding and hide in hashes.
const READ_OPTIONS = { readUnknownFields: false } as const;
const WRITE_OPTIONS = { writeUnknownFields: false } as const;

/** Rejects non-bytes and oversized input before any parsing work is done. */
export function checkSize(bytes: unknown, maxBytes: number, what: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new LatticeError('DECODE_FAILED', `cannot decode ${what}: input is not bytes`, { what });
  }
  if (bytes.length > maxBytes) {
    throw new LatticeError(
      'DECODE_TOO_LARGE',
      `${what} is ${bytes.length} bytes, more than the limit of ${maxBytes}`,
      { what, size: bytes.length, max: maxBytes },
    );
  }
}

/**
 * Decodes `bytes` as `schema`. Throws only LatticeError: DECODE_TOO_LARGE (checked before
 * parsing) or DECODE_FAILED. Bytes fields of the result are views into `bytes`, not copies.
 */
export function decodeMessage<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  maxBytes: number,
  what: string,
  options?: DecodeOptions,
): MessageShape<Desc> {
  checkSize(bytes, maxBytes, what);
  let msg: MessageShape<Desc>;
  try {
    msg = fromBinary(schema, bytes, READ_OPTIONS);
  } catch (e) {
    throw new LatticeError('DECODE_FAILED', `cannot decode ${what}: ${errorText(e)}`, { what }, { cause: e });
  }
  if (options?.canonical !== false && !isCanonical(schema, msg, bytes, what)) {
    throw new LatticeError(
      'DECODE_FAILED',
      `${what} is not canonically encoded (unknown, repeated or unordered fields, or non-minimal integers)`,
      { what },
    );
  }
  return msg;
}

function isCanonical<Desc extends DescMessage>(
  schema: Desc,
  msg: MessageShape<Desc>,
  bytes: Uint8Array,
  what: string,
): boolean {
  const plan = canonicalPlan(schema);
  return plan !== null ? isCanonicalEncoding(plan, bytes) : equalBytes(reencode(schema, msg, what), bytes);
}

function reencode<Desc extends DescMessage>(schema: Desc, msg: MessageShape<Desc>, what: string): Uint8Array {
  try {
    return toBinary(schema, msg, WRITE_OPTIONS);
  } catch (e) {
    throw new LatticeError(
      'DECODE_FAILED',
      `cannot re-encode ${what}: ${errorText(e)}`,
      { what },
      { cause: e },
    );
  }
}

/**
 * The canonical encoding of `msg` (fields in number order, defaults omitted, no unknown
 * fields). Out-of-range values are an INVALID_ARGUMENT.
 */
export function encodeMessage<Desc extends DescMessage>(schema: Desc, msg: MessageShape<Desc>): Uint8Array {
  try {
    return toBinary(schema, msg, WRITE_OPTIONS);
  } catch (e) {
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `cannot encode ${schema.typeName}: ${errorText(e)}`,
      { what: schema.typeName },
      { cause: e },
    );
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : 'invalid encoding';
}
