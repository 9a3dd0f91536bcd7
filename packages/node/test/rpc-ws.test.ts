import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { LatticeError, silentLogger } from '@lattice/utils';
import { WebSocket } from 'ws';
import { Metrics } from '../src/metrics.ts';
import { type RpcConnection, type RpcContext, RpcServer, type RpcServerOptions } from '../src/rpc/server.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON messages are checked field by field.
type Json = any;

const TIMEOUT = { timeout: 15_000 };

/** A ws client that queues incoming JSON messages so tests can await them one by one. */
class Client {
  readonly ws: WebSocket;
  readonly #queue: Json[] = [];
  readonly #waiters: ((m: Json) => void)[] = [];
  #nextId = 1;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      const w = this.#waiters.shift();
      if (w) w(m);
      else this.#queue.push(m);
    });
  }

  static async open(url: string, opts?: ConstructorParameters<typeof WebSocket>[2]): Promise<Client> {
    const ws = new WebSocket(url, opts);
    await once(ws, 'open');
    return new Client(ws);
  }

  next(): Promise<Json> {
    const m = this.#queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  get queued(): number {
    return this.#queue.length;
  }

  send(body: unknown): void {
    this.ws.send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  async call(method: string, params?: unknown): Promise<Json> {
    const id = this.#nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    const m = await this.next();
    assert.equal(m.id, id, `expected the response to ${method}, got ${JSON.stringify(m)}`);
    return m;
  }

  async closed(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.CLOSED) throw new Error('already closed');
    const [code, reason] = await once(this.ws, 'close');
    return { code, reason: String(reason) };
  }

  close(): void {
    this.ws.close();
  }
}

function rejectedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('upgrade unexpectedly accepted')));
    ws.on('error', () => {});
  });
}

interface Fixture {
  server: RpcServer;
  wsUrl: string;
  url: string;
  /** The server side of the last connection that called `whoami`. */
  connections: RpcConnection[];
  /** Resolves, with the function that opens it, once a `gate` call is waiting. */
  gate(): Promise<() => void>;
}

async function start(opts: Partial<RpcServerOptions> = {}, metrics?: Metrics): Promise<Fixture> {
  const server = new RpcServer({ host: '127.0.0.1', port: 0, ...opts }, { logger: silentLogger, metrics });
  const connections: RpcConnection[] = [];
  const gateCalls: (() => void)[] = [];
  const gateWaiters: ((open: () => void) => void)[] = [];
  const gate = (): Promise<() => void> => {
    const open = gateCalls.shift();
    return open ? Promise.resolve(open) : new Promise((resolve) => gateWaiters.push(resolve));
  };
  server.register('echo', (p) => p);
  server.register('whoami', (_p, ctx: RpcContext) => {
    assert.ok(ctx.connection);
    connections.push(ctx.connection);
    return { transport: ctx.transport, id: ctx.connection.id, remote: ctx.remoteAddress };
  });
  server.register(
    'gate',
    () =>
      new Promise<string>((resolve) => {
        const open = () => resolve('opened');
        const waiter = gateWaiters.shift();
        if (waiter) waiter(open);
        else gateCalls.push(open);
      }),
  );
  server.register('publish', (p) => {
    const [topic, event] = p as [string, unknown];
    server.publish(topic, event);
    return true;
  });
  server.defineTopic('newBlocks');
  server.defineTopic('txs', {
    validateFilter: (f) => {
      if (f === undefined) return {};
      if (typeof f !== 'object' || f === null || typeof (f as { sender?: unknown }).sender !== 'string') {
        throw new LatticeError('RPC_INVALID_PARAMS', 'filter.sender must be a string');
      }
      return { sender: (f as { sender: string }).sender.toLowerCase() };
    },
    match: (filter, event) => {
      const s = (filter as { sender?: string }).sender;
      return s === undefined || s === (event as { sender: string }).sender;
    },
  });
  const { url, wsUrl } = await server.listen();
  return { server, url, wsUrl, connections, gate };
}

