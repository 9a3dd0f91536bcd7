import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { P2P_MESSAGE_BYTES_MAX } from '@lattice/params';
import { isLatticeError } from '@lattice/utils';
import type { GossipMessage, P2PEvent, P2PHost } from '../src/index.ts';
import { connectPair, Hosts, waitFor, waitUntil, withTimeout } from './helpers.ts';

const hosts = new Hosts();
after(() => hosts.stopAll());

const TOPIC = '/lattice/test/gossip/1';

function inbox(): {
  msgs: GossipMessage[];
  next: () => Promise<GossipMessage>;
  push: (m: GossipMessage) => void;
} {
  const msgs: GossipMessage[] = [];
  const waiters: ((m: GossipMessage) => void)[] = [];
  return {
    msgs,
    push: (m) => {
      msgs.push(m);
      waiters.shift()?.(m);
    },
    next: () => withTimeout(new Promise<GossipMessage>((r) => waiters.push(r)), undefined, 'gossip delivery'),
  };
}

function knowsSubscriber(h: P2PHost, peer: string) {
  return waitUntil(h, () => h.topicPeers(TOPIC).includes(peer));
}

/** b collects what it receives on TOPIC; a subscribes too and knows b as a subscriber. */
async function receiving(a: P2PHost, b: P2PHost): Promise<ReturnType<typeof inbox>> {
  const got = inbox();
  b.subscribe(TOPIC, (m) => {
    got.push(m);
    return 'accept';
  });
  a.subscribe(TOPIC, () => 'accept');
  await knowsSubscriber(a, b.peerId);
  return got;
}

