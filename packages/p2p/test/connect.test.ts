import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isLatticeError } from '@lattice/utils';
import { generatePeerKey, type P2PHost, peerIdOfKey } from '../src/index.ts';
import { connectPair, GENESIS, Hosts, waitFor, waitUntil, withTimeout } from './helpers.ts';

const hosts = new Hosts();
after(() => hosts.stopAll());

describe('connect', () => {
  it('two hosts connect via bootstrap and exchange status with heights (TLS, hybrid PQ group)', async () => {
    const a = await hosts.make({}, { statusProvider: () => ({ height: 42n }) });
    const b = await connectPair(hosts, a);
    const seenByB = b.peers().find((p) => p.id === a.peerId)!;
    assert.equal(seenByB.height, 42n);
    assert.equal(seenByB.score, 0);
    assert.equal(a.peers().find((p) => p.id === b.peerId)!.height, 0n);
    const [major, minor] = process.versions.openssl.split('.').map(Number) as [number, number];
    if (major > 3 || (major === 3 && minor >= 5)) assert.equal(seenByB.keyExchange, 'X25519MLKEM768');
  });

  it('three hosts form a full mesh from bootstrap lists', async () => {
    const a = await hosts.make();
    const b = await connectPair(hosts, a);
    const c = await hosts.make({ bootstrap: [a.addresses()[0]!, b.addresses()[0]!] });
    const ready = (h: P2PHost, n: number) => () => h.peers().filter((p) => p.height !== null).length === n;
    await Promise.all([waitUntil(a, ready(a, 2)), waitUntil(b, ready(b, 2)), waitUntil(c, ready(c, 2))]);
    assert.deepEqual(
      c.peers().map((p) => p.id),
      [a.peerId, b.peerId].sort(),
    );
  });

  it('noise hosts interoperate', async () => {
    const a = await hosts.make({ encrypter: 'noise' });
    const b = await connectPair(hosts, a, { encrypter: 'noise' });
    a.handle('/lattice/test/echo/1', async (req) => req);
    const res = await b.request(a.peerId, '/lattice/test/echo/1', Uint8Array.of(1, 2));
    assert.deepEqual(res, Uint8Array.of(1, 2));
    assert.equal(b.peers()[0]!.keyExchange, null);
  });

  it('a stable private key gives a stable peer id', async () => {
    const key = await generatePeerKey();
    const a = await hosts.make({ privateKey: key });
    assert.equal(a.peerId, peerIdOfKey(key));
  });

  it('a peer on another chain is disconnected and banned', async () => {
    const a = await hosts.make({ chainId: 'chain-a' });
    const bannedByA = waitFor(a, (e) => e.type === 'peer:banned');
    const b = await hosts.make({ chainId: 'chain-b', bootstrap: [a.addresses()[0]!] });
    const ev = await bannedByA;
    assert.equal(ev.type === 'peer:banned' && ev.peer, b.peerId);
    assert.match(ev.type === 'peer:banned' ? ev.reason : '', /chain id/);
    assert.ok(a.isBanned(b.peerId));
    await waitUntil(b, () => b.peers().length === 0);
    await waitUntil(a, () => a.peers().length === 0);
    await assert.rejects(a.request(b.peerId, '/x', new Uint8Array()), (e) =>
      isLatticeError(e, 'P2P_PEER_BANNED'),
    );
  });

  it('a peer with the same chain id but another genesis is refused', async () => {
    const a = await hosts.make();
    const bannedByA = waitFor(a, (e) => e.type === 'peer:banned');
    const other = GENESIS.slice();
    other[0] = other[0]! ^ 1;
    await hosts.make({ genesisHash: other, bootstrap: [a.addresses()[0]!] });
    const ev = await withTimeout(bannedByA);
    assert.match(ev.type === 'peer:banned' ? ev.reason : '', /genesis/);
  });

  it('rejects invalid configuration with LatticeErrors', async () => {
    await assert.rejects(hosts.make({ listen: ['not a multiaddr'] }), (e) =>
      isLatticeError(e, 'CONFIG_INVALID'),
    );
    await assert.rejects(hosts.make({ maxMessageBytes: 0 }), (e) => isLatticeError(e, 'CONFIG_INVALID'));
    await assert.rejects(hosts.make({ privateKey: new Uint8Array(5) }), (e) =>
      isLatticeError(e, 'CRYPTO_INVALID_KEY'),
    );
  });
});