describe('RpcServer over WebSocket', TIMEOUT, () => {
  let f: Fixture;
  before(async () => {
    f = await start({ wsSubscriptionsPerConnMax: 3, bodyBytesMax: 64 * 1024 });
  });
  after(() => f.server.close());

  test('calls, batches and notifications over ws, on /ws and on /', async () => {
    for (const path of ['/ws', '/']) {
      const c = await Client.open(f.wsUrl.replace('/ws', path));
      const who = await c.call('whoami');
      assert.equal(who.result.transport, 'ws');
      assert.equal(who.result.remote, '127.0.0.1');
      c.send([
        { jsonrpc: '2.0', id: 'a', method: 'echo', params: [1] },
        { jsonrpc: '2.0', method: 'echo', params: [2] },
        { jsonrpc: '2.0', id: 'b', method: 'nope' },
      ]);
      const batch = await c.next();
      assert.equal(batch.length, 2);
      assert.deepEqual(batch[0], { jsonrpc: '2.0', id: 'a', result: [1] });
      assert.equal(batch[1].error.code, -32601);
      // A lone notification gets nothing back: the next thing received answers the next call.
      c.send({ jsonrpc: '2.0', method: 'echo' });
      assert.deepEqual((await c.call('echo', ['after'])).result, ['after']);
      c.send('{not json');
      assert.equal((await c.next()).error.code, -32700);
      c.ws.send(Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'echo', params: ['bin'] })), {
        binary: true,
      });
      assert.deepEqual((await c.next()).result, ['bin']);
      c.close();
      await c.closed();
    }
  });

  test('upgrades on other paths are refused with 404', async () => {
    assert.equal(await rejectedStatus(f.wsUrl.replace('/ws', '/other')), 404);
  });

  test('messages from one connection are handled in order', async () => {
    const c = await Client.open(f.wsUrl);
    c.send({ jsonrpc: '2.0', id: 1, method: 'gate' });
    c.send({ jsonrpc: '2.0', id: 2, method: 'echo', params: ['second'] });
    // Were messages handled concurrently, the echo would be answered while the gate is shut.
    const open = await f.gate();
    open();
    assert.deepEqual(await c.next(), { jsonrpc: '2.0', id: 1, result: 'opened' });
    assert.deepEqual((await c.next()).id, 2);
    c.close();
  });

  test('subscribe, receive, unsubscribe', async () => {
    const c = await Client.open(f.wsUrl);
    const sub = await c.call('lat_subscribe', ['newBlocks']);
    assert.match(sub.result, /^0x[0-9a-f]{32}$/);
    assert.equal(f.server.subscriberCount('newBlocks'), 1);
    f.server.publish('newBlocks', { height: 5n, hash: new Uint8Array([0xaa, 0xbb]) });
    assert.deepEqual(await c.next(), {
      jsonrpc: '2.0',
      method: 'lat_subscription',
      params: { subscription: sub.result, result: { height: '5', hash: '0xaabb' } },
    });
    const named = await c.call('lat_subscribe', { topic: 'newBlocks' });
    f.server.publish('newBlocks', 1);
    const got = [await c.next(), await c.next()].map((m) => m.params.subscription).sort();
    assert.deepEqual(got, [sub.result, named.result].sort());

    assert.equal((await c.call('lat_unsubscribe', [sub.result])).result, true);
    assert.equal((await c.call('lat_unsubscribe', [sub.result])).result, false);
    assert.equal((await c.call('lat_unsubscribe', { subscription: named.result })).result, true);
    assert.equal(f.server.subscriberCount('newBlocks'), 0);
    f.server.publish('newBlocks', 2);
    // Frames arrive in order, so had the event been sent it would precede this response.
    assert.deepEqual((await c.call('echo', ['x'])).result, ['x']);
    assert.equal((await c.call('lat_unsubscribe', [42])).error.code, -32602);
    c.close();
  });

  test('another connection cannot unsubscribe someone else', async () => {
    const a = await Client.open(f.wsUrl);
    const b = await Client.open(f.wsUrl);
    const sub = await a.call('lat_subscribe', ['newBlocks']);
    assert.equal((await b.call('lat_unsubscribe', [sub.result])).result, false);
    assert.equal((await a.call('lat_unsubscribe', [sub.result])).result, true);
    a.close();
    b.close();
  });

  test('topic filters are validated and matched', async () => {
    const c = await Client.open(f.wsUrl);
    const alice = await c.call('lat_subscribe', ['txs', { sender: 'ALICE' }]);
    const all = await c.call('lat_subscribe', ['txs']);
    const bad = await c.call('lat_subscribe', ['txs', { sender: 1 }]);
    assert.equal(bad.error.code, -32602);
    assert.equal(bad.error.data.code, 'RPC_INVALID_PARAMS');
    const unknown = await c.call('lat_subscribe', ['noSuchTopic']);
    assert.equal(unknown.error.code, -32602);
    assert.equal((await c.call('lat_subscribe', [])).error.code, -32602);

    f.server.publish('txs', { sender: 'bob', n: 1 });
    f.server.publish('txs', { sender: 'alice', n: 2 });
    const m1 = await c.next();
    assert.deepEqual(m1.params, { subscription: all.result, result: { sender: 'bob', n: 1 } });
    const m2 = await c.next();
    const m3 = await c.next();
    assert.deepEqual(
      [m2.params.subscription, m3.params.subscription].sort(),
      [alice.result, all.result].sort(),
    );
    assert.equal(m2.params.result.n, 2);
    assert.equal(m3.params.result.n, 2);
    c.close();
  });

  test('events published before the subscription id is sent arrive after it', async () => {
    const c = await Client.open(f.wsUrl);
    c.send([
      { jsonrpc: '2.0', id: 1, method: 'lat_subscribe', params: ['newBlocks'] },
      { jsonrpc: '2.0', id: 2, method: 'publish', params: ['newBlocks', { height: 1 }] },
    ]);
    const batch = await c.next();
    assert.ok(Array.isArray(batch));
    const id = batch[0].result;
    const note = await c.next();
    assert.deepEqual(note.params, { subscription: id, result: { height: 1 } });
    c.close();
  });

  test('subscriptions per connection are limited', async () => {
    const c = await Client.open(f.wsUrl);
    for (let i = 0; i < 3; i++) assert.ok((await c.call('lat_subscribe', ['newBlocks'])).result);
    const out = await c.call('lat_subscribe', ['newBlocks']);
    assert.equal(out.error.code, -32000 - 607);
    assert.equal(out.error.data.code, 'RPC_TOO_MANY_SUBSCRIPTIONS');
    assert.deepEqual(out.error.data.meta, { max: 3 });
    c.close();
  });

  test('subscriptions die with their connection', async () => {
    const c = await Client.open(f.wsUrl);
    await c.call('whoami');
    const conn = f.connections.at(-1)!;
    const before = f.server.subscriberCount('newBlocks');
    await c.call('lat_subscribe', ['newBlocks']);
    await c.call('lat_subscribe', ['txs']);
    assert.equal(conn.subscriptionCount, 2);
    assert.equal(f.server.subscriberCount('newBlocks'), before + 1);
    const gone = new Promise<void>((resolve) => conn.onClose(resolve));
    c.close();
    await gone;
    assert.equal(conn.closed, true);
    assert.equal(conn.subscriptionCount, 0);
    assert.equal(f.server.subscriberCount('newBlocks'), before);
    assert.equal(f.server.subscriberCount('txs'), 0);
    // Publishing to a topic whose subscribers are gone is harmless.
    f.server.publish('newBlocks', 1);
  });

  test('a message over the size limit closes the connection with 1009', async () => {
    const c = await Client.open(f.wsUrl);
    const closed = c.closed();
    c.send({ jsonrpc: '2.0', id: 1, method: 'echo', params: ['x'.repeat(70 * 1024)] });
    assert.equal((await closed).code, 1009);
  });

  test('publishing to an undefined topic is a programming error', () => {
    assert.throws(() => f.server.publish('nope', 1), /undefined topic/);
    assert.throws(() => f.server.defineTopic('newBlocks'), /twice/);
  });
});

