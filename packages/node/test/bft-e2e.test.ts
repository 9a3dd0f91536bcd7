import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { generatePeerKey } from '@lattice/p2p';
import { BLOCK_PART_BYTES } from '@lattice/params';
import { homePaths, loadConfig, writeConfig } from '../src/config.ts';
import { initTestnet } from '../src/init.ts';
import { writeNodeKeyFile } from '../src/keyfile.ts';
import { fundedGenesisAccounts, hex, sendTx, testAccount } from './harness.ts';
import { freePortRange, type Json, NodeProcess, Rpc } from './processes.ts';

/**
 * Acceptance (issue 3, item 2) with real processes: four validators commit; with one killed
 * the rest keep committing; with two killed nothing commits, and commits resume when one
 * returns; a killed validator restarts and catches up; a new non-validator node syncs from
 * genesis and follows the chain.
 */

const VALIDATORS = 4;
const CHAIN_ID = 'lattice-bft-e2e';
/** Enough first transfers (each carrying its ML-DSA-44 key) to fill more than one block part. */
const SENDERS = Array.from({ length: 30 }, (_, i) => testAccount(i + 1));
const WAIT_MS = 40_000;
// RPC on BASE + 0…4, p2p on BASE + 5…9.
const BASE = await freePortRange(10);

const dir = mkdtempSync(join(tmpdir(), 'lattice-bft-'));
const procs: NodeProcess[] = [];
after(async () => {
  await Promise.all(procs.map((p) => p.kill()));
  rmSync(dir, { recursive: true, force: true });
});

function start(home: string): NodeProcess {
  const p = new NodeProcess(home);
  procs.push(p);
  return p;
}

async function height(rpc: Rpc): Promise<number> {
  const s = (await rpc.call('lat_status')) as Json;
  return Number(s.latestHeight);
}

/** Waits until every rpc reports at least `h`; fails with the processes' output otherwise. */
async function waitHeight(rpcs: Rpc[], h: number, nodes: NodeProcess[]): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const hs = await Promise.all(rpcs.map((r) => height(r).catch(() => -1)));
    if (hs.every((x) => x >= h)) return;
    if (Date.now() > deadline) {
      assert.fail(
        `heights ${hs.join(',')} did not reach ${h}\n${nodes
          .map((n) => n.output)
          .join('\n---\n')
          .slice(-6000)}`,
      );
    }
    await delay(200);
  }
}

/** Receipts of `hashes` from `rpc`, once every one is committed. */
async function waitReceipts(rpc: Rpc, hashes: string[]): Promise<Json[]> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const receipts = await Promise.all(hashes.map((h) => rpc.call('lat_getTransactionReceipt', [h])));
    if (receipts.every((r) => r !== null)) return receipts;
    await delay(300);
  }
  assert.fail('transfers were not committed in time');
}

async function blockHash(rpc: Rpc, h: number): Promise<string> {
  return ((await rpc.call('lat_getBlockByNumber', [h])) as Json).hash;
}

