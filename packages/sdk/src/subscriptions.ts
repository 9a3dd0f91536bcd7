import { isErrorCode, LatticeError } from '@lattice/utils';

export type Topic = 'newBlocks' | 'newTxs' | 'events';

export interface Subscription {
  readonly id: string;
  unsubscribe(): Promise<void>;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/**
 * WebSocket subscriptions (global WebSocket: Node ≥ 22 and browsers). One socket carries every
 * subscription of a client; it is opened on first use.
 */
export class SubscriptionClient {
  readonly #url: string;
  #socket: Promise<WebSocket> | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #handlers = new Map<string, (event: unknown) => void>();

  constructor(httpUrl: string) {
    this.#url = `${httpUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/ws`;
  }

  #connect(): Promise<WebSocket> {
    this.#socket ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(this.#url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new LatticeError('RPC_CONNECTION_FAILED', `cannot open ${this.#url}`));
      ws.onclose = () => {
        this.#socket = undefined;
        for (const p of this.#pending.values())
          p.reject(new LatticeError('RPC_CONNECTION_FAILED', 'subscription socket closed'));
        this.#pending.clear();
      };
      ws.onmessage = (ev) => this.#onMessage(String(ev.data));
    });
    return this.#socket;
  }

  #onMessage(text: string): void {
    const msg = JSON.parse(text) as {
      id?: number;
      result?: unknown;
      error?: { message: string; data?: { code?: string } };
      method?: string;
      params?: { subscription: string; result: unknown };
    };
    if (msg.method === 'lat_subscription' && msg.params) {
      this.#handlers.get(msg.params.subscription)?.(msg.params.result);
      return;
    }
    if (msg.id === undefined) return;
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    if (msg.error) {
      const code = msg.error.data?.code;
      p.reject(new LatticeError(isErrorCode(code) ? code : 'RPC_INVALID_PARAMS', msg.error.message));
    } else p.resolve(msg.result);
  }

  async #call(method: string, params: unknown[]): Promise<unknown> {
    const ws = await this.#connect();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  async subscribe(topic: Topic, filter: unknown, onEvent: (event: unknown) => void): Promise<Subscription> {
    const id = (await this.#call(
      'lat_subscribe',
      filter === undefined ? [topic] : [topic, filter],
    )) as string;
    this.#handlers.set(id, onEvent);
    return {
      id,
      unsubscribe: async () => {
        this.#handlers.delete(id);
        await this.#call('lat_unsubscribe', [id]);
      },
    };
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) (await socket).close();
  }
}
