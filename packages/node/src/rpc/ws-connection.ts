import type { Logger } from '@lattice/utils';
import { type RawData, WebSocket } from 'ws';
import type { RpcDispatcher } from './dispatcher.ts';
import type { Subscriber, Subscription, SubscriptionHub } from './subscriptions.ts';
import type { RpcConnection, RpcContext } from './types.ts';

/** Close code sent to a client that does not read fast enough (RFC 6455: policy violation). */
export const WS_CLOSE_SLOW_CONSUMER = 1008;
export const WS_CLOSE_GOING_AWAY = 1001;

export interface WsConnectionOptions {
  subscriptionsMax: number;
  sendBufferBytesMax: number;
  queuedMessagesMax: number;
}

export interface WsConnectionDeps {
  dispatcher: RpcDispatcher;
  hub: SubscriptionHub;
  logger: Logger;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * One WebSocket client: requests are handled one message at a time, in arrival order; reading
 * pauses while too many messages wait, and a client whose unsent data outgrows the send buffer
 * limit is disconnected instead of letting the buffer grow.
 */
export class WsConnection implements RpcConnection, Subscriber {
  readonly id: number;
  readonly remoteAddress: string;
  readonly subscriptions = new Map<string, Subscription>();
  readonly subscriptionsMax: number;
  /** Resolves once the underlying socket has closed and everything was cleaned up. */
  readonly closedPromise: Promise<void>;

  readonly #ws: WebSocket;
  readonly #opts: WsConnectionOptions;
  readonly #deps: WsConnectionDeps;
  readonly #ctx: RpcContext;
  readonly #queue: Buffer[] = [];
  readonly #closeListeners: (() => void)[] = [];
  /** Subscriptions created by the message being handled; activated once its response is sent. */
  #pendingActivation: Subscription[] = [];
  #heldBytes = 0;
  #busy = false;
  #closed = false;
  #alive = true;
  #resolveClosed!: () => void;

  constructor(
    ws: WebSocket,
    id: number,
    remoteAddress: string,
    opts: WsConnectionOptions,
    deps: WsConnectionDeps,
  ) {
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.subscriptionsMax = opts.subscriptionsMax;
    this.#ws = ws;
    this.#opts = opts;
    this.#deps = deps;
    this.#ctx = { transport: 'ws', remoteAddress, connection: this };
    this.closedPromise = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    ws.on('message', (data) => this.#onMessage(data));
    ws.on('pong', () => {
      this.#alive = true;
    });
    // Protocol errors (oversized or malformed frames) are followed by 'close'; nothing else to do.
    ws.on('error', (err) => deps.logger.debug('websocket error', { conn: id, err: err.message }));
    ws.on('close', () => this.#cleanup());
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  /** Starts the closing handshake; the socket is destroyed if it does not finish in time (ws closeTimeout). */
  close(code = WS_CLOSE_GOING_AWAY, reason = ''): void {
    this.#release();
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.close(code, reason);
    }
  }

  /** Keepalive tick: a peer that did not answer the previous ping is considered gone. */
  heartbeat(): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    if (!this.#alive) {
      this.#deps.logger.debug('websocket keepalive timed out', { conn: this.id });
      this.#ws.terminate();
      return;
    }
    this.#alive = false;
    this.#ws.ping();
  }

  deliver(sub: Subscription, message: string): void {
    if (sub.held !== null) {
      this.#heldBytes += message.length;
      if (this.#heldBytes > this.#opts.sendBufferBytesMax) this.#disconnectSlow(this.#heldBytes);
      else sub.held.push(message);
      return;
    }
    this.send(message);
  }

  /** Queues one text frame, or disconnects the client if its backlog would exceed the limit. */
  send(message: string): void {
    if (this.#closed || this.#ws.readyState !== WebSocket.OPEN) return;
    const buffered = this.#ws.bufferedAmount;
    // An empty backlog always takes one message, however large, so a big response can get through.
    if (buffered > 0 && buffered + message.length > this.#opts.sendBufferBytesMax) {
      this.#disconnectSlow(buffered);
      return;
    }
    this.#ws.send(message);
  }

  #disconnectSlow(bufferedBytes: number): void {
    this.#deps.logger.warn('disconnecting slow websocket consumer', {
      conn: this.id,
      remote: this.remoteAddress,
      bufferedBytes,
    });
    this.close(WS_CLOSE_SLOW_CONSUMER, 'slow consumer: send buffer limit exceeded');
  }

  /** Called by the lat_subscribe handler: events are held until the subscription id is sent. */
  holdUntilResponded(sub: Subscription): void {
    this.#pendingActivation.push(sub);
  }

  #onMessage(data: RawData): void {
    if (this.#closed) return;
    this.#alive = true;
    this.#queue.push(toBuffer(data));
    if (this.#queue.length >= this.#opts.queuedMessagesMax) this.#ws.pause();
    if (!this.#busy) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    while (this.#queue.length > 0 && !this.#closed) {
      const data = this.#queue.shift()!;
      if (this.#ws.isPaused && this.#queue.length < this.#opts.queuedMessagesMax) this.#ws.resume();
      let out: string | undefined;
      try {
        out = await this.#deps.dispatcher.handleBytes(data, this.#ctx);
      } catch (e) {
        // The dispatcher turns handler failures into responses; reaching here is a bug in it.
        this.#deps.logger.error('websocket message handling failed', { conn: this.id, err: String(e) });
        this.close(1011, 'internal error');
        break;
      }
      if (out !== undefined) this.send(out);
      this.#activatePending();
    }
    this.#busy = false;
  }

  #activatePending(): void {
    if (this.#pendingActivation.length === 0) return;
    const subs = this.#pendingActivation;
    this.#pendingActivation = [];
    this.#heldBytes = 0;
    for (const sub of subs) {
      const held = sub.held;
      if (held === null || this.subscriptions.get(sub.id) !== sub) continue;
      sub.held = null;
      for (const message of held) this.send(message);
    }
  }

  /** Drops subscriptions and queued work at once, without waiting for the socket to finish closing. */
  #release(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#pendingActivation = [];
    this.#deps.hub.unsubscribeAll(this);
    for (const listener of this.#closeListeners.splice(0)) {
      try {
        listener();
      } catch (e) {
        this.#deps.logger.error('websocket close listener failed', { conn: this.id, err: String(e) });
      }
    }
  }

  #cleanup(): void {
    this.#release();
    this.#resolveClosed();
  }
}
