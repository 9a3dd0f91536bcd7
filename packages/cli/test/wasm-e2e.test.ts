import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildContract } from '@lattice/contract-sdk';
import { startTestNet, type TestNet } from '../../node/test/harness.ts';
import { lattice } from './run-cli.ts';

const TOKEN = fileURLToPath(new URL('../../contracts/examples/token/assembly/index.ts', import.meta.url));

interface Receipt {
  success: boolean;
  gasUsed: string;
  gasWanted: string;
  events: { type: string; attributes: Record<string, string> }[];
}

/**
 * Acceptance 1 of the contracts issue, through the real `lattice` CLI against a running node:
 * store the token, instantiate it, transfer, query balances by smart query and by a raw read
 * whose Merkle proof is checked against the app hash.
 */
describe('lattice wasm end to end', () => {
  let net: TestNet;
  let home: string;
  let env: Record<string, string>;
  const cli = async (args: string[]) => {
    const r = await lattice([...args, '--keyring-backend', 'test', '--json'], env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };

  before(async () => {
    net = await startTestNet({ accounts: 1, manualBlocks: false, faucet: true });
    home = mkdtempSync(join(tmpdir(), 'lattice-wasm-cli-'));
    env = { LATTICE_NODE: net.node.rpcUrl, LATTICE_HOME: home };
  });
  after(async () => {
    await net.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('stores, instantiates, transfers and proves the token state', async () => {
    const alice = (await cli(['keys', 'add', 'alice'])).address as string;
    const bob = (await cli(['keys', 'add', 'bob'])).address as string;
    await cli(['faucet', 'alice']);
    const wasmFile = join(home, 'token.wasm');
    writeFileSync(wasmFile, await buildContract(TOKEN));

    const stored = await cli(['wasm', 'store', 'alice', wasmFile, '--gas', 'auto']);
    assert.equal(stored.success, true);
    const codeId = stored.codeId as string;
    assert.match(codeId, /^[0-9]+$/);
    assert.equal((await cli(['wasm', 'code-info', codeId])).creator, alice);

    const init = {
      name: 'Devnet Token',
      symbol: 'DVT',
      decimals: 6,
      initial_balances: [{ address: alice, amount: '1000000' }],
    };
    const inst = await cli([
      'wasm',
      'instantiate',
      'alice',
      codeId,
      JSON.stringify(init),
      '--label',
      'dvt',
      '--admin',
      'alice',
    ]);
    const token = inst.contract as string;
    assert.match(token, /^lat1/);

    const transfer = (await cli([
      'wasm',
      'execute',
      'alice',
      token,
      JSON.stringify({ transfer: { recipient: bob, amount: '250000' } }),
      '--gas',
      'auto',
    ])) as Receipt;
    assert.equal(transfer.success, true);
    assert.ok(BigInt(transfer.gasUsed) > 0n && BigInt(transfer.gasUsed) <= BigInt(transfer.gasWanted));
    const wasmEvent = transfer.events.find((e) => e.type === 'wasm')!;
    assert.deepEqual(wasmEvent.attributes, {
      _contract_address: token,
      action: 'transfer',
      from: alice,
      to: bob,
      amount: '250000',
    });

    const balance = async (who: string) =>
      (
        (await cli(['wasm', 'query', token, JSON.stringify({ balance: { address: who } })])).data as {
          balance: string;
        }
      ).balance;
    assert.equal(await balance(bob), '250000');
    assert.equal(await balance(alice), '750000');

    // The token keeps balances in a StorageMap "balance": key = u16be(7) ‖ "balance" ‖ address.
    const key = `0x0007${Buffer.from(`balance${bob}`).toString('hex')}`;
    const raw = await cli(['wasm', 'raw', token, key]);
    assert.equal(raw.verified, true);
    assert.equal(raw.exists, true);
    assert.equal(BigInt(raw.value), 250_000n, 'a u64 big-endian balance');
    assert.equal(raw.root, raw.appHash);

    const info = await cli(['wasm', 'contract-info', token]);
    assert.deepEqual([info.codeId, info.label, info.admin], [codeId, 'dvt', alice]);
    assert.deepEqual((await cli(['wasm', 'list', codeId])).contracts, [token]);

    // A failing call is refused at simulation, before anything is broadcast.
    const bad = await lattice(
      [
        'wasm',
        'execute',
        'bob',
        token,
        JSON.stringify({ transfer: { recipient: alice, amount: '1' } }),
        '--keyring-backend',
        'test',
      ],
      env,
    );
    assert.notEqual(bad.code, 0);
  });
});
