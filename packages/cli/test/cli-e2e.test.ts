import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestNet, type TestNet } from '../../node/test/harness.ts';
import { lattice } from './run-cli.ts';

/**
 * Acceptance: through the real `lattice` CLI against a running node — new key from a mnemonic,
 * faucet, transfer, balances, receipt with gas, events and fee, recovery from the mnemonic.
 */
describe('lattice CLI end to end', () => {
  let net: TestNet;
  let home: string;
  let env: Record<string, string>;

  before(async () => {
    net = await startTestNet({ accounts: 1, manualBlocks: false, faucet: true });
    home = mkdtempSync(join(tmpdir(), 'lattice-cli-'));
    env = {
      LATTICE_NODE: net.node.rpcUrl,
      LATTICE_HOME: home,
      LATTICE_KEYRING_PASSWORD: 'correct horse battery',
    };
  });
  after(async () => {
    await net.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('creates, funds, sends, queries and recovers', async () => {
    const add = await lattice(['keys', 'add', 'alice', '--json'], env);
    assert.equal(add.code, 0, add.stderr);
    const alice = JSON.parse(add.stdout) as { address: string; mnemonic: string; backend: string };
    assert.equal(alice.mnemonic.split(' ').length, 24);
    assert.equal(alice.backend, 'file');
    const bob = JSON.parse((await lattice(['keys', 'add', 'bob', '--json'], env)).stdout) as {
      address: string;
    };

    const human = await lattice(['keys', 'list'], env);
    assert.match(human.stdout, /alice\s+lat1/);

    const faucet = await lattice(['faucet', 'alice', '--json'], env);
    assert.equal(faucet.code, 0, faucet.stderr);
    const funded = BigInt(
      (JSON.parse(faucet.stdout) as { amount: { denom: string; amount: string }[] }).amount.find(
        (c) => c.denom === 'udrt',
      )!.amount,
    );

    const send = await lattice(['tx', 'send', 'alice', 'bob', '2500000udrt', '--gas', 'auto', '--json'], env);
    assert.equal(send.code, 0, send.stderr);
    const receipt = JSON.parse(send.stdout) as {
      success: boolean;
      gasUsed: string;
      gasWanted: string;
      events: { type: string; attributes: Record<string, string> }[];
    };
    assert.equal(receipt.success, true);
    assert.ok(BigInt(receipt.gasUsed) > 0n && BigInt(receipt.gasUsed) <= BigInt(receipt.gasWanted));
    const transfer = receipt.events.find((e) => e.type === 'transfer')!;
    assert.equal(transfer.attributes.sender, alice.address);
    assert.equal(transfer.attributes.recipient, bob.address);
    assert.equal(transfer.attributes.amount, '2500000udrt');
    const fee = BigInt(/^(\d+)udrt$/.exec(receipt.events.find((e) => e.type === 'tx')!.attributes.fee!)![1]!);
    assert.ok(fee > 0n);

    const balBob = JSON.parse(
      (await lattice(['query', 'balance', 'bob', '--denom', 'udrt', '--json'], env)).stdout,
    ) as { amount: string };
    assert.equal(balBob.amount, '2500000');
    const balAlice = JSON.parse(
      (await lattice(['query', 'balance', alice.address, '--denom', 'udrt', '--json'], env)).stdout,
    ) as { amount: string };
    assert.equal(BigInt(balAlice.amount), funded - 2_500_000n - fee, 'alice paid the amount and the fee');

    const humanBalance = await lattice(['query', 'balance', 'bob'], env);
    assert.match(humanBalance.stdout, /2500000udrt \(2\.5 DRT\)/);

    const txq = await lattice(['query', 'tx', JSON.parse(send.stdout).hash, '--json'], env);
    assert.equal(txq.code, 0, txq.stderr);

    const recovered = await lattice(
      ['keys', 'add', 'alice-restored', '--recover', '--json'],
      env,
      `${alice.mnemonic}\n`,
    );
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.equal((JSON.parse(recovered.stdout) as { address: string }).address, alice.address);
  });

  it('shows status, blocks, supply, and manages keys (show, export, import, delete)', async () => {
    const status = JSON.parse((await lattice(['status', '--json'], env)).stdout) as {
      chainId: string;
      latestHeight: string;
    };
    assert.equal(status.chainId, 'lattice-test-1');
    assert.ok(Number(status.latestHeight) >= 1);
    assert.match((await lattice(['status'], env)).stdout, /chain id:\s+lattice-test-1/);

    const block = JSON.parse((await lattice(['query', 'block', '1', '--json'], env)).stdout) as {
      height: string;
    };
    assert.equal(block.height, '1');
    const supply = JSON.parse((await lattice(['query', 'supply', '--json'], env)).stdout) as {
      denom: string;
    }[];
    assert.deepEqual(supply.map((c) => c.denom).sort(), ['udgt', 'udrt']);

    const carol = JSON.parse(
      (await lattice(['keys', 'add', 'carol', '--algorithm', 'ml-dsa-65', '--json'], env)).stdout,
    ) as {
      address: string;
      algorithm: string;
    };
    assert.equal(carol.algorithm, 'ML-DSA-65');
    assert.equal((await lattice(['keys', 'show', 'carol', '--address'], env)).stdout.trim(), carol.address);
    const exported = await lattice(['keys', 'export', 'carol'], env);
    assert.equal(exported.code, 0, exported.stderr);
    const file = join(home, 'carol.keystore.json');
    writeFileSync(file, exported.stdout);
    assert.match((await lattice(['keys', 'delete', 'carol'], env)).stderr, /INVALID_ARGUMENT.*--yes/);
    assert.equal((await lattice(['keys', 'delete', 'carol', '--yes'], env)).code, 0);
    assert.match((await lattice(['keys', 'show', 'carol'], env)).stderr, /KEY_NOT_FOUND/);
    const imported = JSON.parse(
      (await lattice(['keys', 'import', 'carol2', file, '--json'], env)).stdout,
    ) as { address: string };
    assert.equal(imported.address, carol.address);
    const dup = await lattice(['keys', 'add', 'carol2'], env);
    assert.match(dup.stderr, /error \[KEY_EXISTS\]/);
  });

  it('gives a code and a plain sentence for errors', async () => {
    const missing = await lattice(['query', 'balance', 'nobody'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error \[KEY_NOT_FOUND\]: no key named "nobody"/);
    const badAmount = await lattice(['tx', 'send', 'alice', 'bob', '12.5udrt'], env);
    assert.match(badAmount.stderr, /error \[TX_INVALID_AMOUNT\]/);
    const wrongPw = await lattice(['tx', 'send', 'alice', 'bob', '1udrt'], {
      ...env,
      LATTICE_KEYRING_PASSWORD: 'wrong password',
    });
    assert.match(wrongPw.stderr, /error \[KEYSTORE_WRONG_PASSWORD\]/);
    const down = await lattice(['status', '--json'], { ...env, LATTICE_NODE: 'http://127.0.0.1:9' });
    assert.equal(
      (JSON.parse(down.stdout) as { error: { code: string } }).error.code,
      'RPC_CONNECTION_FAILED',
    );
    const unknownFlag = await lattice(['status', '--bogus'], env);
    assert.match(unknownFlag.stderr, /error \[INVALID_ARGUMENT\]/);
  });
});
