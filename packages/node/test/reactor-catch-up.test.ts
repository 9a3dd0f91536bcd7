import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import { SignedMsgType, timestampFromMs, VoteSchema, voteSignBytes } from '@lattice/codec';
import { SIGN_CONTEXT_VOTE } from '@lattice/crypto';
import type { GossipHandler, P2PHost } from '@lattice/p2p';
import { silentLogger } from '@lattice/utils';
import { homePaths } from '../src/config.ts';
import { consensusTopics, decodeBlockRequest, encodeVoteMessage } from '../src/consensus/messages.ts';
import { ConsensusReactor } from '../src/consensus/reactor.ts';
import { WriteAheadLog } from '../src/consensus/wal.ts';
import { readKeyFile } from '../src/keyfile.ts';
import { startTestNet, type TestNet } from './harness.ts';

/**
 * A node one height behind whose peers decided without it (a validator killed after its
 * precommit and restarted before committing) gets no more votes for its height: only the next
 * height's. The reactor must fetch its height by block sync once those keep coming, and not
 * at the first one (a peer that committed a moment earlier is normal).
 */
describe('consensus reactor one height behind', () => {
  let net: TestNet;
  const dir = mkdtempSync(join(tmpdir(), 'lattice-catch-up-'));
  before(async () => {
    net = await startTestNet();
    await net.node.produceBlock();
  });
  after(async () => {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches its current height when next-height votes keep coming', async () => {
    const chain = net.node.chain;
    const handlers = new Map<string, GossipHandler>();
    const requests: { peer: string; protocol: string; height: number }[] = [];
    const topics = consensusTopics(chain.chainId);
    const p2p = {
      subscribe: (topic: string, handler: GossipHandler) => handlers.set(topic, handler),
      handle: () => undefined,
      publish: async () => undefined,
      penalize: () => undefined,
      readyPeers: () => [{ id: 'peer-a' }],
      request: async (peer: string, protocol: string, req: Uint8Array) => {
        if (protocol === topics.blocks) requests.push({ peer, protocol, height: decodeBlockRequest(req) });
        return new Uint8Array(0); // "not stored": the sync keeps asking until stopped
      },
    } as unknown as P2PHost;
    const reactor = new ConsensusReactor({
      chain,
      ingress: net.node.ingress,
      p2p,
      wal: WriteAheadLog.open(join(dir, 'wal')),
      signer: undefined,
      timeouts: net.node.genesis.timeouts,
      logger: silentLogger,
      onFatal: (e) => assert.fail(`fatal: ${String(e)}`),
    });
    reactor.start();
    try {
      const current = chain.height + 1;
      const { key } = readKeyFile(homePaths(net.home).validatorKey);
      const validator = chain.validators[0]!;
      const nextHeightVote = (round: number) => {
        const v = create(VoteSchema, {
          type: SignedMsgType.PREVOTE,
          height: BigInt(current + 1),
          round,
          timestamp: timestampFromMs(BigInt(Date.now())),
          validatorAddress: validator.address,
          validatorIndex: 0,
        });
        v.signature = key.sign(voteSignBytes(chain.chainId, v), SIGN_CONTEXT_VOTE);
        return encodeVoteMessage(v);
      };
      const vote = handlers.get(topics.vote)!;
      assert.equal(vote({ from: 'peer-a', data: nextHeightVote(0) }), 'accept');
      assert.equal(vote({ from: 'peer-a', data: nextHeightVote(1) }), 'accept');
      await delay(200);
      assert.deepEqual(requests, [], 'a peer one height ahead is normal at first');
      await delay(3_000);
      vote({ from: 'peer-a', data: nextHeightVote(2) });
      await delay(200);
      assert.ok(requests.length > 0, 'the current height is fetched');
      assert.deepEqual(requests[0], { peer: 'peer-a', protocol: topics.blocks, height: current });
    } finally {
      await reactor.stop();
    }
  });
});
