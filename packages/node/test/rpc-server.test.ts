import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createLogger, ERROR_CODES, type ErrorCode, LatticeError, silentLogger } from '@lattice/utils';
import {
  JSONRPC_INTERNAL_ERROR,
  JSONRPC_INVALID_PARAMS,
  JSONRPC_INVALID_REQUEST,
  JSONRPC_METHOD_NOT_FOUND,
  JSONRPC_PARSE_ERROR,
  jsonRpcCode,
} from '../src/rpc/errors.ts';
import { toJson } from '../src/rpc/json.ts';
import { readParams } from '../src/rpc/params.ts';
import { type RpcContext, RpcServer } from '../src/rpc/server.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON responses are checked field by field.
type Json = any;

const TIMEOUT = { timeout: 10_000 };

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function rpc(url: string, body: unknown): Promise<Json> {
  const res = await post(url, body);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return res.json();
}

describe('RpcServer over HTTP', TIMEOUT, () => {
  const logLines: string[] = [];
  const server = new RpcServer(
    { host: '127.0.0.1', port: 0, batchMax: 4, bodyBytesMax: 4096 },
    { logger: createLogger({ level: 'debug', format: 'json', write: (l) => logLines.push(l) }) },
  );
  let url = '';
  const order: string[] = [];
  let lastCtx: RpcContext | undefined;

  before(async () => {
    server.register('echo', (params) => params);
    server.register('add', (params) => {
      const [a, b] = readParams(params, ['a', 'b']);
      if (typeof a !== 'number' || typeof b !== 'number') {
        throw new LatticeError('RPC_INVALID_PARAMS', 'a and b must be numbers');
      }
      return a + b;
    });
    server.register('ctx', (_p, ctx) => {
      lastCtx = ctx;
      return ctx.transport;
    });
    server.register('badSig', () => {
      throw new LatticeError('TX_BAD_SIGNATURE', 'signature does not verify', { index: 0, alg: 'ml-dsa-44' });
    });
    server.register('badArg', async () => {
      throw new LatticeError('INVALID_ARGUMENT', 'height must be positive', { height: -1 });
    });
    server.register('boom', () => {
      throw new TypeError('secret internal detail');
    });
    server.register('throwString', () => Promise.reject('plain string'));
    server.register('internalLattice', () => {
      throw new LatticeError('INTERNAL', 'db path /var/secret broke');
    });
    server.register('values', () => ({
      big: 2n ** 80n,
      neg: -5n,
      bytes: new Uint8Array([0, 1, 0xab, 0xff]),
      buf: Buffer.from('hi'),
      empty: new Uint8Array(0),
      nested: [{ n: 1n }],
      num: 1.5,
      nil: null,
    }));
    server.register('nothing', () => undefined);
    server.register('circular', () => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    });
    server.register('slowFirst', async (params) => {
      // Takes its place synchronously, then finishes late: the batch must not wait for it
      // before starting the next entry, yet the synchronous parts run in request order.
      order.push(`start:${String((params as string[])[0])}`);
      for (let i = 0; i < 10; i++) await Promise.resolve();
      order.push(String((params as string[])[0]));
      return true;
    });
    server.register('fastSecond', (params) => {
      order.push(String((params as string[])[0]));
      return true;
    });
    server.route('GET', '/health', async ({ query }) => ({
      status: 200,
      body: { ok: true, q: query.get('q') },
    }));
    server.route('POST', '/faucet', async ({ body }) => ({ status: 201, body: { got: body, amount: 10n } }));
    server.route('GET', '/metrics', async () => ({
      status: 200,
      body: 'a_metric 1\n',
      contentType: 'text/plain; version=0.0.4',
    }));
    server.route('GET', '/missing', async () => {
      throw new LatticeError('NOT_FOUND', 'no such block', { height: 9 });
    });
    server.route('GET', '/crash', async () => {
      throw new Error('route secret');
    });
    ({ url } = await server.listen());
  });

  after(() => server.close());

  test('single call with positional and named params', async () => {
    assert.deepEqual(await rpc(url, { jsonrpc: '2.0', id: 1, method: 'add', params: [2, 3] }), {
      jsonrpc: '2.0',
      id: 1,
      result: 5,
    });
    const named = await rpc(url, { jsonrpc: '2.0', id: 'x', method: 'add', params: { a: 1, b: 1 } });
    assert.deepEqual(named, { jsonrpc: '2.0', id: 'x', result: 2 });
    const nullId = await rpc(url, { jsonrpc: '2.0', id: null, method: 'echo' });
    assert.deepEqual(nullId, { jsonrpc: '2.0', id: null, result: null });
  });

  test('POST /rpc is the same endpoint', async () => {
    const out = await rpc(`${url}/rpc`, { jsonrpc: '2.0', id: 7, method: 'echo', params: ['a'] });
    assert.deepEqual(out.result, ['a']);
  });

  test('handlers get an http context with the remote address', async () => {
    const out = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'ctx' });
    assert.equal(out.result, 'http');
    assert.equal(lastCtx?.transport, 'http');
    assert.equal(lastCtx?.remoteAddress, '127.0.0.1');
    assert.equal(lastCtx?.connection, undefined);
  });

  test('batch with success, errors and a notification keeps order and omits the notification', async () => {
    const out = await rpc(url, [
      { jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2] },
      { jsonrpc: '2.0', method: 'echo', params: ['notified'] },
      { jsonrpc: '2.0', id: 2, method: 'badSig' },
      { jsonrpc: '2.0', id: 3, method: 'nope' },
    ]);
    assert.equal(out.length, 3);
    assert.deepEqual(out[0], { jsonrpc: '2.0', id: 1, result: 3 });
    assert.equal(out[1].id, 2);
    assert.equal(out[1].error.data.code, 'TX_BAD_SIGNATURE');
    assert.equal(out[2].id, 3);
    assert.equal(out[2].error.code, JSONRPC_METHOD_NOT_FOUND);
  });

  test('batch entries start in request order and run concurrently; responses keep request order', async () => {
    order.length = 0;
    const out = await rpc(url, [
      { jsonrpc: '2.0', id: 1, method: 'slowFirst', params: ['first'] },
      { jsonrpc: '2.0', id: 2, method: 'fastSecond', params: ['second'] },
    ]);
    assert.deepEqual(order, ['start:first', 'second', 'first']);
    assert.deepEqual(
      (out as { id: number }[]).map((r) => r.id),
      [1, 2],
    );
  });

  test('notifications alone get HTTP 204 and no body', async () => {
    const single = await post(url, { jsonrpc: '2.0', method: 'echo', params: [1] });
    assert.equal(single.status, 204);
    assert.equal(await single.text(), '');
    const batch = await post(url, [
      { jsonrpc: '2.0', method: 'echo' },
      { jsonrpc: '2.0', method: 'boom' },
      { jsonrpc: '2.0', method: 'unknownMethod' },
    ]);
    assert.equal(batch.status, 204);
    assert.equal(await batch.text(), '');
  });

  test('parse errors: invalid JSON, truncated batch, invalid UTF-8', async () => {
    for (const body of [
      '{"jsonrpc": "2.0", "method": "foo", "params": "bar", "baz]',
      '[{"jsonrpc": "2.0"',
      '',
    ]) {
      const out = await rpc(url, body);
      assert.equal(out.id, null);
      assert.equal(out.error.code, JSONRPC_PARSE_ERROR);
      assert.equal(out.error.data.code, 'RPC_PARSE_ERROR');
    }
    const res = await fetch(url, { method: 'POST', body: new Uint8Array([0x22, 0xff, 0xfe, 0x22]) });
    const out = (await res.json()) as Json;
    assert.equal(out.error.code, JSONRPC_PARSE_ERROR);
  });

  test('invalid request objects are -32600, echoing the id only when it is valid', async () => {
    const cases: [unknown, unknown][] = [
      [{ id: 1, method: 'echo' }, 1],
      [{ jsonrpc: '1.0', id: 2, method: 'echo' }, 2],
      [{ jsonrpc: 2, id: 3, method: 'echo' }, 3],
      [{ jsonrpc: '2.0', id: 4, method: 1 }, 4],
      [{ jsonrpc: '2.0', id: 5 }, 5],
      [{ jsonrpc: '2.0', id: 6, method: 'echo', params: 'bar' }, 6],
      [{ jsonrpc: '2.0', id: 7, method: 'echo', params: null }, 7],
      [{ jsonrpc: '2.0', id: 8, method: 'echo', params: 42 }, 8],
      [{ jsonrpc: '2.0', id: { a: 1 }, method: 'echo' }, null],
      [{ jsonrpc: '2.0', id: true, method: 'echo' }, null],
      [{ jsonrpc: '2.0', method: 1, params: 'bar' }, null],
      [42, null],
      ['"a string"', null],
      [null, null],
    ];
    for (const [body, id] of cases) {
      const out = await rpc(url, body);
      assert.equal(out.error?.code, JSONRPC_INVALID_REQUEST, JSON.stringify(body));
      assert.equal(out.error.data.code, 'RPC_INVALID_REQUEST');
      assert.equal(out.id, id, JSON.stringify(body));
      assert.equal(out.jsonrpc, '2.0');
      assert.ok(!('result' in out));
    }
  });

  test('a batch of non-objects gets one error per entry; an empty batch gets a single error', async () => {
    const out = await rpc(url, [1, 2, 3]);
    assert.equal(out.length, 3);
    for (const e of out) assert.equal(e.error.code, JSONRPC_INVALID_REQUEST);
    const empty = await rpc(url, []);
    assert.ok(!Array.isArray(empty));
    assert.equal(empty.error.code, JSONRPC_INVALID_REQUEST);
    assert.equal(empty.id, null);
  });

  test('unknown method is -32601 with the method name in meta', async () => {
    const out = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'lat_nothing' });
    assert.equal(out.error.code, JSONRPC_METHOD_NOT_FOUND);
    assert.equal(out.error.data.code, 'RPC_METHOD_NOT_FOUND');
    assert.equal(out.error.data.meta.method, 'lat_nothing');
  });

  test('LatticeErrors map to stable codes with data.code and meta', async () => {
    const sig = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'badSig' });
    assert.deepEqual(sig.error, {
      code: -32000 - ERROR_CODES.TX_BAD_SIGNATURE,
      message: 'signature does not verify',
      data: { code: 'TX_BAD_SIGNATURE', meta: { index: 0, alg: 'ml-dsa-44' } },
    });
    const arg = await rpc(url, { jsonrpc: '2.0', id: 2, method: 'badArg' });
    assert.equal(arg.error.code, JSONRPC_INVALID_PARAMS);
    assert.equal(arg.error.data.code, 'INVALID_ARGUMENT');
    assert.deepEqual(arg.error.data.meta, { height: -1 });
    const params = await rpc(url, { jsonrpc: '2.0', id: 3, method: 'add', params: ['x', 1] });
    assert.equal(params.error.code, JSONRPC_INVALID_PARAMS);
    assert.equal(params.error.data.code, 'RPC_INVALID_PARAMS');
    const extra = await rpc(url, { jsonrpc: '2.0', id: 4, method: 'add', params: { a: 1, b: 2, c: 3 } });
    assert.equal(extra.error.code, JSONRPC_INVALID_PARAMS);
  });

  test('anything else thrown is -32603 internal error, logged, with no message or stack leaked', async () => {
    logLines.length = 0;
    for (const method of ['boom', 'throwString', 'internalLattice']) {
      const res = await post(url, { jsonrpc: '2.0', id: 1, method });
      const text = await res.text();
      assert.ok(!text.includes('secret'), text);
      assert.ok(!text.includes('plain string'), text);
      assert.ok(!text.includes('at '), text);
      const out = JSON.parse(text);
      assert.deepEqual(out.error, {
        code: JSONRPC_INTERNAL_ERROR,
        message: 'internal error',
        data: { code: 'INTERNAL', meta: {} },
      });
    }
    const logged = logLines.join('\n');
    assert.match(logged, /secret internal detail/);
    assert.match(logged, /plain string/);
    assert.match(logged, /\/var\/secret/);
  });

  test('results: bigint as decimal string, bytes as 0x hex, undefined as null', async () => {
    const out = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'values' });
    assert.deepEqual(out.result, {
      big: '1208925819614629174706176',
      neg: '-5',
      bytes: '0x0001abff',
      buf: '0x6869',
      empty: '0x',
      nested: [{ n: '1' }],
      num: 1.5,
      nil: null,
    });
    const none = await rpc(url, { jsonrpc: '2.0', id: 2, method: 'nothing' });
    assert.ok(Object.hasOwn(none, 'result'));
    assert.equal(none.result, null);
  });

  test('a result that cannot be serialised is an internal error, not a crash', async () => {
    const out = await rpc(url, [
      { jsonrpc: '2.0', id: 1, method: 'circular' },
      { jsonrpc: '2.0', id: 2, method: 'echo', params: [1] },
    ]);
    assert.equal(out[0].error.code, JSONRPC_INTERNAL_ERROR);
    assert.deepEqual(out[1].result, [1]);
  });

  test('a batch over batchMax is one -32600 error with RPC_BATCH_TOO_LARGE', async () => {
    const entry = { jsonrpc: '2.0', id: 1, method: 'echo' };
    const ok = await rpc(url, [entry, entry, entry, entry]);
    assert.equal(ok.length, 4);
    const out = await rpc(url, [entry, entry, entry, entry, entry]);
    assert.ok(!Array.isArray(out));
    assert.equal(out.id, null);
    assert.equal(out.error.code, JSONRPC_INVALID_REQUEST);
    assert.equal(out.error.data.code, 'RPC_BATCH_TOO_LARGE');
    assert.deepEqual(out.error.data.meta, { size: 5, max: 4 });
  });

  test('a body over bodyBytesMax is HTTP 413 with a JSON-RPC error (declared length and chunked)', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: ['x'.repeat(10_000)] });
    const res = await post(url, big);
    assert.equal(res.status, 413);
    const out = (await res.json()) as Json;
    assert.equal(out.jsonrpc, '2.0');
    assert.equal(out.id, null);
    assert.equal(out.error.data.code, 'LIMIT_EXCEEDED');
    assert.equal(out.error.data.meta.bytesMax, 4096);

    // No Content-Length: the server must stop reading at the limit, not after the whole upload.
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 8 * 1024 * 1024) c.close();
        else {
          sent += chunk.length;
          c.enqueue(chunk);
        }
      },
    });
    const chunked = await fetch(url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    assert.equal(chunked.status, 413);
    assert.equal(((await chunked.json()) as Json).error.data.code, 'LIMIT_EXCEEDED');

    const fine = await rpc(url, { jsonrpc: '2.0', id: 2, method: 'echo', params: ['x'.repeat(1000)] });
    assert.equal(fine.result[0].length, 1000);
  });

  test('the 413 is sent before the body is read when Content-Length is over the limit', async () => {
    const { port } = new URL(url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-length': '999999' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(status, 413);
  });

  test('CORS: preflight and headers on responses', async () => {
    const pre = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-custom',
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type, x-custom');
    const res = await post(url, { jsonrpc: '2.0', id: 1, method: 'echo' }, { origin: 'http://example.com' });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    await res.body?.cancel();
    const notFound = await fetch(`${url}/nothing`);
    assert.equal(notFound.headers.get('access-control-allow-origin'), '*');
    await notFound.body?.cancel();
  });

  test('extra routes: GET with query, POST with JSON body, raw text, errors', async () => {
    const health = await fetch(`${url}/health?q=1`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true, q: '1' });

    const faucet = await post(`${url}/faucet`, { address: 'lat1xyz' });
    assert.equal(faucet.status, 201);
    assert.deepEqual(await faucet.json(), { got: { address: 'lat1xyz' }, amount: '10' });

    const emptyBody = await fetch(`${url}/faucet`, { method: 'POST' });
    assert.deepEqual(await emptyBody.json(), { amount: '10' });

    const badJson = await post(`${url}/faucet`, '{nope');
    assert.equal(badJson.status, 400);
    assert.equal(((await badJson.json()) as Json).error.code, 'RPC_PARSE_ERROR');

    const metrics = await fetch(`${url}/metrics`);
    assert.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4');
    assert.equal(await metrics.text(), 'a_metric 1\n');

    const missing = await fetch(`${url}/missing`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), {
      error: { code: 'NOT_FOUND', message: 'no such block', meta: { height: 9 } },
    });

    const crash = await fetch(`${url}/crash`);
    assert.equal(crash.status, 500);
    const crashText = await crash.text();
    assert.ok(!crashText.includes('secret'));
  });

  test('unknown paths are 404 JSON; known paths with the wrong method are 405', async () => {
    const res = await fetch(`${url}/no/such/path`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(((await res.json()) as Json).error.code, 'NOT_FOUND');
    const post404 = await post(`${url}/nope`, {});
    assert.equal(post404.status, 404);
    await post404.body?.cancel();
    const getRoot = await fetch(url);
    assert.equal(getRoot.status, 405);
    assert.match(getRoot.headers.get('allow') ?? '', /POST/);
    await getRoot.body?.cancel();
    const postHealth = await post(`${url}/health`, {});
    assert.equal(postHealth.status, 405);
    await postHealth.body?.cancel();
  });

  test('subscriptions are refused over HTTP', async () => {
    const out = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'lat_subscribe', params: ['newBlocks'] });
    assert.equal(out.error.code, JSONRPC_METHOD_NOT_FOUND);
  });

  test('registration mistakes are programming errors', () => {
    assert.throws(() => server.register('echo', () => 1), /registered twice/);
    assert.throws(() => server.register('lat_subscribe', () => 1), /registered twice/);
    assert.throws(() => server.register('rpc.discover', () => 1), /reserved/);
    assert.throws(() => server.route('GET', '/health', async () => ({ status: 200, body: 1 })), /twice/);
    assert.throws(() => server.route('POST', '/rpc', async () => ({ status: 200, body: 1 })), /reserved/);
  });
});

