import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import {
  MsgExecuteContractSchema,
  MsgInstantiateContractSchema,
  MsgStoreCodeSchema,
  packAny,
} from '@lattice/codec';
import { buildContract } from '@lattice/contract-sdk';
import { utf8 } from '@lattice/utils';
import { homePaths } from '../src/config.ts';
import { replayChain } from '../src/replay.ts';
import { hex, rootsOf, sendTx, startTestNet, type TestAccount, type TestNet } from './harness.ts';

const example = (name: string) =>
  buildContract(
    fileURLToPath(new URL(`../../contracts/examples/${name}/assembly/index.ts`, import.meta.url)),
  );

interface Receipt {
  success: boolean;
  codeName: string;
  gasUsed: string;
  events: { type: string; attributes: Record<string, string> }[];
}

/**
 * Acceptance 3 (second half): a chain with contract uploads, instantiations, calls that succeed,
 * calls that fail, run out of gas or hit the stack limit, is reproduced byte for byte by two
 * fresh replays of its blocks.
 */
describe('contract determinism across fresh nodes', () => {
  let net: TestNet;
  let tip = 0;
  let adversary = '';
  const dirs: string[] = [];
  const sequences = new Map<string, bigint>();

  async function tx<S extends DescMessage>(
    from: TestAccount,
    schema: S,
    value: MessageInitShape<S>,
    gas = 50_000_000n,
  ) {
    const seq = sequences.get(from.address) ?? 0n;
    sequences.set(from.address, seq + 1n);
    const accountNumber = BigInt(net.accounts.indexOf(from));
    const bytes = sendTx(
      { from, to: from.address, sequence: seq, accountNumber, gasLimit: gas, fee: gas / 100n },
      (u) => {
        u.messages = [packAny(schema, create(schema, value))];
        if (seq > 0n) u.publicKey = undefined;
      },
    );
    return (await net.rpc<{ hash: string }>('lat_sendRawTransaction', [hex(bytes)])).hash;
  }

  async function block(): Promise<void> {
    tip = (await net.node.produceBlock()).height;
  }

  const receipt = (hash: string) => net.rpc<Receipt>('lat_getTransactionReceipt', [hash]);
  const attr = (r: Receipt, type: string, key: string) =>
    r.events.find((e) => e.type === type)!.attributes[key]!;

  before(async () => {
    net = await startTestNet({ accounts: 2 });
    const [alice, bob] = net.accounts as [TestAccount, TestAccount];
    const storeToken = await tx(alice, MsgStoreCodeSchema, {
      sender: alice.address,
      wasmByteCode: await example('token'),
    });
    const storeBad = await tx(bob, MsgStoreCodeSchema, {
      sender: bob.address,
      wasmByteCode: await example('adversary'),
    });
    await block();
    const instToken = await tx(alice, MsgInstantiateContractSchema, {
      sender: alice.address,
      codeId: BigInt(attr(await receipt(storeToken), 'store_code', 'code_id')),
      label: 'token',
      msg: utf8(
        JSON.stringify({
          name: 'T',
          symbol: 'TT',
          decimals: 0,
          initial_balances: [{ address: alice.address, amount: '100' }],
        }),
      ),
    });
    const instBad = await tx(bob, MsgInstantiateContractSchema, {
      sender: bob.address,
      codeId: BigInt(attr(await receipt(storeBad), 'store_code', 'code_id')),
      label: 'adversary',
      msg: utf8('{}'),
    });
    await block();
    const token = attr(await receipt(instToken), 'instantiate', '_contract_address');
    const bad = attr(await receipt(instBad), 'instantiate', '_contract_address');
    adversary = bad;
    const call = (from: TestAccount, contract: string, msg: unknown, gas?: bigint) =>
      tx(
        from,
        MsgExecuteContractSchema,
        { sender: from.address, contract, msg: utf8(JSON.stringify(msg)) },
        gas,
      );
    const ok = await call(alice, token, { transfer: { recipient: bob.address, amount: '40' } });
    const overdraw = await call(bob, token, { transfer: { recipient: alice.address, amount: '41' } });
    await block();
    const loop = await call(bob, bad, { loop: {} }, 1_000_000n);
    const recurse = await call(alice, bad, { recurse: {} });
    const pay = await call(alice, token, { transfer: { recipient: bob.address, amount: '1' } });
    await block();
    assert.equal((await receipt(ok)).success, true);
    assert.equal((await receipt(overdraw)).codeName, 'WASM_ABORTED');
    assert.equal((await receipt(loop)).codeName, 'TX_OUT_OF_GAS');
    assert.equal((await receipt(loop)).gasUsed, '1000000');
    assert.equal((await receipt(recurse)).codeName, 'WASM_STACK_LIMIT');
    assert.equal((await receipt(pay)).success, true, 'the chain goes on after the failures');
  });
  after(async () => {
    await net.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('contract debug output shows in simulations only', async () => {
    const [, bob] = net.accounts as [TestAccount, TestAccount];
    const seq = sequences.get(bob.address) ?? 0n;
    const bytes = sendTx(
      { from: bob, to: bob.address, sequence: seq, accountNumber: 1n, gasLimit: 5_000_000n, fee: 50_000n },
      (u) => {
        u.messages = [
          packAny(
            MsgExecuteContractSchema,
            create(MsgExecuteContractSchema, {
              sender: bob.address,
              contract: adversary,
              msg: utf8('{"debug":{}}'),
            }),
          ),
        ];
        u.publicKey = undefined;
      },
    );
    const sim = await net.rpc<{ success: boolean; debug: string[] }>('lat_simulate', [hex(bytes)]);
    assert.equal(sim.success, true);
    assert.deepEqual(sim.debug, [`${adversary}: hello from ${adversary}`]);
  });

  it('two fresh replays agree with each other and with the node on every app hash', async () => {
    const replays: string[][] = [];
    for (const name of ['a', 'b']) {
      const target = mkdtempSync(join(tmpdir(), `lattice-wasm-replay-${name}-`));
      dirs.push(target);
      const r = await replayChain({ home: net.home, target });
      assert.equal(r.blocks, tip);
      replays.push(await rootsOf(target, tip));
    }
    const served = await rootsOf(homePaths(net.home).data, tip);
    assert.deepEqual(replays[0], served);
    assert.deepEqual(replays[1], served);
    assert.equal(new Set(served).size, served.length, 'every block with contract txs changed the state');
  });
});
