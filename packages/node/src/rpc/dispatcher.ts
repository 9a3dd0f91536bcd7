import { assert, fromUtf8, LatticeError, type Logger } from '@lattice/utils';
import type { Metrics } from '../metrics.ts';
import { INTERNAL_RPC_ERROR, latticeToRpcError, type RpcErrorObject } from './errors.ts';
import { toJson } from './json.ts';
import type { RpcContext, RpcHandler } from './types.ts';

export type RpcId = string | number | null;
export type RpcMetrics = Pick<Metrics, 'rpcRequestDurationSeconds' | 'rpcRequestsTotal'>;

/** Metric label for calls that name no registered method; keeps label cardinality bounded. */
export const METHOD_LABEL_UNKNOWN = '<unknown>';
export const METHOD_LABEL_INVALID = '<invalid>';
const METHOD_NAME_IN_ERROR_MAX = 64;

type Outcome = 'ok' | 'error' | 'internal';

interface ValidRequest {
  ok: true;
  method: string;
  params: unknown;
  id: RpcId;
  notification: boolean;
}
interface InvalidRequest {
  ok: false;
  id: RpcId;
  error: LatticeError;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is RpcId {
  return typeof v === 'string' || typeof v === 'number' || v === null;
}

function invalid(id: RpcId, message: string): InvalidRequest {
  return { ok: false, id, error: new LatticeError('RPC_INVALID_REQUEST', `invalid request: ${message}`) };
}

/** Checks one request object against the JSON-RPC 2.0 specification, section 4. */
export function validateRequest(entry: unknown): ValidRequest | InvalidRequest {
  if (!isRecord(entry)) return invalid(null, 'expected an object');
  const hasId = Object.hasOwn(entry, 'id');
  if (hasId && !isId(entry.id)) return invalid(null, 'id must be a string, a number or null');
  const id = hasId ? (entry.id as RpcId) : null;
  if (entry.jsonrpc !== '2.0') return invalid(id, 'jsonrpc must be exactly "2.0"');
  if (typeof entry.method !== 'string') return invalid(id, 'method must be a string');
  const params = entry.params;
  if (Object.hasOwn(entry, 'params') && !Array.isArray(params) && !isRecord(params)) {
    return invalid(id, 'params must be an array or an object');
  }
  return { ok: true, method: entry.method, params, id, notification: !hasId };
}

function errorResponse(id: RpcId, error: RpcErrorObject): string {
  return toJson({ jsonrpc: '2.0', id, error });
}

/**
 * Transport-independent JSON-RPC 2.0 processing: text in, text out (undefined when nothing is to
 * be sent back, i.e. only notifications). Batch entries are handled one after the other, in order,
 * so that a batch of transactions from one sender reaches the mempool in sequence order.
 */
export class RpcDispatcher {
  readonly #handlers = new Map<string, RpcHandler>();
  readonly #batchMax: number;
  readonly #logger: Logger;
  readonly #metrics: RpcMetrics | undefined;

  constructor(opts: { batchMax: number }, deps: { logger: Logger; metrics?: RpcMetrics | undefined }) {
    assert(Number.isSafeInteger(opts.batchMax) && opts.batchMax > 0, 'batchMax must be a positive integer');
    this.#batchMax = opts.batchMax;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
  }