describe('gossip', () => {
  it('reaches every subscriber, directly and through a forwarding peer', async () => {
    // Star topology: b and c only know a, so b → c must be forwarded by a's mesh.
    const a = await hosts.make();
    const b = await connectPair(hosts, a);
    const c = await connectPair(hosts, a);
    const boxes = { a: inbox(), b: inbox(), c: inbox() };
    const meshHasC = waitFor(a, (e: P2PEvent) => e.type === 'topic:mesh' && e.peer === c.peerId && e.joined);
    for (const [h, box] of [
      [a, boxes.a],
      [b, boxes.b],
      [c, boxes.c],
    ] as const) {
      h.subscribe(TOPIC, (m) => {
        box.push(m);
        return 'accept';
      });
    }
    await Promise.all([
      knowsSubscriber(a, b.peerId),
      knowsSubscriber(a, c.peerId),
      knowsSubscriber(b, a.peerId),
    ]);

    const fromA = Promise.all([boxes.b.next(), boxes.c.next()]);
    await a.publish(TOPIC, Uint8Array.of(1));
    const [atB, atC] = await fromA;
    assert.deepEqual(
      [atB.data, atB.from, atC.data, atC.from],
      [Uint8Array.of(1), a.peerId, Uint8Array.of(1), a.peerId],
    );

    await meshHasC;
    const fromB = Promise.all([boxes.a.next(), boxes.c.next()]);
    await b.publish(TOPIC, Uint8Array.of(2));
    const [atA, atC2] = await fromB;
    assert.deepEqual([atA.data, atA.from], [Uint8Array.of(2), b.peerId]);
    assert.deepEqual([atC2.data, atC2.from], [Uint8Array.of(2), a.peerId]);
    assert.equal(boxes.b.msgs.length, 1, 'no echo of own message');
  });

  it('relayed copies are delivered once; publishing the same bytes again delivers them again', async () => {
    // A triangle: c hears each of a's messages from a and, relayed, from b.
    const a = await hosts.make();
    const b = await connectPair(hosts, a);
    const c = await hosts.make({ bootstrap: [a.addresses()[0]!, b.addresses()[0]!] });
    const boxes = { b: inbox(), c: inbox() };
    a.subscribe(TOPIC, () => 'accept');
    b.subscribe(TOPIC, (m) => {
      boxes.b.push(m);
      return 'accept';
    });
    c.subscribe(TOPIC, (m) => {
      boxes.c.push(m);
      return 'accept';
    });
    await Promise.all([
      knowsSubscriber(a, b.peerId),
      knowsSubscriber(a, c.peerId),
      knowsSubscriber(b, c.peerId),
      knowsSubscriber(c, b.peerId),
    ]);
    const first = Promise.all([boxes.b.next(), boxes.c.next()]);
    await a.publish(TOPIC, Uint8Array.of(5));
    await first;
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual([boxes.b.msgs.length, boxes.c.msgs.length], [1, 1], 'relayed copies are duplicates');
    // A deliberate re-send (consensus messages while a height is stuck) is a new message.
    const again = Promise.all([boxes.b.next(), boxes.c.next()]);
    await a.publish(TOPIC, Uint8Array.of(5));
    const [atB, atC] = await again;
    assert.deepEqual([atB.data, atC.data], [Uint8Array.of(5), Uint8Array.of(5)]);
  });

  it('with a relay delay, a forwarding peer still relays, after the delay', async () => {
    // Star topology again: c only hears b's messages through a, which waits before relaying.
    const RELAY_MS = 150;
    const topic = `${TOPIC}/delayed`;
    const a = await hosts.make();
    const b = await connectPair(hosts, a);
    const c = await connectPair(hosts, a);
    const boxes = { a: inbox(), c: inbox() };
    const at = { a: 0, c: 0 };
    a.subscribe(
      topic,
      (m) => {
        at.a = performance.now();
        boxes.a.push(m);
        return 'accept';
      },
      { relayDelayMs: RELAY_MS },
    );
    b.subscribe(topic, () => 'accept');
    c.subscribe(topic, (m) => {
      at.c = performance.now();
      boxes.c.push(m);
      return 'accept';
    });
    const meshHasC = waitFor(a, (e: P2PEvent) => e.type === 'topic:mesh' && e.peer === c.peerId && e.joined);
    await Promise.all([
      waitUntil(b, () => b.topicPeers(topic).includes(a.peerId)),
      waitUntil(a, () => a.topicPeers(topic).includes(c.peerId)),
    ]);
    await meshHasC;
    const delivered = Promise.all([boxes.a.next(), boxes.c.next()]);
    await b.publish(topic, Uint8Array.of(9));
    const [atA, atC] = await delivered;
    assert.deepEqual([atA.data, atC.data, atC.from], [Uint8Array.of(9), Uint8Array.of(9), a.peerId]);
    assert.ok(at.c - at.a >= RELAY_MS - 5, `relayed ${Math.round(at.c - at.a)} ms after a got it`);
    assert.throws(
      () => a.subscribe(`${TOPIC}/too-slow`, () => 'accept', { relayDelayMs: 60_000 }),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
    // Refused whole: the topic can still be subscribed properly.
    a.subscribe(`${TOPIC}/too-slow`, () => 'accept');
  });

  it("a 'reject' lowers the sender's score and the message is not forwarded", async () => {
    const a = await hosts.make();
    const b = await connectPair(hosts, a);
    b.subscribe(TOPIC, () => 'reject');
    a.subscribe(TOPIC, () => 'accept');
    await knowsSubscriber(a, b.peerId);
    const penalized = waitFor(b, (e) => e.type === 'peer:penalized' && e.peer === a.peerId);
    await a.publish(TOPIC, Uint8Array.of(9));
    const ev = await penalized;
    assert.equal(ev.type === 'peer:penalized' && ev.points, 20);
    assert.equal(b.peers().find((p) => p.id === a.peerId)!.score, -20);
  });

  it('an oversized message is dropped before the handler and penalised', async () => {
    const a = await hosts.make({ maxMessageBytes: 64 * 1024 });
    const b = await connectPair(hosts, a, { maxMessageBytes: 1024 });
    const got = await receiving(a, b);
    const penalized = waitFor(b, (e) => e.type === 'peer:penalized' && e.peer === a.peerId);
    await a.publish(TOPIC, new Uint8Array(4096));
    const ev = await penalized;
    assert.equal(ev.type === 'peer:penalized' && ev.reason, 'oversized gossip');
    assert.equal(b.peers().find((p) => p.id === a.peerId)!.score, -50);
    // A small message sent afterwards on the same stream is delivered, the big one never was.
    const next = got.next();
    await a.publish(TOPIC, Uint8Array.of(3));
    assert.deepEqual((await next).data, Uint8Array.of(3));
    assert.equal(got.msgs.length, 1);
    await assert.rejects(b.publish(TOPIC, new Uint8Array(1025)), (e) => isLatticeError(e, 'LIMIT_EXCEEDED'));
  });

  it('a payload of the default maximum size fits a gossip frame and is delivered', async () => {
    const a = await hosts.make();
    const b = await connectPair(hosts, a);
    const got = await receiving(a, b);
    const next = got.next();
    await a.publish(TOPIC, new Uint8Array(P2P_MESSAGE_BYTES_MAX).fill(1));
    assert.equal((await next).data.length, P2P_MESSAGE_BYTES_MAX);
    await assert.rejects(a.publish(TOPIC, new Uint8Array(P2P_MESSAGE_BYTES_MAX + 1)), (e) =>
      isLatticeError(e, 'LIMIT_EXCEEDED'),
    );
  });
});
