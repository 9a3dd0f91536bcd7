import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isLatticeError } from '@lattice/utils';
import {
  decodeStatus,
  encodeFrame,
  encodeStatus,
  encodeVarint,
  loadPeerCache,
  readFrame,
  savePeerCache,
  TokenBucket,
} from '../src/index.ts';

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

describe('framing', () => {
  it('round-trips frames split at every byte boundary', async () => {
    const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const frame = encodeFrame(body);
    for (let cut = 0; cut <= frame.length; cut++) {
      const got = await readFrame(chunks(frame.subarray(0, cut), frame.subarray(cut)), 1000);
      assert.deepEqual(got, body);
    }
    assert.deepEqual(await readFrame(chunks(encodeFrame(new Uint8Array())), 0), new Uint8Array());
  });

  it('refuses an oversized frame on its length prefix, before any body arrives', async () => {
    let bodyPulled = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield encodeVarint(1_000_000);
      bodyPulled = true;
      yield new Uint8Array(10);
    }
    await assert.rejects(readFrame(source(), 1000), (e) => isLatticeError(e, 'LIMIT_EXCEEDED'));
    assert.equal(bodyPulled, false);
  });

  it('rejects truncated frames, trailing bytes and overlong prefixes', async () => {
    const frame = encodeFrame(new Uint8Array(10));
    await assert.rejects(readFrame(chunks(frame.subarray(0, 5)), 100), (e) =>
      isLatticeError(e, 'DECODE_FAILED'),
    );
    await assert.rejects(readFrame(chunks(Uint8Array.of(...frame, 0)), 100), (e) =>
      isLatticeError(e, 'DECODE_FAILED'),
    );
    await assert.rejects(readFrame(chunks(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 1])), 100), (e) =>
      isLatticeError(e, 'DECODE_FAILED'),
    );
  });
});

describe('status codec', () => {
  it('round-trips and rejects malformed input', () => {
    const s = { chainId: 'lattice-1', genesisHash: new Uint8Array(32).fill(9), height: 2n ** 63n + 5n };
    assert.deepEqual(decodeStatus(encodeStatus(s)), s);
    const enc = encodeStatus(s);
    for (const bad of [
      enc.subarray(0, enc.length - 1),
      new Uint8Array([2, ...enc.subarray(1)]),
      new Uint8Array(),
    ]) {
      assert.throws(
        () => decodeStatus(bad),
        (e) => isLatticeError(e, 'DECODE_FAILED'),
      );
    }
    assert.throws(
      () => encodeStatus({ ...s, chainId: 'x'.repeat(65) }),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
  });
});

describe('token bucket', () => {
  it('allows a burst, then the sustained rate', () => {
    const b = new TokenBucket(10, 3, 0);
    assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
    assert.equal(b.take(50), false);
    assert.equal(b.take(100), true);
    assert.equal(b.take(10_000), true);
  });
});

describe('peer cache file', () => {
  it('writes atomically, reloads, and drops malformed entries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lattice-p2p-'));
    try {
      const path = join(dir, 'sub', 'peers.json');
      assert.deepEqual(await loadPeerCache(path), []);
      const peers = [{ id: 'peerA', addrs: ['/ip4/127.0.0.1/tcp/1'] }];
      await savePeerCache(path, peers);
      assert.deepEqual(await loadPeerCache(path), peers);
      assert.deepEqual(await readdir(join(dir, 'sub')), ['peers.json']);
      assert.equal(JSON.parse(await readFile(path, 'utf8')).version, 1);
      await writeFile(
        path,
        JSON.stringify({ peers: [{ id: 5 }, { id: 'x', addrs: ['not-a-multiaddr', 7] }, ...peers] }),
      );
      assert.deepEqual(await loadPeerCache(path), peers);
      await writeFile(path, '{oops');
      await assert.rejects(loadPeerCache(path), (e) => isLatticeError(e, 'DECODE_FAILED'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