describe('RpcServer lifecycle', TIMEOUT, () => {
  test('listening on a taken port is a LatticeError IO; close() is idempotent', async () => {
    const a = new RpcServer({ host: '127.0.0.1', port: 0 }, { logger: silentLogger });
    const { port, url, wsUrl } = await a.listen();
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.equal(wsUrl, `ws://127.0.0.1:${port}/ws`);
    const b = new RpcServer({ host: '127.0.0.1', port }, { logger: silentLogger });
    await assert.rejects(b.listen(), (e: unknown) => e instanceof LatticeError && e.code === 'IO');
    await Promise.all([a.close(), a.close()]);
    await a.close();
    await b.close();
    const never = new RpcServer({ host: '127.0.0.1', port: 0 }, { logger: silentLogger });
    await never.close();
  });

  test('custom CORS origin', async () => {
    const s = new RpcServer(
      { host: '127.0.0.1', port: 0, corsOrigin: 'https://app.example' },
      { logger: silentLogger },
    );
    const { url } = await s.listen();
    const res = await fetch(url, { method: 'OPTIONS' });
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(res.headers.get('vary'), 'Origin');
    await s.close();
  });

  test('invalid options are rejected', () => {
    assert.throws(() => new RpcServer({ host: '127.0.0.1', port: -1 }, { logger: silentLogger }));
    assert.throws(() => new RpcServer({ host: '127.0.0.1', port: 0, batchMax: 0 }, { logger: silentLogger }));
  });
});

