import {
  create,
  createRegistry,
  type DescMessage,
  type Message,
  type MessageShape,
  type Registry,
} from '@bufbuild/protobuf';
import { type Any, AnySchema } from '@bufbuild/protobuf/wkt';
import { TX_BYTES_MAX } from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import { type DecodeOptions, decodeMessage, encodeMessage } from './decode.ts';

/** Type URLs are `/` + the fully-qualified message name, as in Cosmos: no host part. */
export function typeUrlOf(schema: DescMessage): string {
  return `/${schema.typeName}`;
}

export function packAny<Desc extends DescMessage>(schema: Desc, msg: MessageShape<Desc>): Any {
  return create(AnySchema, { typeUrl: typeUrlOf(schema), value: encodeMessage(schema, msg) });
}

export interface MessageRegistryOptions {
  /** Largest accepted `Any.value`; defaults to TX_BYTES_MAX since messages travel inside txs. */
  maxBytes?: number;
  /** Canonical decoding (see DecodeOptions); default true because tx messages are signed. */
  canonical?: boolean;
}

// Type URLs in error messages come from untrusted input.
const TYPE_URL_SHOWN_MAX = 128;

/** Maps type URLs to schemas so that `Any`-typed messages (tx messages) can be unpacked. */
export class MessageRegistry {
  readonly #schemas = new Map<string, DescMessage>();
  readonly #maxBytes: number;
  readonly #decodeOptions: DecodeOptions;
  #typeRegistry: Registry | undefined;

  constructor(schemas: Iterable<DescMessage> = [], options: MessageRegistryOptions = {}) {
    this.#maxBytes = options.maxBytes ?? TX_BYTES_MAX;
    this.#decodeOptions = { canonical: options.canonical ?? true };
    for (const schema of schemas) this.register(schema);
  }

  /** Registering the same schema twice is a no-op; a different schema under a taken URL is an error. */
  register(schema: DescMessage): this {
    const url = typeUrlOf(schema);
    const existing = this.#schemas.get(url);
    if (existing !== undefined && existing !== schema) {
      throw new LatticeError('INVALID_ARGUMENT', `type URL ${url} is already registered`, { typeUrl: url });
    }
    this.#schemas.set(url, schema);
    this.#typeRegistry = undefined;
    return this;
  }

  has(typeUrl: string): boolean {
    return this.#schemas.has(typeUrl);
  }

  schema(typeUrl: string): DescMessage | undefined {
    return this.#schemas.get(typeUrl);
  }

  /** Registered type URLs in sorted order. */
  typeUrls(): string[] {
    return [...this.#schemas.keys()].sort();
  }

  /**
   * Decodes an Any. Unknown type URL → TX_UNKNOWN_MESSAGE; bad value bytes → DECODE_FAILED or
   * DECODE_TOO_LARGE. Narrow the result with `isMessage(msg, MsgSendSchema)`.
   */
  unpack(any: Any): Message {
    const typeUrl: unknown = any?.typeUrl;
    if (typeof typeUrl !== 'string') {
      throw new LatticeError('DECODE_FAILED', 'cannot unpack Any: no type URL', { what: 'Any' });
    }
    const schema = this.#schemas.get(typeUrl);
    if (schema === undefined) {
      const shown =
        typeUrl.length > TYPE_URL_SHOWN_MAX ? `${typeUrl.slice(0, TYPE_URL_SHOWN_MAX)}…` : typeUrl;
      throw new LatticeError('TX_UNKNOWN_MESSAGE', `unknown message type ${JSON.stringify(shown)}`, {
        typeUrl: shown,
      });
    }
    return decodeMessage(schema, any.value, this.#maxBytes, schema.typeName, this.#decodeOptions);
  }

  /** A protobuf-es registry of the same schemas, for `toJson` of messages holding Any fields. */
  get typeRegistry(): Registry {
    this.#typeRegistry ??= createRegistry(...this.#schemas.values());
    return this.#typeRegistry;
  }
}
