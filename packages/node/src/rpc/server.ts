import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  RPC_BATCH_MAX,
  RPC_BODY_BYTES_MAX,
  RPC_CLOSE_TIMEOUT_MS,
  RPC_WS_CONNECTIONS_MAX,
  RPC_WS_PING_INTERVAL_MS,
  RPC_WS_QUEUED_MESSAGES_MAX,
  RPC_WS_SEND_BUFFER_BYTES_MAX,
  RPC_WS_SUBSCRIPTIONS_PER_CONN_MAX,
} from '@lattice/params';
import { assert, fromUtf8, LatticeError, type Logger } from '@lattice/utils';
import { type ServerOptions, WebSocketServer } from 'ws';
import type { Metrics } from '../metrics.ts';
import { RpcDispatcher } from './dispatcher.ts';
import { httpStatusFor, latticeToRpcError } from './errors.ts';
import {
  JSON_CONTENT_TYPE,
  readBody,
  sendJson,
  sendNoContent,
  sendPreflight,
  sendText,
  setCorsHeaders,
} from './http.ts';
import { readParams } from './params.ts';
import { SubscriptionHub, type TopicOptions } from './subscriptions.ts';
import type { RouteHandler, RpcContext, RpcHandler } from './types.ts';
import { WsConnection } from './ws-connection.ts';

export type { TopicOptions } from './subscriptions.ts';
export type {
  RouteHandler,
  RouteRequest,
  RouteResponse,
  RpcConnection,
  RpcContext,
  RpcHandler,
} from './types.ts';

export interface RpcServerOptions {
  host: string;
  /** 0 picks an ephemeral port; listen() reports the real one. */
  port: number;
  /** Largest HTTP body, and largest WebSocket message; default RPC_BODY_BYTES_MAX. */
  bodyBytesMax?: number;
  /** Largest batch; default RPC_BATCH_MAX. */
  batchMax?: number;
  /** Default RPC_WS_CONNECTIONS_MAX; further upgrades get HTTP 503. */
  wsConnectionsMax?: number;
  /** Default RPC_WS_SUBSCRIPTIONS_PER_CONN_MAX. */
  wsSubscriptionsPerConnMax?: number;
  /** Unsent bytes a WebSocket client may fall behind by before it is disconnected; default RPC_WS_SEND_BUFFER_BYTES_MAX. */
  wsSendBufferBytesMax?: number;
  /** Keepalive ping period; default RPC_WS_PING_INTERVAL_MS. */
  wsPingIntervalMs?: number;
  /** Value of Access-Control-Allow-Origin; default '*'. */
  corsOrigin?: string;
}

export interface RpcServerDeps {
  logger: Logger;
  metrics?: Metrics;
}

export interface RpcListenInfo {
  host: string;
  port: number;
  /** http://host:port */
  url: string;
  /** ws://host:port/ws */
  wsUrl: string;
}

const RPC_PATHS = new Set(['/', '/rpc']);
const WS_PATHS = new Set(['/', '/ws']);
export const SUBSCRIBE_METHOD = 'lat_subscribe';
export const UNSUBSCRIBE_METHOD = 'lat_unsubscribe';

type State = 'new' | 'listening' | 'closing' | 'closed';

function positiveInt(v: number | undefined, fallback: number, name: string): number {
  const n = v ?? fallback;
  assert(Number.isSafeInteger(n) && n > 0, `${name} must be a positive integer`);
  return n;
}

/**
 * JSON-RPC 2.0 over HTTP (POST / and POST /rpc) and WebSocket (/ws and /) on one port, with
 * topic subscriptions over WebSocket and a few plain HTTP routes. It knows no method of its own
 * apart from lat_subscribe / lat_unsubscribe: the node registers the rest.
 */
