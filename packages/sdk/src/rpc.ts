import { type ErrorCode, isErrorCode, LatticeError } from '@lattice/utils';

interface RpcErrorBody {
  code: number;
  message: string;
  data?: { code?: string; meta?: Record<string, string | number | boolean | null> };
}

let nextId = 1;

/**
 * A JSON-RPC 2.0 client over fetch (Node ≥ 18 and browsers). Server errors come back as
 * LatticeError with the server's stable code, so callers switch on the same codes everywhere.
 */
export class JsonRpcTransport {
  readonly url: string;
  readonly #timeoutMs: number;

  constructor(url: string, opts: { timeoutMs?: number } = {}) {
    this.url = url.replace(/\/$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const [res] = await this.#post([{ jsonrpc: '2.0', id: nextId++, method, params }]);
    return unwrap<T>(res!);
  }

  /** Sends many calls in one HTTP request; results (or thrown errors) come back in order. */
  async batch<T>(calls: { method: string; params: unknown[] }[]): Promise<(T | LatticeError)[]> {
    if (calls.length === 0) return [];
    const reqs = calls.map((c) => ({ jsonrpc: '2.0', id: nextId++, method: c.method, params: c.params }));
    const responses = await this.#post(reqs);
    const byId = new Map(responses.map((r) => [r.id, r]));
    return reqs.map((r) => {
      const res = byId.get(r.id);
      if (!res) return new LatticeError('RPC_INVALID_REQUEST', `no response for request ${r.id}`);
      try {
        return unwrap<T>(res);
      } catch (e) {
        return e as LatticeError;
      }
    });
  }

  async #post(body: unknown[]): Promise<{ id: number; result?: unknown; error?: RpcErrorBody }[]> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body.length === 1 ? body[0] : body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      throw new LatticeError(
        'RPC_CONNECTION_FAILED',
        `cannot reach the node at ${this.url}: ${(e as Error).message}`,
      );
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new LatticeError(
        'RPC_INVALID_REQUEST',
        `the node at ${this.url} answered HTTP ${res.status} without JSON`,
      );
    }
    return (Array.isArray(json) ? json : [json]) as { id: number; result?: unknown; error?: RpcErrorBody }[];
  }
}

function unwrap<T>(res: { result?: unknown; error?: RpcErrorBody }): T {
  if (res.error) {
    const code: ErrorCode = isErrorCode(res.error.data?.code) ? res.error.data.code : 'INTERNAL';
    throw new LatticeError(code, res.error.message, res.error.data?.meta ?? {});
  }
  return res.result as T;
}
