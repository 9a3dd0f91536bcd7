// Authenticated state benchmark: Lattice's radix-16 sparse Merkle tree vs @ethereumjs/mpt on the
// target load (12,000 updated keys per 1 s block on a 200,000-key state).
//   node bench/state.ts [--keys 200000] [--updates 12000] [--blocks 8] [--mpt-blocks 3 (0 skips mpt)]
import { hash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMerkleProof, createMPT, type MerklePatriciaTrie, verifyMerkleProof } from '@ethereumjs/mpt';
import {
  AuthenticatedState,
  encodeProof,
  Overlay,
  type StateReader,
  type StateWrite,
  verifyStateProof,
} from '@lattice/state';
import { type BinaryDb, Store } from '@lattice/store';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '200000' },
    updates: { type: 'string', default: '12000' },
    blocks: { type: 'string', default: '8' },
    'mpt-blocks': { type: 'string', default: '3' },
  },
});
const KEYS = Number(args.keys);
const UPDATES = Number(args.updates);
const BLOCKS = Number(args.blocks);
const MPT_BLOCKS = Number(args['mpt-blocks']);
const READS = 200_000;
const PROOFS = 5_000;
const MPT_PROOFS = 1_000;

// One-shot hashing: createHash objects would add GC work (weak handles) that is not the state's.
const sha = (s: string) => hash('sha256', s, 'buffer');
/** Keys shaped like bank balances: prefix ‖ 32-byte address ‖ denom (precomputed: not what we measure). */
const KEY_LIST = Array.from({ length: KEYS }, (_, i) =>
  Uint8Array.from(Buffer.concat([Buffer.from('bank/b/'), sha(`addr${i}`), Buffer.from('/udrt')])),
);
const keyOf = (i: number) => KEY_LIST[i]!;
const valueFor = (i: number, v: number) => Uint8Array.from(sha(`value${i}/${v}`).subarray(0, 16));

/** Deterministic pseudo-random key choice (no Math.random, so runs compare). */
function picker(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % KEYS;
  };
}

