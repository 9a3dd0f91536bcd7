import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isLatticeError } from '@lattice/utils';
import {
  CONTRACT_POLICY,
  type CompiledContract,
  compileContract,
  instrument,
  runEntryPoint,
  validateModule,
} from '@lattice/vm';
import { buildContract } from '../src/index.ts';
import { memoryBackend } from './memory-backend.ts';

const COUNTER = fileURLToPath(new URL('../../contracts/examples/counter/assembly/index.ts', import.meta.url));
const GAS = 1_000_000_000n;
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const env = json({
  block: { height: '7', time_ms: '1700000000000', chain_id: 'test-1' },
  contract: { address: 'lat1counter' },
});
const info = (sender: string) => json({ sender, funds: [] });

describe('the counter contract through ABI v1', () => {
  let module: CompiledContract;
  before(async () => {
    const wasm = await buildContract(COUNTER);
    validateModule(wasm, CONTRACT_POLICY);
    module = compileContract(instrument(wasm));
  });

  test('instantiate, execute, query, with state kept between calls', () => {
    const backend = memoryBackend();
    const init = runEntryPoint(
      module,
      'instantiate',
      [env, info('lat1alice'), json({ count: 5 })],
      backend,
      GAS,
    );
    assert.deepEqual(init.value, {
      attributes: [
        { key: 'action', value: 'instantiate' },
        { key: 'owner', value: 'lat1alice' },
      ],
      events: [],
      messages: [],
    });
    assert.ok(init.gasUsed > 0n);
    const inc = runEntryPoint(
      module,
      'execute',
      [env, info('lat1bob'), json({ increment: {} })],
      backend,
      GAS,
    );
    assert.deepEqual((inc.value as { events: unknown[] }).events, [
      { type: 'counter', attributes: [{ key: 'count', value: '6' }] },
    ]);
    assert.deepEqual(runEntryPoint(module, 'query', [env, json({ count: {} })], backend, GAS).value, {
      count: 6,
    });
  });

  test('a contract error aborts with its message and the gas used', () => {
    const backend = memoryBackend();
    runEntryPoint(module, 'instantiate', [env, info('lat1alice'), json({ count: 1 })], backend, GAS);
    assert.throws(
      () =>
        runEntryPoint(module, 'execute', [env, info('lat1bob'), json({ reset: { count: 0 } })], backend, GAS),
      (e: unknown) =>
        isLatticeError(e, 'WASM_ABORTED') && /only the owner/.test(e.message) && Number(e.meta.gasUsed) > 0,
    );
    assert.throws(
      () => runEntryPoint(module, 'execute', [env, info('lat1bob'), json({ count: 1.5 })], backend, GAS),
      (e: unknown) => isLatticeError(e, 'WASM_ABORTED') && /integers/.test(e.message),
    );
  });

  test('gas is deterministic and a low limit runs out', () => {
    const run = (gas: bigint) =>
      runEntryPoint(
        module,
        'instantiate',
        [env, info('lat1alice'), json({ count: 5 })],
        memoryBackend(),
        gas,
      );
    const used = run(GAS).gasUsed;
    assert.equal(run(GAS).gasUsed, used);
    assert.equal(run(used).gasUsed, used);
    assert.throws(
      () => run(used - 1n),
      (e: unknown) => isLatticeError(e, 'TX_OUT_OF_GAS'),
    );
  });

  test('an entry point the contract lacks is refused', () => {
    assert.throws(
      () => runEntryPoint(module, 'migrate', [env, json({})], memoryBackend(), GAS),
      (e: unknown) => isLatticeError(e, 'WASM_NO_ENTRY_POINT'),
    );
  });
});
