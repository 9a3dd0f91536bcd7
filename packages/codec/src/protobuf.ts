// The protobuf-es runtime, re-exported so that every package uses the copy the generated schemas
// were resolved against: two installed copies give incompatible descriptor types.
// fromBinary/fromJson are raw: for untrusted input use decodeMessage, which bounds the size and
// enforces the canonical encoding.
export type {
  DescMessage,
  JsonValue,
  Message,
  MessageInitShape,
  MessageShape,
  Registry,
} from '@bufbuild/protobuf';
export {
  clone,
  create,
  createRegistry,
  equals,
  fromBinary,
  fromJson,
  isMessage,
  toBinary,
  toJson,
} from '@bufbuild/protobuf';
export type { Any, Timestamp } from '@bufbuild/protobuf/wkt';
export { AnySchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
