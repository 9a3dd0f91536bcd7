import { create } from '@bufbuild/protobuf';
import { type Timestamp, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { LatticeError } from '@lattice/utils';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const NANOS_PER_MS = 1_000_000;
const NANOS_MAX = 999_999_999;

/** A Timestamp from Unix milliseconds; negative values round toward minus infinity, as protobuf requires. */
export function timestampFromMs(ms: bigint | number): Timestamp {
  let value: bigint;
  if (typeof ms === 'bigint') value = ms;
  else if (Number.isSafeInteger(ms)) value = BigInt(ms);
  else
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `timestamp milliseconds must be an integer, got ${String(ms)}`,
    );
  let seconds = value / 1000n;
  let rest = value % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    seconds -= 1n;
  }
  if (seconds < INT64_MIN || seconds > INT64_MAX) {
    throw new LatticeError('INVALID_ARGUMENT', 'timestamp out of range');
  }
  return create(TimestampSchema, { seconds, nanos: Number(rest) * NANOS_PER_MS });
}

/** Unix milliseconds of a Timestamp, sub-millisecond nanos truncated. Invalid nanos are an INVALID_ARGUMENT. */
export function timestampToMs(ts: Timestamp): bigint {
  if (!Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos > NANOS_MAX) {
    throw new LatticeError('INVALID_ARGUMENT', `timestamp nanos out of range: ${ts.nanos}`);
  }
  return ts.seconds * 1000n + BigInt(Math.floor(ts.nanos / NANOS_PER_MS));
}
