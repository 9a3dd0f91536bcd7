import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { txHash } from '@lattice/codec';
import { Store } from '@lattice/store';
import { toHex } from '@lattice/utils';
import { WebSocket } from 'ws';
import { mulberry32 as prng } from '../../utils/test/support/prng.ts';
import { homePaths } from '../src/config.ts';
import { initHome } from '../src/init.ts';
import { fundedGenesisAccounts, hex, sendTx, type TestAccount, testAccount } from './harness.ts';
import { freePort, type Json, NodeProcess, Rpc } from './processes.ts';

/**
 * Acceptance: a node under transfer load is SIGKILLed at random moments — some while it executes
 * and commits a block — and restarted on the same home. Everything it reported as committed is
 * still there, unchanged; the chain is contiguous; and it carries on producing blocks and taking
 * the senders' next sequences. Set LATTICE_CRASH_SEED to replay a kill schedule.
 */

const CHAIN_ID = 'lattice-crash-1';
const BLOCK_TIME_MS = 200;
const KILLS = 4;
const SENDERS = 6;
/** Txs of one sender submitted but not yet reported committed: bounds the load to ~one block's worth. */
const PENDING_PER_SENDER_MAX = 4;
/** Enough for a round's blocks at PENDING_PER_SENDER_MAX per block; more are signed on demand. */
const PRESIGNED_PER_SENDER = 48;
/**
 * How far before the next block is due an in-commit kill may land. Execution plus commit of a
 * block of this test takes ~3–8 ms and the announcement arrives ~1–3 ms after it, so a kill in
 * the last 10 ms before the next announcement lands in execution or the LMDB commit a good share
 * of the time, and otherwise within a few ms of it.
 */
const IN_COMMIT_LEAD_MS = 10;
const READY_TIMEOUT_MS = 20_000;
const BLOCK_WAIT_TIMEOUT_MS = 10_000;

interface BlockSeen {
  hash: string;
  /** The header's app hash: the state root after the previous height. */
  appHash: string;
  /** The state root after this block. */
  appHashAfter: string;
}

interface TxSeen {
  height: string;
  index: number;
  success: boolean;
}

/** What the node reported while it ran: nothing here may be lost or change across a crash. */
class Record {
  readonly blocks = new Map<number, BlockSeen>();
  /** From lat_getBlockByNumber / lat_getStateRoot, queried as each block was announced. */
  readonly rpcBlockHashes = new Map<number, string>();
  readonly rpcRoots = new Map<number, string>();
  readonly txs = new Map<string, TxSeen>();
  /** Load txs reported committed with a failure: there must be none. */
  readonly failed: string[] = [];
  maxHeight = 0;
}

/** A WebSocket subscribed to newBlocks and newTxs, feeding the record. */
class Observer {
  readonly #ws: WebSocket;
  readonly #topics = new Map<string, 'newBlocks' | 'newTxs'>();
  readonly #waiters: (() => void)[] = [];
  #blocks = 0;
  #closed = false;
  /** performance.now() when the last block was announced. */
  lastBlockAt = 0;
  onBlock: (ev: Json) => void = () => {};
  onTx: (ev: Json) => void = () => {};

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('error', () => {});
    ws.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  static async open(url: string): Promise<Observer> {
    const ws = new WebSocket(url);
    const obs = new Observer(ws);
    await once(ws, 'open');
    const pending = new Map<number, (m: Json) => void>();
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.id !== undefined) pending.get(m.id)?.(m);
      else if (m.method === 'lat_subscription') obs.#dispatch(m.params.subscription, m.params.result);
    });
    for (const [id, topic] of [
      [1, 'newBlocks'],
      [2, 'newTxs'],
    ] as const) {
      const res = new Promise<Json>((resolve) => pending.set(id, resolve));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'lat_subscribe', params: [topic] }));
      const m = await res;
      assert.equal(typeof m.result, 'string', `subscribe ${topic}: ${JSON.stringify(m.error)}`);
      obs.#topics.set(m.result, topic);
    }
    return obs;
  }

  #dispatch(sub: string, ev: Json): void {
    const topic = this.#topics.get(sub);
    if (topic === 'newBlocks') {
      this.#blocks++;
      this.lastBlockAt = performance.now();
      this.onBlock(ev);
      this.#wake();
    } else if (topic === 'newTxs') {
      this.onTx(ev);
      this.#wake();
    }
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves on the next block or tx event, or after `timeoutMs`: the load generator's pacing. */
  activity(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      if (!this.#closed) this.#waiters.push(done);
    });
  }

  /** Resolves once `n` more blocks have been announced. */
  async blocks(n: number, proc: NodeProcess): Promise<void> {
    const target = this.#blocks + n;
    const deadline = performance.now() + BLOCK_WAIT_TIMEOUT_MS * n;
    while (this.#blocks < target) {
      assert.ok(!this.#closed, `subscription closed while waiting for blocks\n${proc.output}`);
      assert.ok(performance.now() < deadline, `no block for too long\n${proc.output}`);
      await this.activity(BLOCK_WAIT_TIMEOUT_MS);
    }
  }

  close(): void {
    this.#closed = true;
    this.#ws.terminate();
  }
}