export class RpcServer {
  readonly #host: string;
  readonly #port: number;
  readonly #bodyBytesMax: number;
  readonly #wsConnectionsMax: number;
  readonly #wsSubscriptionsMax: number;
  readonly #wsSendBufferBytesMax: number;
  readonly #pingIntervalMs: number;
  readonly #corsOrigin: string;
  readonly #logger: Logger;
  readonly #metrics: Metrics | undefined;
  readonly #dispatcher: RpcDispatcher;
  readonly #hub: SubscriptionHub;
  readonly #routes = new Map<string, RouteHandler>();
  readonly #routePaths = new Map<string, Set<string>>();
  readonly #connections = new Set<WsConnection>();
  #nextConnectionId = 1;
  #state: State = 'new';
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(opts: RpcServerOptions, deps: RpcServerDeps) {
    assert(typeof opts.host === 'string' && opts.host.length > 0, 'host must be a non-empty string');
    assert(Number.isInteger(opts.port) && opts.port >= 0 && opts.port <= 65_535, 'port must be 0..65535');
    this.#host = opts.host;
    this.#port = opts.port;
    this.#bodyBytesMax = positiveInt(opts.bodyBytesMax, RPC_BODY_BYTES_MAX, 'bodyBytesMax');
    this.#wsConnectionsMax = positiveInt(opts.wsConnectionsMax, RPC_WS_CONNECTIONS_MAX, 'wsConnectionsMax');
    this.#wsSubscriptionsMax = positiveInt(
      opts.wsSubscriptionsPerConnMax,
      RPC_WS_SUBSCRIPTIONS_PER_CONN_MAX,
      'wsSubscriptionsPerConnMax',
    );
    this.#wsSendBufferBytesMax = positiveInt(
      opts.wsSendBufferBytesMax,
      RPC_WS_SEND_BUFFER_BYTES_MAX,
      'wsSendBufferBytesMax',
    );
    this.#pingIntervalMs = positiveInt(opts.wsPingIntervalMs, RPC_WS_PING_INTERVAL_MS, 'wsPingIntervalMs');
    this.#corsOrigin = opts.corsOrigin ?? '*';
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
    this.#dispatcher = new RpcDispatcher(
      { batchMax: positiveInt(opts.batchMax, RPC_BATCH_MAX, 'batchMax') },
      { logger: deps.logger, metrics: deps.metrics },
    );
    this.#hub = new SubscriptionHub({ logger: deps.logger });
    this.#dispatcher.register(SUBSCRIBE_METHOD, (params, ctx) => this.#subscribe(params, ctx));
    this.#dispatcher.register(UNSUBSCRIBE_METHOD, (params, ctx) => this.#unsubscribe(params, ctx));
  }

  /** Adds a JSON-RPC method; registering a name twice is a programming error. */
  register(method: string, handler: RpcHandler): void {
    this.#dispatcher.register(method, handler);
  }

  /** Adds a plain HTTP route (exact path match, query string ignored for matching). */
  route(httpMethod: 'GET' | 'POST', path: string, handler: RouteHandler): void {
    assert(httpMethod === 'GET' || httpMethod === 'POST', `unsupported route method: ${httpMethod}`);
    assert(typeof path === 'string' && path.startsWith('/'), `route path must start with '/': ${path}`);
    assert(!RPC_PATHS.has(path), `route path is reserved for JSON-RPC: ${path}`);
    const key = `${httpMethod} ${path}`;
    assert(!this.#routes.has(key), `route registered twice: ${key}`);
    this.#routes.set(key, handler);
    let methods = this.#routePaths.get(path);
    if (methods === undefined) this.#routePaths.set(path, (methods = new Set()));
    methods.add(httpMethod);
  }

  defineTopic(topic: string, opts?: TopicOptions): void {
    this.#hub.defineTopic(topic, opts);
  }

  /** Sends `event` to every matching subscriber of `topic`; the topic must have been defined. */
  publish(topic: string, event: unknown): void {
    this.#hub.publish(topic, event);
  }

  subscriberCount(topic: string): number {
    return this.#hub.subscriberCount(topic);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async listen(): Promise<RpcListenInfo> {
    assert(this.#state === 'new', 'RpcServer.listen called twice');
    this.#state = 'listening';
    const http = createServer((req, res) => this.#onRequest(req, res));
    // closeTimeout bounds closing handshakes; @types/ws does not declare this option.
    const wsOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      maxPayload: this.#bodyBytesMax,
      closeTimeout: RPC_CLOSE_TIMEOUT_MS,
      perMessageDeflate: false,
    };
    const wss = new WebSocketServer(wsOptions);
    http.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
    this.#http = http;
    this.#wss = wss;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        reject(
          new LatticeError('IO', `cannot listen on ${this.#host}:${this.#port}: ${err.message}`, {
            host: this.#host,
            port: this.#port,
          }),
        );
      };
      http.once('error', onError);
      http.listen(this.#port, this.#host, () => {
        http.off('error', onError);
        resolve();
      });
    });
    http.on('error', (err) => this.#logger.error('rpc server error', { err: err.message }));
    this.#pingTimer = setInterval(() => {
      for (const conn of this.#connections) conn.heartbeat();
    }, this.#pingIntervalMs);
    this.#pingTimer.unref();
    const address = http.address();
    assert(address !== null && typeof address === 'object', 'TCP server has an address');
    const hostPart = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    const origin = `${hostPart}:${address.port}`;
    this.#logger.info('rpc server listening', { url: `http://${origin}` });
    return { host: this.#host, port: address.port, url: `http://${origin}`, wsUrl: `ws://${origin}/ws` };
  }

  /** Closes every WebSocket (code 1001), stops accepting, and resolves when the port is released. */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    if (this.#state === 'new') {
      this.#state = 'closed';
      this.#closing = Promise.resolve();
      return this.#closing;
    }
    this.#state = 'closing';
    this.#closing = this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#pingTimer);
    const http = this.#http!;
    const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    const conns = [...this.#connections];
    for (const conn of conns) conn.close(1001, 'server shutting down');
    // In-flight HTTP requests get the same grace as closing handshakes, then are cut.
    const cut = setTimeout(() => http.closeAllConnections(), RPC_CLOSE_TIMEOUT_MS);
    await Promise.all(conns.map((c) => c.closedPromise));
    await httpClosed;
    clearTimeout(cut);
    this.#wss!.close();
    this.#state = 'closed';
    this.#logger.info('rpc server closed');
  }

  // --- HTTP ---------------------------------------------------------------------------------

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#handleHttp(req, res).catch((e: unknown) => {
      this.#logger.error('http request handling failed', { err: e instanceof Error ? e.stack : String(e) });
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
      else res.destroy();
    });
  }

  async #handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setCorsHeaders(res, this.#corsOrigin);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendJson(res, 400, { error: { code: 'INVALID_ARGUMENT', message: 'malformed request target' } });
      return;
    }
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
    const path = url.pathname;
    if (method === 'OPTIONS') {
      sendPreflight(req, res);
      return;
    }
    if (method === 'POST' && RPC_PATHS.has(path)) {
      await this.#handleRpc(req, res);
      return;
    }
    const handler = this.#routes.get(`${method} ${path}`);
    if (handler !== undefined) {
      await this.#handleRoute(req, res, handler, url.searchParams, method === 'POST');
      return;
    }
    req.resume();
    const allowed = RPC_PATHS.has(path) ? new Set(['POST']) : this.#routePaths.get(path);
    if (allowed !== undefined) {
      const allow = [...allowed, 'OPTIONS'].join(', ');
      sendJson(
        res,
        405,
        { error: { code: 'INVALID_ARGUMENT', message: `method ${method} not allowed on ${path}` } },
        { Allow: allow },
      );
      return;
    }
    sendJson(res, 404, {
      error: { code: 'NOT_FOUND', message: `no route for ${method} ${path.slice(0, 256)}` },
    });
  }

  async #handleRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, this.#bodyBytesMax);
    if (!body.ok) {
      if (body.tooLarge) this.#sendTooLarge(res);
      else res.destroy();
      return;
    }
    const ctx: RpcContext = { transport: 'http', remoteAddress: req.socket.remoteAddress ?? '' };
    const out = await this.#dispatcher.handleBytes(body.body, ctx);
    if (res.destroyed) return;
    if (out === undefined) sendNoContent(res);
    else sendText(res, 200, out, JSON_CONTENT_TYPE);
  }

  #sendTooLarge(res: ServerResponse): void {
    const err = new LatticeError('LIMIT_EXCEEDED', `request body exceeds ${this.#bodyBytesMax} bytes`, {
      bytesMax: this.#bodyBytesMax,
    });
    // The rest of the upload is not wanted: close once the response is out.
    sendJson(res, 413, { jsonrpc: '2.0', id: null, error: latticeToRpcError(err) }, { Connection: 'close' });
  }

  async #handleRoute(
    req: IncomingMessage,
    res: ServerResponse,
    handler: RouteHandler,
    query: URLSearchParams,
    hasBody: boolean,
  ): Promise<void> {
    let parsed: unknown;
    if (hasBody) {
      const body = await readBody(req, this.#bodyBytesMax);
      if (!body.ok) {
        if (body.tooLarge) this.#sendTooLarge(res);
        else res.destroy();
        return;
      }
      if (body.body.length > 0) {
        try {
          parsed = JSON.parse(fromUtf8(body.body));
        } catch {
          sendJson(res, 400, { error: { code: 'RPC_PARSE_ERROR', message: 'body is not valid JSON' } });
          return;
        }
      }
    } else {
      req.resume();
    }
    let out: Awaited<ReturnType<RouteHandler>>;
    try {
      out = await handler({ body: parsed, query });
    } catch (e) {
      if (!(e instanceof LatticeError) || e.code === 'INTERNAL') {
        this.#logger.error('http route failed', {
          path: req.url,
          err: e instanceof Error ? e.stack : String(e),
        });
        sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
      } else {
        sendJson(res, httpStatusFor(e), { error: e.toJSON() });
      }
      return;
    }
    if (res.destroyed) return;
    const { status, body, contentType } = out;
    if (contentType !== undefined && (typeof body === 'string' || body instanceof Uint8Array)) {
      sendText(res, status, body, contentType);
    } else {
      sendJson(res, status, body);
    }
  }

  // --- WebSocket ----------------------------------------------------------------------------

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      path = '';
    }
    if (!WS_PATHS.has(path)) {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (this.#state !== 'listening' || this.#connections.size >= this.#wsConnectionsMax) {
      refuseUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    // handleUpgrade completes synchronously (no async verifyClient, no compression), so the
    // connection limit cannot be overrun by concurrent handshakes.
    this.#wss!.handleUpgrade(req, socket, head, (ws) => {
      const conn = new WsConnection(
        ws,
        this.#nextConnectionId++,
        req.socket.remoteAddress ?? '',
        {
          subscriptionsMax: this.#wsSubscriptionsMax,
          sendBufferBytesMax: this.#wsSendBufferBytesMax,
          queuedMessagesMax: RPC_WS_QUEUED_MESSAGES_MAX,
        },
        { dispatcher: this.#dispatcher, hub: this.#hub, logger: this.#logger },
      );
      this.#connections.add(conn);
      this.#metrics?.wsConnections.inc();
      void conn.closedPromise.then(() => {
        this.#connections.delete(conn);
        this.#metrics?.wsConnections.dec();
      });
    });
  }

  // --- Subscriptions ------------------------------------------------------------------------

  #subscribe(params: unknown, ctx: RpcContext): string {
    const conn = requireWs(ctx, SUBSCRIBE_METHOD);
    const [topic, filter] = readParams(params, ['topic', 'filter'], 1);
    const sub = this.#hub.subscribe(conn, topic, filter);
    conn.holdUntilResponded(sub);
    return sub.id;
  }

  #unsubscribe(params: unknown, ctx: RpcContext): boolean {
    const conn = requireWs(ctx, UNSUBSCRIBE_METHOD);
    const [id] = readParams(params, ['subscription'], 1);
    if (typeof id !== 'string')
      throw new LatticeError('RPC_INVALID_PARAMS', 'subscription id must be a string');
    return this.#hub.unsubscribe(conn, id);
  }
}

function requireWs(ctx: RpcContext, method: string): WsConnection {
  const conn = ctx.connection;
  if (!(conn instanceof WsConnection)) {
    throw new LatticeError('RPC_METHOD_NOT_FOUND', `${method} is only available over WebSocket`, { method });
  }
  return conn;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({
    error: { code: status === 503 ? 'RPC_UNAVAILABLE' : 'NOT_FOUND', message: reason },
  });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