  register(method: string, handler: RpcHandler): void {
    assert(typeof method === 'string' && method.length > 0, 'RPC method name must be a non-empty string');
    assert(!method.startsWith('rpc.'), `RPC method names starting with "rpc." are reserved: ${method}`);
    assert(!this.#handlers.has(method), `RPC method registered twice: ${method}`);
    assert(typeof handler === 'function', `RPC handler for ${method} must be a function`);
    this.#handlers.set(method, handler);
  }

  has(method: string): boolean {
    return this.#handlers.has(method);
  }

  /** Raw bytes as received; invalid UTF-8 is a parse error like invalid JSON. */
  handleBytes(bytes: Uint8Array, ctx: RpcContext): Promise<string | undefined> {
    let text: string;
    try {
      text = fromUtf8(bytes);
    } catch {
      return Promise.resolve(this.#parseError('invalid UTF-8'));
    }
    return this.handleText(text, ctx);
  }

  async handleText(text: string, ctx: RpcContext): Promise<string | undefined> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.#parseError('invalid JSON');
    }
    if (!Array.isArray(parsed)) return this.#handleOne(parsed, ctx);
    if (parsed.length === 0) {
      this.#count(METHOD_LABEL_INVALID, 'error');
      return errorResponse(null, latticeToRpcError(invalid(null, 'empty batch').error));
    }
    if (parsed.length > this.#batchMax) {
      this.#count(METHOD_LABEL_INVALID, 'error');
      const err = new LatticeError(
        'RPC_BATCH_TOO_LARGE',
        `batch of ${parsed.length} exceeds ${this.#batchMax}`,
        {
          size: parsed.length,
          max: this.#batchMax,
        },
      );
      return errorResponse(null, latticeToRpcError(err));
    }
    // Entries start in order and then run concurrently: a handler whose effect depends on order
    // (tx admission) takes its place synchronously when called, so a sender's txs in one batch
    // are admitted in sequence while their signatures are verified in parallel.
    const outs = await Promise.all(parsed.map((entry) => this.#handleOne(entry, ctx)));
    const parts = outs.filter((o): o is string => o !== undefined);
    return parts.length === 0 ? undefined : `[${parts.join(',')}]`;
  }

  #parseError(why: string): string {
    this.#count(METHOD_LABEL_INVALID, 'error');
    return errorResponse(null, latticeToRpcError(new LatticeError('RPC_PARSE_ERROR', `parse error: ${why}`)));
  }

  async #handleOne(entry: unknown, ctx: RpcContext): Promise<string | undefined> {
    const start = performance.now();
    const req = validateRequest(entry);
    if (!req.ok) {
      this.#record(METHOD_LABEL_INVALID, 'error', start);
      return errorResponse(req.id, latticeToRpcError(req.error));
    }
    const handler = this.#handlers.get(req.method);
    if (handler === undefined) {
      this.#record(METHOD_LABEL_UNKNOWN, 'error', start);
      if (req.notification) return undefined;
      const name = req.method.slice(0, METHOD_NAME_IN_ERROR_MAX);
      const err = new LatticeError('RPC_METHOD_NOT_FOUND', `method not found: ${name}`, { method: name });
      return errorResponse(req.id, latticeToRpcError(err));
    }
    let result: unknown;
    try {
      result = await handler(req.params, ctx);
    } catch (e) {
      const error = this.#failure(req.method, e);
      this.#record(req.method, error === INTERNAL_RPC_ERROR ? 'internal' : 'error', start);
      return req.notification ? undefined : errorResponse(req.id, error);
    }
    if (req.notification) {
      this.#record(req.method, 'ok', start);
      return undefined;
    }
    try {
      const out = toJson({ jsonrpc: '2.0', id: req.id, result: result ?? null });
      this.#record(req.method, 'ok', start);
      return out;
    } catch (e) {
      this.#logger.error('rpc result not serialisable', { method: req.method, err: describe(e) });
      this.#record(req.method, 'internal', start);
      return errorResponse(req.id, INTERNAL_RPC_ERROR);
    }
  }

  #failure(method: string, e: unknown): RpcErrorObject {
    if (e instanceof LatticeError && e.code !== 'INTERNAL') return latticeToRpcError(e);
    // Internal failures are logged in full here and reach the client without message or stack.
    this.#logger.error('rpc handler failed', { method, err: describe(e) });
    return INTERNAL_RPC_ERROR;
  }

  #record(method: string, outcome: Outcome, start: number): void {
    if (this.#metrics === undefined) return;
    this.#metrics.rpcRequestDurationSeconds.observe({ method }, (performance.now() - start) / 1000);
    this.#metrics.rpcRequestsTotal.inc({ method, outcome });
  }

  #count(method: string, outcome: Outcome): void {
    this.#metrics?.rpcRequestsTotal.inc({ method, outcome });
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  try {
    return String(e);
  } catch {
    return 'unprintable value';
  }
}