interface Signed {
  hash: string;
  bytes: Uint8Array;
}

interface Sender {
  account: TestAccount;
  accountNumber: bigint;
  /** Next sequence to sign. */
  next: bigint;
  /** Signed ahead, in sequence order, so that submitting costs no CPU at kill time. */
  queue: Signed[];
  /** Submitted and not yet reported committed. */
  pending: Set<string>;
  /** Highest sequence + 1 among this sender's txs reported committed. */
  committedSeq: bigint;
  resync: boolean;
}

/** Submits pre-signed MsgSends from every sender in JSON-RPC batches, continuously. */
class Load {
  readonly #senders: Sender[];
  readonly #recipients: string[];
  readonly #rand: () => number;
  /** tx hash (0x) → who sent it with which sequence. */
  readonly owner = new Map<string, { sender: Sender; sequence: bigint }>();
  readonly rejections = new Map<string, number>();
  submitted = 0;
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(senders: Sender[], recipients: string[], rand: () => number) {
    this.#senders = senders;
    this.#recipients = recipients;
    this.#rand = rand;
  }

  committed(hash: string): void {
    const o = this.owner.get(hash);
    if (!o) return;
    o.sender.pending.delete(hash);
    if (o.sequence + 1n > o.sender.committedSeq) o.sender.committedSeq = o.sequence + 1n;
  }

  /** Continues from the sequence the node expects next, dropping whatever was signed past it. */
  async resync(rpc: Rpc, s: Sender): Promise<void> {
    const acc = await rpc.call('lat_getAccount', [s.account.address]);
    s.next = BigInt(acc.pendingSequence);
    s.queue = [];
    s.resync = false;
  }

