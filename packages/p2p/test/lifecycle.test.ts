import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generatePeerKey } from '../src/index.ts';
import { connectPair, Hosts, isReady, waitFor } from './helpers.ts';

describe('lifecycle', () => {
  it('a restarted node reconnects from its peer cache without a bootstrap list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lattice-p2p-cache-'));
    const hosts = new Hosts();
    try {
      const peerStorePath = join(dir, 'peers.json');
      const key = await generatePeerKey();
      const a = await hosts.make();
      const b = await connectPair(hosts, a, { peerStorePath, privateKey: key });
      await b.stop();
      const saved = JSON.parse(await readFile(peerStorePath, 'utf8')) as {
        peers: { id: string; addrs: string[] }[];
      };
      assert.deepEqual(
        saved.peers.map((p) => p.id),
        [a.peerId],
      );
      assert.ok(saved.peers[0]!.addrs.some((x) => a.addresses()[0]!.startsWith(x)));
      assert.deepEqual(await readdir(dir), ['peers.json']);

      const aSeesB = waitFor(a, isReady(b.peerId));
      const b2 = await hosts.make({ peerStorePath, privateKey: key, bootstrap: [] });
      assert.equal(b2.peerId, b.peerId);
      await Promise.all([aSeesB, waitFor(b2, isReady(a.peerId))]);
    } finally {
      await hosts.stopAll();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stop() releases everything: a process running hosts exits by itself', () => {
    const fixture = fileURLToPath(new URL('./fixtures/stop-exit.ts', import.meta.url));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [fixture], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, 'child did not exit on its own');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'stopped\n');
    assert.ok(performance.now() - t0 < 20_000);
  });
});
