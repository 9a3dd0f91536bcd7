import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isLatticeError } from '@lattice/utils';
import { ALG_ML_DSA_44, type VerifyRequest, WorkerPoolVerifier } from '../src/index.ts';
import { makeCase } from './verifier-suite.ts';

const FAULTY = new URL('./fixtures/faulty-verify-worker.ts', import.meta.url);

/** A well-formed request whose message scripts the faulty worker. */
function scripted(text: string): VerifyRequest {
  return {
    alg: ALG_ML_DSA_44,
    publicKey: new Uint8Array(1312),
    signature: new Uint8Array(2420),
    message: new TextEncoder().encode(text),
    context: '',
  };
}

const isInternal = (e: unknown) => isLatticeError(e, 'INTERNAL');
const good = () => makeCase(0).request;

describe('WorkerPoolVerifier', () => {
  const pools: WorkerPoolVerifier[] = [];
  const pool = (opts: ConstructorParameters<typeof WorkerPoolVerifier>[0]) => {
    const p = new WorkerPoolVerifier(opts);
    pools.push(p);
    return p;
  };
  after(() => Promise.all(pools.map((p) => p.close())));

  test('runs its verify threads 5 nice levels below the process on Linux', {
    skip: !existsSync('/proc/thread-self'),
  }, async () => {
    const p = pool({ threads: 1 });
    assert.deepEqual(await p.verify([good()]), [true]);
    // /proc/<pid>/task/<tid>/stat: the comm field is parenthesised; nice is the 17th field after it.
    const nice = (tid: string) =>
      Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const comm = (tid: string) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    const tids = readdirSync('/proc/self/task');
    const main = nice(String(process.pid));
    const workers = tids.filter((t) => comm(t) === 'WorkerThread').map(nice);
    assert.ok(workers.length >= 1, 'a verify thread is running');
    assert.ok(
      workers.every((n) => n === Math.min(19, main + 5)),
      `main ${main}, workers ${workers.join(',')}`,
    );
  });

  test('defaults to availableParallelism() - 1 threads, at least one', () => {
    assert.equal(pool({}).threads, Math.max(1, availableParallelism() - 1));
    assert.equal(pool({ threads: 3 }).threads, 3);
    assert.throws(
      () => pool({ threads: 0 }),
      (e) => isLatticeError(e, 'INVALID_ARGUMENT'),
    );
  });

  test('calls made in the same tick are coalesced into batches of up to batchMax', async () => {
    const v = pool({ threads: 1, batchMax: 4, workerUrl: FAULTY });
    const [a, b] = await Promise.all([
      v.verify([scripted('size:4'), scripted('size:4')]),
      v.verify([scripted('size:4'), scripted('size:4')]),
    ]);
    assert.deepEqual([...a, ...b], [true, true, true, true]);
    // Six requests split into a batch of four and a batch of two.
    assert.deepEqual(await v.verify(Array.from({ length: 6 }, () => scripted('size:4'))), [
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  for (const fault of ['exit', 'throw']) {
    test(`a worker that dies (${fault}) rejects its callers with INTERNAL and is replaced`, async () => {
      const v = pool({ threads: 1, workerUrl: FAULTY });
      await assert.rejects(v.verify([good(), scripted(fault)]), isInternal);
      assert.deepEqual(await v.verify([good(), good()]), [true, true]);
    });
  }

  test('workers that keep dying before answering put the pool out of service', async () => {
    const v = pool({ threads: 1, workerUrl: FAULTY });
    for (let i = 0; i < 3; i++) await assert.rejects(v.verify([scripted('exit')]), isInternal);
    await assert.rejects(
      v.verify([good()]),
      (e) => isInternal(e) && /keep failing/.test((e as Error).message),
    );
  });

  test('a worker failing to load rejects callers instead of hanging', async () => {
    const v = pool({ threads: 1, workerUrl: new URL('./fixtures/does-not-exist.ts', import.meta.url) });
    await assert.rejects(v.verify([good()]), isInternal);
  });

  test('close() rejects calls already sent to a worker with ABORTED', async () => {
    const v = pool({ threads: 2, workerUrl: FAULTY });
    const inFlight = v.verify([scripted('hang')]);
    const rejected = assert.rejects(inFlight, (e) => isLatticeError(e, 'ABORTED'));
    // Let the dispatch microtask run so the batch is with the worker, not in the queue.
    await Promise.resolve();
    await v.close();
    await rejected;
  });

  test('an idle pool that is never closed does not keep the process alive', () => {
    const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `
      import { WorkerPoolVerifier, privateKeyFromSeed } from ${JSON.stringify(index)};
      const v = new WorkerPoolVerifier({ threads: 2 });
      const k = privateKeyFromSeed(1, new Uint8Array(32));
      const m = new Uint8Array([1]);
      console.log(JSON.stringify(await v.verify([{ alg: 1, publicKey: k.publicKey, message: m, signature: k.sign(m, 'c'), context: 'c' }])));
    `;
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(res.error, undefined, 'the process did not exit on its own');
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout.trim(), '[true]');
  });
});
