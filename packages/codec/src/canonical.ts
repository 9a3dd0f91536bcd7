import { type DescField, type DescMessage, ScalarType } from '@bufbuild/protobuf';

// Decides whether bytes are exactly what toBinary would produce for the message they decode
// to, by walking the wire data against the schema instead of re-encoding (which allocates and
// copies every byte: most of decodeTx's cost). The rules mirror protobuf-es's writer: fields in
// number order, each singular field at most once, repeated elements contiguous, repeated
// scalars packed in one non-empty record, implicit-presence fields never at their zero value,
// at most one member per oneof, minimal varints whose value fits the field's type, no unknown
// fields. The fuzz tests check this walk against re-encoding on every input they generate.
// Schemas using floats (-0 and NaN payloads), maps or groups are not handled here: callers
// fall back to re-encoding for them.

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const IMPLICIT_PRESENCE = 2;
const INT32_SIGN = 0x80000000;
const UINT32_ALL = 0xffffffff;

type Kind = 'varint' | 'i64' | 'i32' | 'len' | 'message' | 'packed';

interface FieldPlan {
  kind: Kind;
  wireType: number;
  scalar: ScalarType | undefined;
  // Zero values are dropped by the writer, so a zero on the wire is not canonical.
  implicit: boolean;
  // Repeated records that follow each other (string, bytes, message elements).
  repeated: boolean;
  oneof: number;
  message: MessagePlan | undefined;
}

interface MessagePlan {
  fields: Map<number, FieldPlan>;
  oneofs: number;
}

const plans = new WeakMap<DescMessage, MessagePlan | null>();

/** The walk plan for a schema, or null when the schema needs the re-encoding fallback. */
export function canonicalPlan(schema: DescMessage): MessagePlan | null {
  const cached = plans.get(schema);
  if (cached !== undefined) return cached;
  const plan = supported(schema, new Set()) ? compile(schema, new Map()) : null;
  plans.set(schema, plan);
  return plan;
}

function supported(schema: DescMessage, seen: Set<DescMessage>): boolean {
  if (seen.has(schema)) return true;
  seen.add(schema);
  for (const f of schema.fields) {
    if (f.fieldKind === 'map') return false;
    if (f.message !== undefined) {
      if (f.delimitedEncoding || !supported(f.message, seen)) return false;
    }
    const scalar = scalarOf(f);
    if (scalar === ScalarType.DOUBLE || scalar === ScalarType.FLOAT) return false;
  }
  return true;
}

function scalarOf(f: DescField): ScalarType | undefined {
  if (f.fieldKind === 'scalar') return f.scalar;
  if (f.fieldKind === 'enum') return ScalarType.INT32;
  if (f.fieldKind === 'list')
    return f.listKind === 'scalar' ? f.scalar : f.listKind === 'enum' ? ScalarType.INT32 : undefined;
  return undefined;
}

function compile(schema: DescMessage, building: Map<DescMessage, MessagePlan>): MessagePlan {
  const existing = building.get(schema);
  if (existing !== undefined) return existing;
  const plan: MessagePlan = { fields: new Map(), oneofs: schema.oneofs.length };
  building.set(schema, plan);
  for (const f of schema.fields) {
    const scalar = scalarOf(f);
    const oneof = f.oneof === undefined ? -1 : schema.oneofs.indexOf(f.oneof);
    const child = f.message === undefined ? undefined : compile(f.message, building);
    const isList = f.fieldKind === 'list';
    let kind: Kind;
    if (child !== undefined) kind = 'message';
    else if (isList && f.packed) kind = 'packed';
    else kind = scalarKind(scalar!);
    const wireType =
      kind === 'varint' ? WIRE_VARINT : kind === 'i64' ? WIRE_I64 : kind === 'i32' ? WIRE_I32 : WIRE_LEN;
    plan.fields.set(f.number, {
      kind,
      wireType,
      scalar,
      implicit: !isList && oneof < 0 && child === undefined && f.presence === IMPLICIT_PRESENCE,
      repeated: isList && kind !== 'packed',
      oneof,
      message: child,
    });
  }
  return plan;
}

function scalarKind(scalar: ScalarType): Kind {
  switch (scalar) {
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 'i64';
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return 'i32';
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return 'len';
    default:
      return 'varint';
  }
}