describe('error mapping', () => {
  test('standard codes and the -32000 - n rule', () => {
    assert.equal(jsonRpcCode('RPC_PARSE_ERROR'), -32700);
    assert.equal(jsonRpcCode('RPC_INVALID_REQUEST'), -32600);
    assert.equal(jsonRpcCode('RPC_BATCH_TOO_LARGE'), -32600);
    assert.equal(jsonRpcCode('RPC_METHOD_NOT_FOUND'), -32601);
    assert.equal(jsonRpcCode('RPC_INVALID_PARAMS'), -32602);
    assert.equal(jsonRpcCode('INVALID_ARGUMENT'), -32602);
    assert.equal(jsonRpcCode('INTERNAL'), -32603);
    assert.equal(jsonRpcCode('TX_BAD_SIGNATURE'), -32106);
    assert.equal(jsonRpcCode('MEMPOOL_FULL'), -32201);
    assert.equal(jsonRpcCode('RPC_TOO_MANY_SUBSCRIPTIONS'), -32607);
  });

  test('no other code lands on a standard JSON-RPC code or on another code', () => {
    const standard = new Set([-32700, -32600, -32601, -32602, -32603]);
    const seen = new Map<number, ErrorCode>();
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const n = jsonRpcCode(code);
      if (standard.has(n)) continue;
      assert.ok(n <= -32001 && n >= -32999, `${code} → ${n}`);
      assert.ok(!seen.has(n), `${code} and ${seen.get(n)} both map to ${n}`);
      seen.set(n, code);
    }
  });
});

