import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { P2PHost } from '@lattice/p2p';
import { silentLogger } from '@lattice/utils';
import { homePaths } from '../src/config.ts';
import { consensusTopics } from '../src/consensus/messages.ts';
import { ConsensusReactor } from '../src/consensus/reactor.ts';
import { createPersistentSigner } from '../src/consensus/signer-state.ts';
import { WriteAheadLog } from '../src/consensus/wal.ts';
import { decodeWalRecord } from '../src/consensus/wal-records.ts';
import { readKeyFile } from '../src/keyfile.ts';
import { startTestNet, type TestNet } from './harness.ts';

describe('consensus reactor persistence order', () => {
  let net: TestNet;
  const dir = mkdtempSync(join(tmpdir(), 'lattice-persist-'));
  before(async () => {
    net = await startTestNet();
  });
  after(async () => {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs an own proposal unsynced, and fsyncs the prevote after it before the prevote is sent', async () => {
    const chain = net.node.chain;
    const topics = consensusTopics(chain.chainId);
    // What was appended to the WAL, and whether synced, in order with what was published.
    const log: string[] = [];
    const wal = WriteAheadLog.open(join(dir, 'wal'));
    const append = wal.append.bind(wal);
    wal.append = (record, opts) => {
      append(record, opts);
      const r = decodeWalRecord(record);
      log.push(`wal ${r.kind}${r.kind === 'vote' ? r.vote.type : ''} sync=${opts.sync}`);
    };
    const names = new Map([
      [topics.proposal, 'proposal'],
      [topics.compact, 'compact'],
      [topics.vote, 'vote'],
    ]);
    const p2p = {
      subscribe: () => undefined,
      handle: () => undefined,
      publish: async (topic: string) => {
        log.push(`publish ${names.get(topic) ?? topic}`);
      },
      penalize: () => undefined,
      readyPeers: () => [],
    } as unknown as P2PHost;
    const { key } = readKeyFile(homePaths(net.home).validatorKey);
    const reactor = new ConsensusReactor({
      chain,
      ingress: net.node.ingress,
      p2p,
      wal,
      signer: createPersistentSigner({
        chainId: chain.chainId,
        key,
        statePath: join(dir, 'sign-state.json'),
      }),
      timeouts: { ...net.node.genesis.timeouts, commitMs: 0 },
      logger: silentLogger,
      onFatal: (e) => assert.fail(`fatal: ${String(e)}`),
    });
    reactor.start();
    try {
      for (let i = 0; i < 100 && !log.includes('publish vote'); i++) await delay(20);
    } finally {
      await reactor.stop();
    }
    // The lone validator proposes, then prevotes for its own block at once.
    assert.deepEqual(log.slice(0, 5), [
      'wal proposal sync=false',
      'publish proposal',
      'publish compact',
      'wal vote1 sync=true',
      'publish vote',
    ]);
  });
  it("starts past a WAL still holding a committed height's records (its reset never reached the disk)", async () => {
    const chain = net.node.chain;
    const { key } = readKeyFile(homePaths(net.home).validatorKey);
    const signer = () =>
      createPersistentSigner({ chainId: chain.chainId, key, statePath: join(dir, 'sign-state-stale') });
    const p2p = {
      subscribe: () => undefined,
      handle: () => undefined,
      publish: async () => undefined,
      penalize: () => undefined,
      readyPeers: () => [],
    } as unknown as P2PHost;
    const run = async (wal: WriteAheadLog, untilHeight: number) => {
      const reactor = new ConsensusReactor({
        chain,
        ingress: net.node.ingress,
        p2p,
        wal,
        signer: signer(),
        timeouts: { ...net.node.genesis.timeouts, commitMs: 0 },
        logger: silentLogger,
        onFatal: (e) => assert.fail(`fatal: ${String(e)}`),
      });
      reactor.start();
      try {
        for (let i = 0; i < 250 && chain.height < untilHeight; i++) await delay(20);
      } finally {
        await reactor.stop();
      }
      assert.ok(chain.height >= untilHeight, `reached height ${chain.height}, wanted ${untilHeight}`);
    };
    // A first run commits a height; everything it logged for it is kept aside.
    const logged: Uint8Array[] = [];
    const first = WriteAheadLog.open(join(dir, 'wal-first'));
    const append = first.append.bind(first);
    first.append = (record, opts) => {
      append(record, opts);
      logged.push(record.slice());
    };
    const start = chain.height;
    await run(first, start + 1);
    first.close();
    const committed = BigInt(start + 1);
    const stale = logged.filter((r) => decodeWalRecord(r).height === committed);
    assert.ok(stale.length >= 2, 'the committed height logged its proposal and votes');
    // As if the reset after that commit was lost in a crash: the log still holds them.
    const written = WriteAheadLog.open(join(dir, 'wal-second'));
    for (const r of stale) written.append(r, { sync: true });
    written.close();
    const second = WriteAheadLog.open(join(dir, 'wal-second'));
    assert.equal(second.replayed().length, stale.length);
    await run(second, chain.height + 1);
    second.close();
  });
});
