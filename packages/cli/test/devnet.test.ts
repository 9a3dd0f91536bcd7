import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { buildContract } from '@lattice/contract-sdk';
import { freePortRange } from '@lattice/node';

const CLI = fileURLToPath(new URL('../bin/lattice.ts', import.meta.url));
const VALIDATORS = 4;
const TOKEN = fileURLToPath(new URL('../../contracts/examples/token/assembly/index.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

// biome-ignore lint/suspicious/noExplicitAny: the summary is checked field by field.
type Json = any;

const home = mkdtempSync(join(tmpdir(), 'lattice-devnet-'));
const running: ChildProcess[] = [];
after(() => {
  for (const c of running) c.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

/** `lattice devnet --json`, resolved with its summary once every node answers. */
async function startDevnet(args: string[]): Promise<{ child: ChildProcess; summary: Json }> {
  const child = spawn(process.execPath, [CLI, 'devnet', '--home', home, '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const summary = await new Promise<Json>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devnet did not start: ${stderr}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (d) => {
      stdout += d;
      try {
        const s = JSON.parse(stdout);
        clearTimeout(timer);
        resolve(s);
      } catch {
        // The summary is not complete yet.
      }
    });
    child.once('exit', (code) => reject(new Error(`devnet exited with ${code}: ${stderr}`)));
  });
  return { child, summary };
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function status(rpc: string): Promise<Json> {
  const r = await cli(['--node', rpc, 'status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * Acceptance (npm start): `lattice devnet` runs four validator processes with funded accounts,
 * RPC and a faucet; the CLI shows consensus state; Ctrl-C stops every process; a second start
 * resumes the same chain.
 */
describe('lattice devnet', { timeout: 180_000 }, () => {
  it('runs 4 validator processes, serves the CLI, stops on Ctrl-C and resumes', async () => {
    const rpcBase = await freePortRange(VALIDATORS);
    const p2pBase = await freePortRange(VALIDATORS);
    const { child, summary } = await startDevnet([
      '--validators',
      String(VALIDATORS),
      '--accounts',
      '2',
      '--port',
      String(rpcBase),
      '--p2p-port',
      String(p2pBase),
    ]);
    assert.equal(summary.nodes.length, VALIDATORS);
    assert.deepEqual(
      summary.accounts.map((a: Json) => a.name),
      ['account0', 'account1'],
    );

    // Consensus over the network: node1 knows its peers and the whole validator set.
    await delay(2_000);
    const s = await status(summary.nodes[1].rpc);
    assert.ok(s.consensus.peers >= 2, `peers: ${s.consensus.peers}`);
    // The set is ordered by power, then address; names come from genesis.
    assert.deepEqual(
      s.validators.map((v: Json) => `${v.name}:${v.votingPower}`).sort(),
      [0, 1, 2, 3].map((i) => `node${i}:10`),
    );
    const human = await cli(['--node', summary.nodes[1].rpc, 'status']);
    assert.match(human.stdout, /consensus: +deciding height \d+, round \d+/);
    assert.match(human.stdout, /validators: +4, total power 40/);

    // A transfer submitted to node2 and the faucet on node0, with the devnet's test keyring.
    const keyring = ['--home', home, '--keyring-backend', 'test'];
    const send = await cli([
      '--node',
      summary.nodes[2].rpc,
      ...keyring,
      'tx',
      'send',
      'account0',
      'account1',
      '1000udrt',
      '--json',
    ]);
    assert.equal(send.code, 0, send.stderr);
    assert.equal(JSON.parse(send.stdout).success, true);
    const faucet = await cli(['--node', summary.rpc, ...keyring, 'faucet', 'account1', '--json']);
    assert.equal(faucet.code, 0, faucet.stderr);
    const height = Number(JSON.parse(faucet.stdout).height);

    // A token contract across the validators: stored via node0, instantiated via node1, called
    // via node2, read back (smart query and a proven raw read) via node3.
    const on = (i: number, args: string[]) =>
      cli(['--node', summary.nodes[i].rpc, ...keyring, ...args, '--json']);
    const ok = async (r: Promise<{ code: number; stdout: string; stderr: string }>) => {
      const x = await r;
      assert.equal(x.code, 0, x.stderr);
      return JSON.parse(x.stdout);
    };
    const [a0, a1] = summary.accounts.map((a: Json) => a.address as string);
    const wasmFile = join(home, 'token.wasm');
    writeFileSync(wasmFile, await buildContract(TOKEN));
    const codeId = (await ok(on(0, ['wasm', 'store', 'account0', wasmFile, '--gas', 'auto']))).codeId;
    const init = JSON.stringify({
      name: 'Devnet',
      symbol: 'DEV',
      decimals: 0,
      initial_balances: [{ address: a0, amount: '100' }],
    });
    const token = (await ok(on(1, ['wasm', 'instantiate', 'account0', codeId, init, '--label', 'dev'])))
      .contract;
    const transfer = JSON.stringify({ transfer: { recipient: a1, amount: '40' } });
    const receipt = await ok(on(2, ['wasm', 'execute', 'account0', token, transfer, '--gas', 'auto']));
    assert.ok(BigInt(receipt.gasUsed) > 0n);
    assert.equal(receipt.events.find((e: Json) => e.type === 'wasm').attributes.amount, '40');
    assert.deepEqual(
      (await ok(on(3, ['wasm', 'query', token, JSON.stringify({ balance: { address: a1 } })]))).data,
      {
        balance: '40',
      },
    );
    const raw = await ok(
      on(3, ['wasm', 'raw', token, `0x0007${Buffer.from(`balance${a1}`).toString('hex')}`]),
    );
    assert.equal(raw.verified, true);
    assert.equal(BigInt(raw.value), 40n);

    // Ctrl-C stops every node process and the devnet exits cleanly.
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    for (const n of summary.nodes) assert.ok(processGone(n.pid), `${n.name} (pid ${n.pid}) still runs`);

    // Started again, it resumes the same chain past where it stopped.
    const again = await startDevnet([]);
    let resumed = await status(again.summary.rpc);
    assert.equal(resumed.chainId, s.chainId);
    assert.ok(Number(resumed.latestHeight) >= height, 'the stored chain is kept');
    const deadline = Date.now() + 30_000;
    while (Number(resumed.latestHeight) <= height && Date.now() < deadline) {
      await delay(500);
      resumed = await status(again.summary.rpc);
    }
    assert.ok(Number(resumed.latestHeight) > height, `commits resume: ${resumed.latestHeight} > ${height}`);
    const stoppedAgain = new Promise<number | null>((r) => again.child.once('exit', (code) => r(code)));
    again.child.kill('SIGTERM');
    assert.equal(await stoppedAgain, 0);
  });
});