describe('readParams', () => {
  test('positional, named, missing and extra params', () => {
    assert.deepEqual(readParams([1, 2], ['a', 'b']), [1, 2]);
    assert.deepEqual(readParams({ b: 2, a: 1 }, ['a', 'b']), [1, 2]);
    assert.deepEqual(readParams(['t'], ['topic', 'filter'], 1), ['t', undefined]);
    assert.deepEqual(readParams(undefined, ['x'], 0), [undefined]);
    const invalid = (e: unknown) => e instanceof LatticeError && e.code === 'RPC_INVALID_PARAMS';
    assert.throws(() => readParams([1], ['a', 'b']), invalid);
    assert.throws(() => readParams([1, 2, 3], ['a', 'b']), invalid);
    assert.throws(() => readParams({ a: 1, c: 2 }, ['a', 'b'], 1), invalid);
    assert.throws(() => readParams(undefined, ['a']), invalid);
    assert.throws(() => readParams('x', ['a']), invalid);
    assert.throws(() => readParams([null], ['a']), invalid);
  });
});

describe('toJson', () => {
  test('replacer rules', () => {
    assert.equal(toJson(undefined), 'null');
    assert.equal(toJson(10n), '"10"');
    assert.equal(toJson(new Uint8Array([1, 2])), '"0x0102"');
    assert.equal(toJson({ a: [Buffer.from([255])] }), '{"a":["0xff"]}');
  });
});