function median(ms: number[]): number {
  return [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `median ${median(ms).toFixed(1)} ms (min ${s[0]!.toFixed(1)}, max ${s.at(-1)!.toFixed(1)})`;
}

/** A block's writes as the app produces them: through an Overlay, so sorted by key and deduplicated. */
function blockWrites(block: number, parent: StateReader): StateWrite[] {
  const pick = picker(0x9e3779b9 + block);
  const overlay = new Overlay(parent);
  for (let n = 0; n < UPDATES; n++) {
    const i = pick();
    overlay.set(keyOf(i), valueFor(i, block));
  }
  return overlay.writes();
}

function dirSize(path: string): number {
  return statSync(join(path, 'data.mdb')).size;
}

async function benchLattice(): Promise<{ applyMs: number }> {
  const path = mkdtempSync(join(tmpdir(), 'bench-state-'));
  const store = Store.open({ path });
  const state = new AuthenticatedState({ store });
  const t0 = performance.now();
  for (let start = 0, h = 1; start < KEYS; start += 50_000, h++) {
    const writes: StateWrite[] = [];
    for (let i = start; i < Math.min(KEYS, start + 50_000); i++)
      writes.push({ key: keyOf(i), value: valueFor(i, 0) });
    const staged = state.stage(h, writes);
    store.transaction(() => state.commit(staged));
  }
  console.log(`lattice: loaded ${KEYS} keys in ${(performance.now() - t0).toFixed(0)} ms`);

  const stageMs: number[] = [];
  const commitMs: number[] = [];
  const totalMs: number[] = [];
  const cpuMs: number[] = [];
  let grown = 0;
  for (let b = 1; b <= BLOCKS; b++) {
    const writes = blockWrites(b, state);
    const before = dirSize(path);
    const cpu0 = process.threadCpuUsage();
    const t1 = performance.now();
    const staged = state.stage(state.height + 1, writes);
    const t2 = performance.now();
    store.transaction(() => state.commit(staged));
    const t3 = performance.now();
    const cpu = process.threadCpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    grown += dirSize(path) - before;
    stageMs.push(t2 - t1);
    commitMs.push(t3 - t2);
    totalMs.push(t3 - t1);
  }
  console.log(`lattice: ${UPDATES} updates/block on ${KEYS} keys, ${BLOCKS} blocks`);
  console.log(`  stage (root)           ${stats(stageMs)}`);
  console.log(`  commit (1 txn + fsync) ${stats(commitMs)}`);
  console.log(`  total                  ${stats(totalMs)}`);
  // Main-thread CPU time: what the block costs without waiting for a core (the VM is shared) or for fsync.
  console.log(`  total, main-thread CPU ${stats(cpuMs)}`);
  console.log(`  file growth            ${(grown / BLOCKS / 1024 / 1024).toFixed(1)} MiB/block (no pruning)`);

  const pick = picker(7);
  let t = performance.now();
  let found = 0;
  for (let n = 0; n < READS; n++) if (state.get(keyOf(pick())) !== undefined) found++;
  const readsPerSec = READS / ((performance.now() - t) / 1000);
  console.log(`  flat KV reads          ${Math.round(readsPerSec).toLocaleString('en')} /s (${found} hits)`);

  const proveKeys = Array.from({ length: PROOFS }, (_, n) => keyOf((n * 7919) % KEYS));
  t = performance.now();
  const proofs = proveKeys.map((k) => state.prove(k));
  const provePerSec = PROOFS / ((performance.now() - t) / 1000);
  const avgBytes = proofs.reduce((a, p) => a + encodeProof(p.proof).length, 0) / PROOFS;
  t = performance.now();
  for (let n = 0; n < PROOFS; n++) {
    const p = proofs[n]!;
    if (!verifyStateProof(p.root, proveKeys[n]!, p.value, p.proof)) throw new Error('proof failed');
  }
  const verifyPerSec = PROOFS / ((performance.now() - t) / 1000);
  console.log(
    `  proof generation       ${Math.round(provePerSec).toLocaleString('en')} /s (avg ${Math.round(avgBytes)} bytes)`,
  );
  console.log(`  proof verification     ${Math.round(verifyPerSec).toLocaleString('en')} /s (@noble/hashes)`);

  await store.close();
  rmSync(path, { recursive: true, force: true });
  return { applyMs: median(totalMs) };
}

/** An @ethereumjs/util DB over an LMDB sub-database; MPT flushes a checkpoint as one batch. */
function lmdbDb(store: Store, db: BinaryDb) {
  const adapter = {
    get: async (key: string) => db.get(Buffer.from(key, 'hex')),
    put: async (key: string, value: Uint8Array) => db.put(Buffer.from(key, 'hex'), value),
    del: async (key: string) => {
      db.remove(Buffer.from(key, 'hex'));
    },
    batch: async (ops: { type: 'put' | 'del'; key: string; value?: Uint8Array }[]) => {
      store.transaction(() => {
        for (const op of ops) {
          if (op.type === 'put') db.put(Buffer.from(op.key, 'hex'), op.value!);
          else db.remove(Buffer.from(op.key, 'hex'));
        }
      });
    },
    shallowCopy: () => adapter,
    open: async () => {},
  };
  return adapter;
}

async function benchMpt(kind: 'memory' | 'lmdb'): Promise<{ applyMs: number }> {
  const path = mkdtempSync(join(tmpdir(), 'bench-mpt-'));
  const store = Store.open({ path });
  const db = kind === 'lmdb' ? lmdbDb(store, store.openBinaryDb('mpt')) : undefined;
  const trie: MerklePatriciaTrie = await createMPT({
    useKeyHashing: true,
    ...(db ? { db: db as never, valueEncoding: 'view' as const } : {}),
  });
  const apply = async (writes: StateWrite[]) => {
    trie.checkpoint();
    await trie.batch(writes.map((w) => ({ type: 'put' as const, key: w.key, value: w.value! })));
    await trie.commit();
    return trie.root();
  };
  const t0 = performance.now();
  for (let start = 0; start < KEYS; start += 50_000) {
    const writes: StateWrite[] = [];
    for (let i = start; i < Math.min(KEYS, start + 50_000); i++)
      writes.push({ key: keyOf(i), value: valueFor(i, 0) });
    await apply(writes);
  }
  console.log(`mpt (${kind}): loaded ${KEYS} keys in ${(performance.now() - t0).toFixed(0)} ms`);
  const totalMs: number[] = [];
  for (let b = 1; b <= MPT_BLOCKS; b++) {
    const writes = blockWrites(b, { get: () => undefined });
    const t1 = performance.now();
    await apply(writes);
    totalMs.push(performance.now() - t1);
  }
  console.log(`mpt (${kind}): ${UPDATES} updates/block on ${KEYS} keys, ${MPT_BLOCKS} blocks`);
  console.log(`  total (root + flush)   ${stats(totalMs)}`);
  if (kind === 'memory') {
    const keys = Array.from({ length: MPT_PROOFS }, (_, n) => keyOf((n * 7919) % KEYS));
    let t = performance.now();
    const proofs = [];
    for (const k of keys) proofs.push(await createMerkleProof(trie, k));
    const provePerSec = MPT_PROOFS / ((performance.now() - t) / 1000);
    const avgBytes = proofs.reduce((a, p) => a + p.reduce((s, n) => s + n.length, 0), 0) / MPT_PROOFS;
    t = performance.now();
    for (let n = 0; n < MPT_PROOFS; n++) {
      if ((await verifyMerkleProof(keys[n]!, proofs[n]!, { useKeyHashing: true })) === null)
        throw new Error('mpt proof');
    }
    const verifyPerSec = MPT_PROOFS / ((performance.now() - t) / 1000);
    console.log(
      `  proof generation       ${Math.round(provePerSec).toLocaleString('en')} /s (avg ${Math.round(avgBytes)} bytes)`,
    );
    console.log(`  proof verification     ${Math.round(verifyPerSec).toLocaleString('en')} /s`);
  }
  await store.close();
  rmSync(path, { recursive: true, force: true });
  return { applyMs: median(totalMs) };
}

/** Machine speed at the time of the run (this VM is shared): one-shot SHA-256 of 65 bytes. */
function calibrate(): number {
  const b = new Uint8Array(65);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < 100_000; i++) hash('sha256', b, 'binary');
    best = Math.min(best, (performance.now() - t) / 100);
  }
  return best;
}

console.log(`node ${process.version}, ${KEYS} keys, ${UPDATES} updates/block, ${BLOCKS} blocks`);
console.log(`calibration: sha256 of 65 bytes takes ${calibrate().toFixed(3)} µs (≈0.30 on an idle core)\n`);
const lattice = await benchLattice();
if (MPT_BLOCKS > 0) {
  console.log();
  const mem = await benchMpt('memory');
  console.log();
  const lmdb = await benchMpt('lmdb');
  console.log();
  const ratio = (x: number) => (x / lattice.applyMs).toFixed(1);
  console.log(
    `apply time, mpt / lattice (medians): in-memory mpt ${ratio(mem.applyMs)}x, LMDB-backed mpt ${ratio(lmdb.applyMs)}x`,
  );
}