describe('BFT network of real processes', { timeout: 240_000 }, () => {
  it('commits with 4, keeps going with 3, halts with 2, resumes, catches up and syncs a new node', async () => {
    const { homes } = await initTestnet({
      output: dir,
      chainId: CHAIN_ID,
      validators: VALIDATORS,
      rpcBasePort: BASE,
      p2pBasePort: BASE + 5,
      accounts: fundedGenesisAccounts(SENDERS),
    });
    const rpcs = homes.map((_, i) => new Rpc(`http://127.0.0.1:${BASE + i}`));
    // node3's mempool holds one tx: the txs of others' proposals that it could not keep, it
    // fetches from its peers to rebuild the block (proposals travel without their txs).
    const cfg3 = loadConfig(homePaths(homes[3]!).config);
    cfg3.mempool.maxTxs = 1;
    writeConfig(homePaths(homes[3]!).config, cfg3);
    const nodes = homes.map((h) => start(h));

    // All four commit the same blocks.
    await waitHeight(rpcs, 3, nodes);
    const hashes = await Promise.all(rpcs.map((r) => blockHash(r, 3)));
    assert.equal(new Set(hashes).size, 1, `one block at height 3, got ${hashes.join(' ')}`);
    // A block of more than one part of txs: transfers sent to node1, committed by all.
    const txs = SENDERS.map((from, i) =>
      sendTx({
        from,
        to: SENDERS[(i + 1) % SENDERS.length]!.address,
        sequence: 0n,
        accountNumber: BigInt(i),
        chainId: CHAIN_ID,
      }),
    );
    assert.ok(txs.reduce((n, t) => n + t.length, 0) > BLOCK_PART_BYTES, 'more than one part of txs');
    const txHashes = await Promise.all(
      txs.map(
        async (t) => ((await rpcs[1]!.call('lat_sendRawTransaction', [hex(t)])) as Json).hash as string,
      ),
    );
    const receipts = await waitReceipts(rpcs[0]!, txHashes);
    assert.ok(
      receipts.every((r) => r.success),
      'every transfer succeeded',
    );
    const heights = [...new Set(receipts.map((r) => Number(r.height)))];
    await waitHeight([rpcs[3]!], Math.max(...heights), nodes);
    const sizes = await Promise.all(
      heights.map(async (h) => {
        const b = (await rpcs[3]!.call('lat_getBlockByNumber', [h, true])) as Json;
        return b.txs.reduce((n: number, t: Json) => n + t.size, 0) as number;
      }),
    );
    assert.ok(Math.max(...sizes) > BLOCK_PART_BYTES, `a block of ${Math.max(...sizes)} bytes of txs`);

    // The consensus and gossip metrics follow what happened.
    const scrape = async (i: number) => {
      const text = await (await fetch(`http://127.0.0.1:${BASE + i}/metrics`)).text();
      return (series: string) =>
        Number(
          text
            .split('\n')
            .find((l) => l.startsWith(`${series} `))
            ?.slice(series.length + 1) ?? 0,
        );
    };
    const value = await scrape(0);
    // Validators other than the proposer found the txs in their mempools or still in admission
    // (node3 keeps one).
    const fromMempool = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const v = await scrape(i);
        return (
          v('lattice_consensus_block_txs_total{source="mempool"}') +
          v('lattice_consensus_block_txs_total{source="admission"}')
        );
      }),
    );
    assert.ok(fromMempool.reduce((a, b) => a + b, 0) >= txs.length, `from mempools: ${fromMempool}`);
    const value3 = await scrape(3);
    assert.ok(
      value3('lattice_consensus_block_txs_total{source="fetched"}') >= txs.length - 1,
      `node3 fetched the txs its mempool could not hold: ${value3('lattice_consensus_block_txs_total{source="fetched"}')} fetched, ${value3('lattice_consensus_block_txs_total{source="mempool"}')} from mempool, height ${value3('lattice_consensus_height')}`,
    );
    assert.ok(value('lattice_consensus_rounds_per_height_count') >= 2, 'rounds per height observed');
    assert.ok(value('lattice_consensus_height') >= 3);
    assert.ok(value('lattice_p2p_peers') >= 2, 'connected to the other validators');
    assert.ok(value('lattice_p2p_gossip_bytes_total{topic="consensus/vote",direction="in"}') > 0);
    assert.ok(value('lattice_consensus_wal_write_seconds_count{sync="true"}') > 0);
    // Peers' proposals were timed from their stamp to arrival and to a complete block.
    assert.ok(value('lattice_consensus_proposal_delay_seconds_count{stage="received"}') > 0);
    assert.ok(value('lattice_consensus_proposal_delay_seconds_count{stage="complete"}') > 0);

    // One validator down: the other three (30 of 40 power) keep committing.
    await nodes[3]!.kill();
    const h1 = Math.max(...(await Promise.all(rpcs.slice(0, 3).map(height))));
    await waitHeight(rpcs.slice(0, 3), h1 + 3, nodes);

    // Two down: 20 of 40 is not more than 2/3, so nothing commits (one block may have been
    // decided already when the kill landed).
    await nodes[2]!.kill();
    await delay(1_500);
    const h2 = Math.max(...(await Promise.all(rpcs.slice(0, 2).map(height))));
    await delay(5_000);
    const h2later = Math.max(...(await Promise.all(rpcs.slice(0, 2).map(height))));
    assert.ok(h2later <= h2 + 1, `no commits with half the power down: ${h2} → ${h2later}`);

    // One returns: commits resume.
    nodes[2] = start(homes[2]!);
    await waitHeight(rpcs.slice(0, 3), h2later + 3, nodes);

    // The validator killed first restarts and catches up with the others.
    nodes[3] = start(homes[3]!);
    const h3 = Math.max(...(await Promise.all(rpcs.slice(0, 3).map(height))));
    await waitHeight(rpcs, h3 + 2, nodes);
    const after3 = await Promise.all(rpcs.map((r) => blockHash(r, h3)));
    assert.equal(new Set(after3).size, 1, 'the restarted validator has the same chain');

    // A new non-validator node with the same genesis syncs from height 0 and follows.
    const follower = join(dir, 'follower');
    cpSync(homes[3]!, follower, { recursive: true });
    rmSync(join(follower, 'data'), { recursive: true, force: true });
    unlinkSync(homePaths(follower).validatorKey);
    writeNodeKeyFile(homePaths(follower).nodeKey, await generatePeerKey());
    const cfg = loadConfig(homePaths(follower).config);
    cfg.moniker = 'follower';
    cfg.rpc.port = BASE + 4;
    cfg.p2p.listen = `/ip4/127.0.0.1/tcp/${BASE + 9}`;
    writeConfig(homePaths(follower).config, cfg);
    const followerRpc = new Rpc(`http://127.0.0.1:${BASE + 4}`);
    const followerNode = start(follower);
    const tip = Math.max(...(await Promise.all(rpcs.map(height))));
    await waitHeight([followerRpc], tip + 2, [followerNode]);
    assert.equal(await blockHash(followerRpc, tip), await blockHash(rpcs[0]!, tip));
    const st = (await followerRpc.call('lat_status')) as Json;
    assert.equal(st.isValidator, false);
  });
});