  presign(perSender: number): void {
    for (const s of this.#senders) while (s.queue.length < perSender) s.queue.push(this.#sign(s));
  }

  start(rpc: Rpc, obs: Observer): void {
    this.#running = true;
    this.#loop = this.#run(rpc, obs);
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  #sign(s: Sender): Signed {
    const to = this.#recipients[Math.floor(this.#rand() * this.#recipients.length)]!;
    const amount = String(1 + Math.floor(this.#rand() * 1000));
    const bytes = sendTx({
      from: s.account,
      to,
      amount: [{ denom: 'udrt', amount }],
      sequence: s.next,
      accountNumber: s.accountNumber,
      chainId: CHAIN_ID,
      withPubKey: s.next === 0n,
    });
    const hash = `0x${toHex(txHash(bytes))}`;
    this.owner.set(hash, { sender: s, sequence: s.next });
    s.next++;
    return { hash, bytes };
  }

  async #run(rpc: Rpc, obs: Observer): Promise<void> {
    while (this.#running) {
      try {
        for (const s of this.#senders) if (s.resync) await this.resync(rpc, s);
        const batch: (Signed & { sender: Sender })[] = [];
        for (const s of this.#senders) {
          while (s.pending.size < PENDING_PER_SENDER_MAX) {
            const tx = s.queue.shift() ?? this.#sign(s);
            s.pending.add(tx.hash);
            batch.push({ ...tx, sender: s });
          }
        }
        if (batch.length === 0) {
          await obs.activity(BLOCK_TIME_MS);
          continue;
        }
        const res = await rpc.batch(batch.map((t) => ['lat_sendRawTransaction', [hex(t.bytes)]]));
        this.submitted += batch.length;
        res.forEach((r, i) => {
          if (!r.error) return;
          const t = batch[i]!;
          const code = String(r.error.data?.code);
          this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
          t.sender.pending.delete(t.hash);
          t.sender.resync = true;
        });
      } catch {
        // The node was killed under us: the round is ending.
        if (this.#running) await delay(20);
      }
    }
  }
}

/** Checks the restarted node against everything recorded before; returns its tip. */
async function verifyHistory(
  rpc: Rpc,
  rec: Record,
  senders: Sender[],
  label: string,
  justRestarted: boolean,
): Promise<number> {
  const status = await rpc.call('lat_status');
  const tip = Number(status.latestHeight);
  assert.ok(tip >= rec.maxHeight, `${label}: tip ${tip} is below height ${rec.maxHeight} reported before`);

  const heights = Array.from({ length: tip }, (_, i) => i + 1);
  const blocks = await rpc.batch(heights.map((h) => ['lat_getBlockByNumber', [h]]));
  let parent = '0x';
  for (const h of heights) {
    const b = blocks[h - 1]!.result;
    assert.ok(b, `${label}: block ${h} is missing (tip ${tip})`);
    assert.equal(b.height, String(h));
    assert.equal(b.parentHash, parent, `${label}: block ${h} does not link to block ${h - 1}`);
    parent = b.hash;
    const seen = rec.blocks.get(h);
    if (seen) {
      assert.equal(b.hash, seen.hash, `${label}: block ${h} changed`);
      assert.equal(b.appHash, seen.appHash, `${label}: header app hash of ${h} changed`);
    }
    const rpcHash = rec.rpcBlockHashes.get(h);
    if (rpcHash) assert.equal(b.hash, rpcHash, `${label}: block ${h} changed (as read over RPC)`);
    const prev = rec.blocks.get(h - 1);
    if (prev)
      assert.equal(b.appHash, prev.appHashAfter, `${label}: header ${h} disagrees with root of ${h - 1}`);
  }

  const recorded = [...new Set([...rec.blocks.keys(), ...rec.rpcRoots.keys()])].sort((a, b) => a - b);
  const roots = await rpc.batch(recorded.map((h) => ['lat_getStateRoot', [h]]));
  recorded.forEach((h, i) => {
    const root = roots[i]!.result?.root;
    assert.ok(root, `${label}: no state root at ${h}`);
    const seen = rec.blocks.get(h)?.appHashAfter ?? rec.rpcRoots.get(h);
    assert.equal(root, seen, `${label}: app hash at height ${h} changed`);
    const viaRpc = rec.rpcRoots.get(h);
    if (viaRpc) assert.equal(root, viaRpc, `${label}: app hash at height ${h} changed (as read over RPC)`);
  });

  assert.deepEqual(rec.failed, [], `${label}: load txs failed`);
  const hashes = [...rec.txs.keys()];
  const receipts = await rpc.batch(hashes.map((h) => ['lat_getTransactionReceipt', [h]]));
  hashes.forEach((hash, i) => {
    const r = receipts[i]!.result;
    const seen = rec.txs.get(hash)!;
    assert.ok(r, `${label}: committed tx ${hash} (height ${seen.height}) is gone`);
    assert.equal(r.height, seen.height, `${label}: tx ${hash} moved`);
    assert.equal(r.index, seen.index, `${label}: tx ${hash} moved within its block`);
    assert.equal(r.success, true, `${label}: tx ${hash} no longer succeeds`);
    assert.equal(
      blocks[Number(r.height) - 1]!.result.txs[r.index],
      hash,
      `${label}: block does not hold ${hash}`,
    );
  });

  const accounts = await rpc.batch(senders.map((s) => ['lat_getAccount', [s.account.address]]));
  senders.forEach((s, i) => {
    const acc = accounts[i]!.result;
    const seq = BigInt(acc.sequence);
    if (justRestarted)
      assert.equal(acc.pendingSequence, acc.sequence, `${label}: a restarted node has an empty mempool`);
    assert.ok(seq >= s.committedSeq, `${label}: sequence ${seq} below committed txs (${s.committedSeq})`);
    assert.ok(seq <= s.next, `${label}: sequence ${seq} beyond anything signed (${s.next})`);
  });
  return tip;
}

/**
 * after-block: 0–150 ms after a block was announced (mempool recheck, RPC, idle).
 * in-commit: aimed at the next block's execution and LMDB commit, which end about one block
 * time after the previous announcement (the producer keeps blocks on a fixed time grid).
 * anytime: not aligned with blocks at all.
 */
type KillMode = 'after-block' | 'in-commit' | 'anytime';

describe('crash safety under load with real processes', () => {
  const procs = new Set<NodeProcess>();
  const observers = new Set<Observer>();
  let activeLoad: Load | undefined;
  let home: string | undefined;

  // Runs whether the test passed or not: no child, socket or load loop may outlive it.
  after(async () => {
    const stopped = activeLoad?.stop();
    for (const o of observers) o.close();
    for (const p of procs) await p.kill('SIGKILL');
    await stopped;
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it(`survives ${KILLS} SIGKILLs at random moments`, { timeout: 120_000 }, async (t: TestContext) => {
    const envSeed = process.env.LATTICE_CRASH_SEED;
    const seed = envSeed !== undefined ? Number(envSeed) : randomInt(2 ** 31);
    assert.ok(Number.isSafeInteger(seed), 'LATTICE_CRASH_SEED must be an integer');
    t.diagnostic(`seed ${seed} (rerun with LATTICE_CRASH_SEED=${seed})`);
    // Separate streams, so the kill schedule does not depend on how many txs were signed.
    const rand = prng(seed);
    const loadRand = prng(seed ^ 0x5bd1e995);

    home = mkdtempSync(join(tmpdir(), 'lattice-crash-'));
    const port = await freePort();
    const accounts = Array.from({ length: SENDERS }, (_, i) => testAccount(i + 1));
    await initHome({
      home,
      chainId: CHAIN_ID,
      accounts: fundedGenesisAccounts(accounts),
      config: (c) => {
        c.rpc = { host: '127.0.0.1', port };
        c.block.timeMs = BLOCK_TIME_MS;
        c.verifier.threads = 1;
      },
    });
    const rpc = new Rpc(`http://127.0.0.1:${port}/`);
    const wsUrl = `ws://127.0.0.1:${port}/ws`;
    const rec = new Record();
    const recipients = [
      ...accounts.map((a) => a.address),
      ...Array.from({ length: 10 }, (_, i) => testAccount(100 + i).address),
    ];
    const senders: Sender[] = [];
    const load = new Load(senders, recipients, loadRand);
    activeLoad = load;

    const start = async (): Promise<NodeProcess> => {
      const proc = new NodeProcess(home!);
      procs.add(proc);
      const deadline = performance.now() + READY_TIMEOUT_MS;
      for (;;) {
        assert.ok(proc.alive, `latticed exited during start-up\n${proc.output}`);
        try {
          await rpc.call('lat_status');
          return proc;
        } catch {
          assert.ok(performance.now() < deadline, `latticed did not answer lat_status\n${proc.output}`);
          await delay(50);
        }
      }
    };

    const observe = async (): Promise<{ obs: Observer; lookups: Set<Promise<void>> }> => {
      const obs = await Observer.open(wsUrl);
      observers.add(obs);
      const lookups = new Set<Promise<void>>();
      obs.onBlock = (ev) => {
        const h = Number(ev.height);
        rec.blocks.set(h, { hash: ev.hash, appHash: ev.appHash, appHashAfter: ev.appHashAfter });
        if (h > rec.maxHeight) rec.maxHeight = h;
        const p = Promise.all([
          rpc.call('lat_getBlockByNumber', [h]),
          rpc.call('lat_getStateRoot', [h]),
        ]).then(
          ([b, r]) => {
            rec.rpcBlockHashes.set(h, b.hash);
            rec.rpcRoots.set(h, r.root);
          },
          () => {
            // The node died before answering: the announcement itself is still recorded.
          },
        );
        lookups.add(p);
        void p.then(() => lookups.delete(p));
      };
      obs.onTx = (ev) => {
        if (!load.owner.has(ev.hash)) return;
        if (!ev.success) rec.failed.push(`${ev.hash}: ${ev.codeName} ${ev.log}`);
        rec.txs.set(ev.hash, { height: ev.height, index: ev.index, success: ev.success });
        load.committed(ev.hash);
      };
      return { obs, lookups };
    };

    const modes: KillMode[] = ['after-block', 'in-commit', 'in-commit'];
    const LOAD_WAIT_BLOCKS_MAX = 40;
    const choices: KillMode[] = ['after-block', 'in-commit', 'anytime'];
    while (modes.length < KILLS) modes.push(choices[Math.floor(rand() * choices.length)]!);

    for (let round = 0; round <= KILLS; round++) {
      const proc = await start();
      const label = `after restart ${round} (seed ${seed})`;
      if (round === 0) {
        for (const a of accounts) {
          const acc = await rpc.call('lat_getAccount', [a.address]);
          senders.push({
            account: a,
            accountNumber: BigInt(acc.accountNumber),
            next: 0n,
            queue: [],
            pending: new Set(),
            committedSeq: 0n,
            resync: false,
          });
        }
      } else {
        await verifyHistory(rpc, rec, senders, label, true);
        // The mempool died with the process: continue from the sequences the chain has.
        for (const s of senders) {
          s.pending.clear();
          await load.resync(rpc, s);
        }
      }
      load.presign(PRESIGNED_PER_SENDER);
      const { obs, lookups } = await observe();
      const txsBefore = rec.txs.size;
      load.start(rpc, obs);
      await obs.blocks(2 + Math.floor(rand() * 4), proc);
      // Every life commits load txs: the senders' sequences carried on from the chain's. On a
      // loaded machine the first batch after a start can miss the first blocks, so wait for it
      // a bounded number of blocks more.
      for (let extra = 0; rec.txs.size === txsBefore && extra < LOAD_WAIT_BLOCKS_MAX; extra++)
        await obs.blocks(1, proc);
      assert.ok(rec.txs.size > txsBefore, `${label}: no load tx committed\n${proc.output}`);

      if (round === KILLS) {
        await obs.blocks(3, proc);
        await load.stop();
        await Promise.all(lookups);
        const tip = await verifyHistory(rpc, rec, senders, `final (seed ${seed})`, false);
        obs.close();
        const exit = await proc.kill('SIGTERM');
        assert.deepEqual(exit, { code: 0, signal: null }, `graceful stop failed\n${proc.output}`);
        procs.delete(proc);
        t.diagnostic(
          `tip ${tip}, ${rec.txs.size} txs committed and re-checked, ${load.submitted} submitted, ` +
            `rejections ${JSON.stringify(Object.fromEntries(load.rejections))}`,
        );
        break;
      }

      const mode = modes[round]!;
      let killDelay: number;
      if (mode === 'anytime') killDelay = Math.floor(rand() * 2 * BLOCK_TIME_MS);
      else {
        await obs.blocks(1, proc);
        killDelay =
          mode === 'after-block'
            ? Math.floor(rand() * 150)
            : Math.max(
                0,
                Math.round(
                  obs.lastBlockAt + BLOCK_TIME_MS - IN_COMMIT_LEAD_MS * (1 - rand()) - performance.now(),
                ),
              );
      }
      await delay(killDelay);
      const exit = await proc.kill('SIGKILL');
      procs.delete(proc);
      assert.equal(exit.signal, 'SIGKILL', `latticed died on its own before the kill\n${proc.output}`);
      // What the dead node left on disk: at least everything it announced.
      const store = Store.open({ path: homePaths(home).data, noSync: true });
      const persisted = store.blocks.latestHeight();
      await store.close();
      assert.ok(persisted >= rec.maxHeight, `block ${rec.maxHeight} was announced but is not on disk`);
      t.diagnostic(
        `kill ${round + 1}: ${mode} +${killDelay} ms; last announced block ${rec.maxHeight}, ` +
          `on disk ${persisted}; ${rec.txs.size} txs seen committed`,
      );
      await load.stop();
      obs.close();
      await Promise.all(lookups);
    }
    assert.equal(load.rejections.size, 0, `the node rejected load txs: ${[...load.rejections.keys()]}`);
  });
});
