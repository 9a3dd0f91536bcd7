import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isLatticeError, utf8 } from '@lattice/utils';
import { decodePexResponse } from '../src/index.ts';
import { connectPair, Hosts, waitUntil } from './helpers.ts';

const hosts = new Hosts();
after(() => hosts.stopAll());

describe('peer exchange', () => {
  it('a node that knows one peer learns and connects to that peer’s peers', async () => {
    const pex = { pexTargetPeers: 10 };
    const a = await hosts.make(pex);
    const b = await connectPair(hosts, a, pex);
    // c is told only about a; b is learned from a.
    const c = await hosts.make({ ...pex, bootstrap: [a.addresses()[0]!] });
    await waitUntil(c, () => c.readyPeers().some((p) => p.id === b.peerId));
    await waitUntil(b, () => b.readyPeers().some((p) => p.id === c.peerId));
    assert.deepEqual(
      c
        .readyPeers()
        .map((p) => p.id)
        .sort(),
      [a.peerId, b.peerId].sort(),
    );
  });

  it('with exchange off a node stays with the peers it was given', async () => {
    const a = await hosts.make({ pexTargetPeers: 10 });
    const b = await connectPair(hosts, a, { pexTargetPeers: 10 });
    const c = await hosts.make({ pexTargetPeers: 0, bootstrap: [a.addresses()[0]!] });
    await waitUntil(c, () => c.readyPeers().some((p) => p.id === a.peerId));
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(!c.readyPeers().some((p) => p.id === b.peerId));
  });

  it('answers are checked: bounded, well-formed, each address naming its own peer', () => {
    const id = '12D3KooWCwAYWYPBe28pPLC7XuskMncV4zd8EGMnNK5Th4pjQ2uT';
    const ok = { peers: [{ id, addrs: [`/ip4/127.0.0.1/tcp/1/p2p/${id}`] }] };
    assert.deepEqual(decodePexResponse(utf8(JSON.stringify(ok))), ok.peers);
    for (const bad of [
      'not json',
      '{}',
      JSON.stringify({ peers: Array.from({ length: 33 }, () => ok.peers[0]) }),
      JSON.stringify({ peers: [{ id, addrs: ['not a multiaddr'] }] }),
      JSON.stringify({ peers: [{ id, addrs: ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWOther'] }] }),
      JSON.stringify({ peers: [{ id: 5, addrs: [] }] }),
    ]) {
      assert.throws(
        () => decodePexResponse(utf8(bad)),
        (e) => isLatticeError(e, 'DECODE_FAILED'),
        bad.slice(0, 40),
      );
    }
  });
});