describe('WebSocket limits', TIMEOUT, () => {
  test('connections beyond wsConnectionsMax get HTTP 503 until one closes', async (t) => {
    const m = new Metrics();
    const f = await start({ wsConnectionsMax: 2 }, m);
    t.after(() => f.server.close());
    const a = await Client.open(f.wsUrl);
    const b = await Client.open(f.wsUrl);
    assert.equal(f.server.connectionCount, 2);
    assert.match(await m.text(), /lattice_rpc_ws_connections 2/);
    assert.equal(await rejectedStatus(f.wsUrl), 503);
    await a.call('whoami');
    const gone = new Promise<void>((resolve) => f.connections[0]!.onClose(resolve));
    a.close();
    await gone;
    const c = await Client.open(f.wsUrl);
    assert.equal((await c.call('echo', [1])).result[0], 1);
    b.close();
    c.close();
    await f.server.close();
    assert.equal(f.server.connectionCount, 0);
    assert.match(await m.text(), /lattice_rpc_ws_connections 0/);
  });

  test('a slow consumer is disconnected with 1008 instead of buffering without bound', async (t) => {
    const f = await start({ wsSendBufferBytesMax: 256 * 1024 });
    t.after(() => f.server.close());
    const c = await Client.open(f.wsUrl);
    const fast = await Client.open(f.wsUrl);
    await c.call('whoami');
    const conn = f.connections[0]!;
    await c.call('lat_subscribe', ['newBlocks']);
    await fast.call('lat_subscribe', ['newBlocks']);
    c.ws.pause();
    const event = { payload: 'x'.repeat(64 * 1024) };
    // Kernel socket buffers absorb a few MiB before anything stays in user space; 64 MiB is a bound.
    // The fast client reads each event before the next is published, as a healthy client would.
    let published = 0;
    while (!conn.closed && published < 1024) {
      f.server.publish('newBlocks', event);
      published++;
      assert.equal((await fast.next()).params.result.payload.length, event.payload.length);
    }
    assert.equal(conn.closed, true, `still open after ${published} events`);
    assert.equal(conn.subscriptionCount, 0);
    assert.equal(f.server.subscriberCount('newBlocks'), 1);
    const closed = c.closed();
    c.ws.resume();
    const { code, reason } = await closed;
    assert.equal(code, 1008);
    assert.match(reason, /slow consumer/);
    // The client got fewer events than were published: the rest were never buffered for it.
    assert.ok(c.queued < published, `${c.queued} of ${published}`);
    fast.close();
    await f.server.close();
  });

  test('keepalive: pings are sent, and a peer that never answers is dropped', async (t) => {
    const f = await start({ wsPingIntervalMs: 20 });
    t.after(() => f.server.close());
    const ok = await Client.open(f.wsUrl);
    await once(ok.ws, 'ping');
    await once(ok.ws, 'ping');
    const mute = await Client.open(f.wsUrl, { autoPong: false });
    const { code } = await mute.closed();
    assert.equal(code, 1006);
    assert.equal(ok.ws.readyState, WebSocket.OPEN);
    ok.close();
    await f.server.close();
  });

  test('close() closes open connections with 1001 and resolves', async (t) => {
    const f = await start();
    t.after(() => f.server.close());
    const a = await Client.open(f.wsUrl);
    const b = await Client.open(f.wsUrl);
    await a.call('lat_subscribe', ['newBlocks']);
    const closedA = a.closed();
    const closedB = b.closed();
    await f.server.close();
    assert.equal((await closedA).code, 1001);
    assert.equal((await closedB).code, 1001);
    assert.equal(f.server.subscriberCount('newBlocks'), 0);
    assert.equal(f.server.connectionCount, 0);
    await assert.rejects(fetch(f.url, { method: 'POST', body: '{}' }));
  });

  test('close() resolves even when a client never answers the closing handshake', async (t) => {
    const f = await start();
    t.after(() => f.server.close());
    const c = await Client.open(f.wsUrl);
    t.after(() => c.ws.terminate());
    c.ws.pause();
    await f.server.close();
    assert.equal(f.server.connectionCount, 0);
    c.ws.terminate();
  });
});