/** A cursor over the input; `lo`/`hi` hold the last varint's two 32-bit halves. */
interface Cursor {
  buf: Uint8Array;
  pos: number;
  lo: number;
  hi: number;
}

/**
 * Reads a varint into cur.lo/cur.hi. False when it is truncated, longer than 10 bytes, wider
 * than 64 bits or not minimal (a zero last byte after the first).
 */
function readVarint(cur: Cursor, end: number): boolean {
  const buf = cur.buf;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (cur.pos >= end) return false;
    const b = buf[cur.pos++]!;
    const v = b & 0x7f;
    if (i < 4) lo |= v << (7 * i);
    else if (i === 4) {
      lo |= (v & 0x0f) << 28;
      hi |= v >> 4;
    } else if (i < 9) hi |= v << (7 * i - 32);
    else if (v > 1) return false;
    else hi |= v << 31;
    if ((b & 0x80) === 0) {
      if (b === 0 && i > 0) return false;
      cur.lo = lo >>> 0;
      cur.hi = hi >>> 0;
      return true;
    }
  }
  return false;
}

/** Whether a varint value is exactly what the writer emits for this scalar type. */
function varintFits(scalar: ScalarType, lo: number, hi: number): boolean {
  switch (scalar) {
    case ScalarType.INT32:
      // Negative int32 values are written sign-extended to 64 bits.
      return lo < INT32_SIGN ? hi === 0 : hi === UINT32_ALL;
    case ScalarType.UINT32:
    case ScalarType.SINT32:
      return hi === 0;
    case ScalarType.BOOL:
      return hi === 0 && lo <= 1;
    default:
      return true;
  }
}

function allZero(buf: Uint8Array, start: number, n: number): boolean {
  for (let i = start; i < start + n; i++) if (buf[i] !== 0) return false;
  return true;
}

function readScalar(cur: Cursor, end: number, kind: Kind, scalar: ScalarType, implicit: boolean): boolean {
  if (kind === 'varint') {
    if (!readVarint(cur, end) || !varintFits(scalar, cur.lo, cur.hi)) return false;
    return !(implicit && cur.lo === 0 && cur.hi === 0);
  }
  const width = kind === 'i64' ? 8 : 4;
  if (end - cur.pos < width) return false;
  if (implicit && allZero(cur.buf, cur.pos, width)) return false;
  cur.pos += width;
  return true;
}

function walk(plan: MessagePlan, cur: Cursor, end: number): boolean {
  let last = 0;
  const oneofSeen = plan.oneofs > 0 ? new Uint8Array(plan.oneofs) : undefined;
  while (cur.pos < end) {
    if (!readVarint(cur, end) || cur.hi !== 0) return false;
    const fieldNo = cur.lo >>> 3;
    const field = plan.fields.get(fieldNo);
    if (field === undefined || (cur.lo & 7) !== field.wireType || fieldNo < last) return false;
    if (fieldNo === last) {
      if (!field.repeated) return false;
    } else if (field.oneof >= 0) {
      if (oneofSeen![field.oneof] === 1) return false;
      oneofSeen![field.oneof] = 1;
    }
    last = fieldNo;
    if (field.kind === 'varint' || field.kind === 'i64' || field.kind === 'i32') {
      if (!readScalar(cur, end, field.kind, field.scalar!, field.implicit)) return false;
      continue;
    }
    if (!readVarint(cur, end) || cur.hi !== 0 || cur.lo > end - cur.pos) return false;
    const stop = cur.pos + cur.lo;
    if (field.kind === 'len') {
      if (field.implicit && stop === cur.pos) return false;
    } else if (field.kind === 'message') {
      if (!walk(field.message!, cur, stop)) return false;
    } else {
      if (stop === cur.pos) return false;
      const elementKind = scalarKind(field.scalar!);
      while (cur.pos < stop) if (!readScalar(cur, stop, elementKind, field.scalar!, false)) return false;
    }
    if (cur.pos > stop) return false;
    cur.pos = stop;
  }
  return cur.pos === end;
}

/**
 * Whether `bytes` is the canonical encoding of a message of `plan`'s schema. Only meaningful
 * for bytes that already decoded successfully (string contents are not re-validated here).
 */
export function isCanonicalEncoding(plan: MessagePlan, bytes: Uint8Array): boolean {
  return walk(plan, { buf: bytes, pos: 0, lo: 0, hi: 0 }, bytes.length);
}
