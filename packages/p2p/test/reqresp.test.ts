import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isLatticeError } from '@lattice/utils';
import type { P2PHost } from '../src/index.ts';
import { connectPair, Hosts, waitFor, waitUntil } from './helpers.ts';

const hosts = new Hosts();
let a: P2PHost;
let b: P2PHost;
/** Settled at the end so handlers that never answer do not outlive the suite. */
let release: () => void = () => {};
const released = new Promise<void>((r) => {
  release = r;
});

before(async () => {
  a = await hosts.make();
  b = await connectPair(hosts, a);
  a.handle('/t/echo/1', async (req, from) => {
    assert.equal(from, b.peerId);
    return req;
  });
  a.handle('/t/small/1', async () => new Uint8Array(0), { maxRequestBytes: 100 });
  a.handle('/t/big/1', async () => new Uint8Array(1000));
  a.handle('/t/never/1', () => released.then(() => new Uint8Array()));
  a.handle('/t/slow-server/1', () => released.then(() => new Uint8Array()), { timeoutMs: 200 });
  a.handle('/t/fail/1', async () => {
    throw new Error('no such block');
  });
  b.handle('/t/reverse/1', async (req) => req.slice().reverse());
});
after(async () => {
  release();
  await hosts.stopAll();
});

describe('request/response', () => {
  it('round-trips in both directions, including empty and large bodies', async () => {
    assert.deepEqual(await b.request(a.peerId, '/t/echo/1', Uint8Array.of(1, 2, 3)), Uint8Array.of(1, 2, 3));
    assert.deepEqual(await b.request(a.peerId, '/t/echo/1', new Uint8Array()), new Uint8Array());
    const big = Uint8Array.from({ length: 900_000 }, (_, i) => i % 251);
    assert.deepEqual(await b.request(a.peerId, '/t/echo/1', big), big);
    assert.deepEqual(await a.request(b.peerId, '/t/reverse/1', Uint8Array.of(1, 2)), Uint8Array.of(2, 1));
  });

  it('an oversized request is refused unread and the sender penalised', async () => {
    const penalized = waitFor(a, (e) => e.type === 'peer:penalized' && e.peer === b.peerId);
    await assert.rejects(b.request(a.peerId, '/t/small/1', new Uint8Array(101)), (e) =>
      isLatticeError(e, 'P2P_REQUEST_FAILED'),
    );
    const ev = await penalized;
    assert.equal(ev.type === 'peer:penalized' && ev.reason, 'oversized request on /t/small/1');
    assert.deepEqual(await b.request(a.peerId, '/t/small/1', new Uint8Array(100)), new Uint8Array());
  });

  it('a response above the requester limit fails with LIMIT_EXCEEDED', async () => {
    await assert.rejects(b.request(a.peerId, '/t/big/1', new Uint8Array(), { maxResponseBytes: 999 }), (e) =>
      isLatticeError(e, 'LIMIT_EXCEEDED'),
    );
    assert.equal(
      (await b.request(a.peerId, '/t/big/1', new Uint8Array(), { maxResponseBytes: 1000 })).length,
      1000,
    );
  });

  it('times out on the requester side and on the handler side', async () => {
    const t0 = performance.now();
    await assert.rejects(b.request(a.peerId, '/t/never/1', new Uint8Array(), { timeoutMs: 300 }), (e) =>
      isLatticeError(e, 'TIMEOUT'),
    );
    assert.ok(performance.now() - t0 < 3_000);
    await assert.rejects(
      b.request(a.peerId, '/t/slow-server/1', new Uint8Array(), { timeoutMs: 5_000 }),
      (e) => isLatticeError(e, 'P2P_REQUEST_FAILED'),
    );
  });

  it('handler errors and unknown protocols become P2P_REQUEST_FAILED', async () => {
    await assert.rejects(
      b.request(a.peerId, '/t/fail/1', new Uint8Array()),
      (e) => isLatticeError(e, 'P2P_REQUEST_FAILED') && /no such block/.test(e.message),
    );
    await assert.rejects(b.request(a.peerId, '/t/unknown/1', new Uint8Array()), (e) =>
      isLatticeError(e, 'P2P_REQUEST_FAILED'),
    );
    await assert.rejects(b.request('not-a-peer', '/t/echo/1', new Uint8Array()), (e) =>
      isLatticeError(e, 'INVALID_ARGUMENT'),
    );
    assert.throws(
      () => a.handle('/t/echo/1', async (r) => r),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
  });

  it('penalties below the threshold disconnect and ban the peer', async () => {
    // A fresh pair, so scores from the tests above do not count.
    const a = await hosts.make();
    const b = await connectPair(hosts, a);
    a.handle('/t/echo/1', async (req) => req);
    b.handle('/t/reverse/1', async (req) => req.slice().reverse());
    const banned = waitFor(a, (e) => e.type === 'peer:banned' && e.peer === b.peerId);
    a.penalize(b.peerId, 'test misbehaviour', 60);
    assert.equal(a.isBanned(b.peerId), false);
    a.penalize(b.peerId, 'test misbehaviour', 60);
    await banned;
    assert.ok(a.isBanned(b.peerId));
    await waitUntil(a, () => a.peers().length === 0);
    await assert.rejects(a.request(b.peerId, '/t/reverse/1', new Uint8Array()), (e) =>
      isLatticeError(e, 'P2P_PEER_BANNED'),
    );
    // b cannot get back in either: a's connection gater refuses it.
    await assert.rejects(b.request(a.peerId, '/t/echo/1', new Uint8Array(), { timeoutMs: 3_000 }));
  });
});
