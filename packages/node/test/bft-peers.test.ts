import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import { SignedMsgType, timestampFromMs, VoteSchema, voteSignBytes } from '@lattice/codec';
import { ALG_ML_DSA_65, generatePrivateKey, SIGN_CONTEXT_VOTE, sha256 } from '@lattice/crypto';
import { type P2PEvent, P2PHost } from '@lattice/p2p';
import { P2P_MESSAGE_BYTES_MAX } from '@lattice/params';
import { fromHex, silentLogger } from '@lattice/utils';
import { homePaths, loadConfig, writeConfig } from '../src/config.ts';
import { consensusTopics, encodeVoteMessage } from '../src/consensus/messages.ts';
import { initTestnet } from '../src/init.ts';
import { freePortRange, type Json, NodeProcess, Rpc, until as untilWith } from './processes.ts';

/**
 * Acceptance (issue 3, items 2 and 3) against real node processes: a node with another genesis
 * is refused, and a peer that sends malformed, oversized, wrong-chain, badly signed and
 * non-validator messages is penalised and banned while the network keeps committing.
 */
const dir = mkdtempSync(join(tmpdir(), 'lattice-peers-'));
const procs: NodeProcess[] = [];
let attacker: P2PHost | undefined;
after(async () => {
  await attacker?.stop();
  await Promise.all(procs.map((p) => p.kill()));
  rmSync(dir, { recursive: true, force: true });
});

const CHAIN_ID = 'lattice-peers-test';
const WAIT_MS = 60_000;

async function height(rpc: Rpc): Promise<number> {
  return Number(((await rpc.call('lat_status')) as Json).latestHeight);
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.slice(name.length + 1) ?? Number.NaN);
}

const until = (what: string, check: () => Promise<boolean>, ms = WAIT_MS) =>
  untilWith(what, check, ms, procs);

function waitEvent(host: P2PHost, pred: (e: P2PEvent) => boolean): Promise<P2PEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('p2p event did not come')), 2 * WAIT_MS);
    const off = host.on((e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

describe('peers that do not belong', { timeout: 180_000 }, () => {
  it('refuses another genesis, and bans a peer sending bad messages while blocks go on', async () => {
    const base = await freePortRange(6);
    const net = await initTestnet({
      output: join(dir, 'net'),
      chainId: CHAIN_ID,
      validators: 2,
      rpcBasePort: base,
      p2pBasePort: base + 3,
    });
    // Same chain id, its own genesis (other keys, other time), dialling node0 of the network.
    const other = await initTestnet({
      output: join(dir, 'other'),
      chainId: CHAIN_ID,
      validators: 1,
      rpcBasePort: base + 2,
      p2pBasePort: base + 5,
    });
    const otherConfig = homePaths(other.homes[0]!).config;
    const cfg = loadConfig(otherConfig);
    cfg.p2p.persistentPeers = [net.peers[0]!];
    writeConfig(otherConfig, cfg);

    for (const home of [...net.homes, other.homes[0]!]) procs.push(new NodeProcess(home));
    const rpcs = [0, 1, 2].map((i) => new Rpc(`http://127.0.0.1:${base + i}`));
    await until('the network to commit', async () => (await height(rpcs[0]!)) >= 2);

    // The other-genesis node dialled node0 and was dropped: node0 has only its real peer.
    await until('the stranger to be refused', async () => procs[0]!.output.includes('status mismatch'));
    const status0 = (await rpcs[0]!.call('lat_status')) as Json;
    assert.equal(status0.consensus.peers, 1);
    assert.equal(((await rpcs[2]!.call('lat_status')) as Json).consensus.peers, 0);

    // A peer of the right chain that misbehaves.
    const genesisHash = sha256(readFileSync(homePaths(net.homes[0]!).genesis));
    attacker = await P2PHost.create(
      {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: [net.peers[0]!],
        chainId: CHAIN_ID,
        genesisHash,
        maxMessageBytes: P2P_MESSAGE_BYTES_MAX * 2,
      },
      { logger: silentLogger },
    );
    const topics = consensusTopics(CHAIN_ID);
    const node0 = net.peers[0]!.split('/p2p/')[1]!;
    for (const t of [topics.vote, topics.proposal, topics.txs]) attacker.subscribe(t, () => 'ignore');
    await until('gossip to reach node0', async () =>
      [topics.vote, topics.proposal, topics.txs].every((t) => attacker!.topicPeers(t).includes(node0)),
    );

    const validator = status0.validators[0];
    /** A prevote for the height being decided right now (a vote for a past height is ignored). */
    const vote = async (
      chainId: string,
      signWith = generatePrivateKey(ALG_ML_DSA_65),
      address = validator.address,
    ) => {
      const v = create(VoteSchema, {
        type: SignedMsgType.PREVOTE,
        height: BigInt(await height(rpcs[0]!)) + 1n,
        round: 0,
        timestamp: timestampFromMs(BigInt(Date.now())),
        validatorAddress: fromHex(address.slice(2)),
        validatorIndex: 0,
      });
      v.signature = signWith.sign(voteSignBytes(chainId, v), SIGN_CONTEXT_VOTE);
      return encodeVoteMessage(v);
    };
    const stranger = generatePrivateKey(ALG_ML_DSA_65);
    const strangerAddress = `0x${Buffer.from(sha256(stranger.publicKey)).toString('hex')}`;
    // Four invalid messages (20 points each) and an oversized one (50) take node0's score of
    // the attacker to the ban threshold (-100) with the last one.
    const bad: [string, string, () => Promise<Uint8Array>][] = [
      ['malformed proposal', topics.proposal, async () => Uint8Array.of(0, 0, 0, 9, 1, 2, 3)],
      ['bad signature', topics.vote, () => vote(CHAIN_ID)],
      ['non-validator vote', topics.vote, () => vote(CHAIN_ID, stranger, strangerAddress)],
      ['signed for another chain', topics.vote, () => vote('another-chain-1')],
      // Within a gossip frame, above the payload limit.
      ['oversized', topics.txs, async () => new Uint8Array(P2P_MESSAGE_BYTES_MAX + 1024)],
    ];
    const bans = await metric(base, 'lattice_p2p_bans_total');
    const banned = waitEvent(attacker, (e) => e.type === 'peer:disconnect' && e.peer === node0);
    for (const [what, topic, make] of bad) {
      const before = await metric(base, 'lattice_p2p_penalties_total');
      // A vote can race a new block (and is then merely ignored as old): try again once or twice.
      for (let attempt = 0; attempt < 3; attempt++) {
        await attacker.publish(topic, await make());
        const penalised = await until(
          `a penalty for: ${what}`,
          async () => (await metric(base, 'lattice_p2p_penalties_total')) > before,
          3_000,
        ).then(
          () => true,
          () => false,
        );
        if (penalised) break;
        assert.ok(attempt < 2, `no penalty for: ${what}`);
      }
    }
    await banned;
    assert.equal(await metric(base, 'lattice_p2p_bans_total'), bans + 1);

    // node0 keeps running and the network keeps committing; the banned peer cannot come back.
    const before = await height(rpcs[0]!);
    await until('blocks after the attack', async () => (await height(rpcs[1]!)) >= before + 2);
    assert.ok(procs[0]!.alive && procs[1]!.alive, 'validators still running');
    await delay(1_000);
    assert.ok(!attacker.peers().some((p) => p.id === node0), 'the banned peer stays disconnected');
    assert.match(procs[0]!.output, /peer banned/);
  });
});
