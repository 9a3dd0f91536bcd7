import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  BlockResultsSchema,
  CoinSchema,
  decodeMessage,
  InputSchema,
  MsgMultiSendSchema,
  OutputSchema,
  packAny,
} from '@lattice/codec';
import { Store } from '@lattice/store';
import { isLatticeError } from '@lattice/utils';
import { homePaths } from '../src/config.ts';
import { replayChain } from '../src/replay.ts';
import {
  FUNDED_UDRT,
  hex,
  rootsOf,
  sendTx,
  startTestNet,
  type TestAccount,
  type TestNet,
  testAccount,
} from './harness.ts';

/**
 * Acceptance: a chain with transfers, multi-sends, txs that fail at execution (insufficient funds,
 * out of gas) and first-tx public keys is reproduced exactly by replaying its blocks into a fresh
 * state — through the API and the `latticed replay` CLI — and a tampered copy is detected.
 */

const LATTICED = fileURLToPath(new URL('../bin/latticed.ts', import.meta.url));
const run = promisify(execFile);

interface Receipt {
  hash: string;
  height: string;
  index: number;
  success: boolean;
  codeName: string;
  gasWanted: string;
  gasUsed: string;
}

interface AccountJson {
  accountNumber: string;
  sequence: string;
  publicKey: { algorithm: number; key: string } | null;
}

type Coins = { denom: string; amount: string }[];

interface Snapshot {
  udrt: bigint;
  sequence: bigint;
}

async function latticed(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [LATTICED, ...args], { timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    };
  }
}

describe('replay determinism', () => {
  let net: TestNet;
  const dirs: string[] = [];
  const tmp = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `lattice-${name}-`));
    dirs.push(d);
    return d;
  };
  const accountNumbers = new Map<string, bigint>();
  const sequences = new Map<string, bigint>();
  const bob = testAccount(70).address;
  const carol = testAccount(71).address;
  /** Funded by a multi-send in block 1 with exactly FRESH_FUNDS udrt. */
  const fresh = testAccount(72);
  /** Never existed before block 4, where two txs race to create it. */
  const zed = testAccount(73).address;
  const FRESH_FUNDS = 100_000n;
  let tip = 0;
  let insufficient: Receipt;
  let outOfGas: Receipt;
  let outOfGasFee = 0n;
  /** udrt balance and sequence of the failing tx's sender just before and after its block. */
  let overspender: { before: Snapshot; after: Snapshot; pubKeyStored: boolean };
  let gasPayer: { before: Snapshot; after: Snapshot; zedUdrt: bigint };
  /** lat_getStateRoot for 0..tip, taken from the running node. */
  const served: string[] = [];

  async function account(address: string): Promise<AccountJson> {
    const a = await net.rpc<AccountJson | null>('lat_getAccount', [address]);
    assert.ok(a, `account ${address} does not exist`);
    return a;
  }

  async function balance(address: string, denom = 'udrt'): Promise<bigint> {
    return BigInt((await net.rpc<{ amount: string }>('lat_getBalance', [address, denom])).amount);
  }

  async function snapshot(address: string): Promise<Snapshot> {
    return { udrt: await balance(address), sequence: BigInt((await account(address)).sequence) };
  }

  async function receipt(hash: string): Promise<Receipt> {
    const r = await net.rpc<Receipt | null>('lat_getTransactionReceipt', [hash]);
    assert.ok(r, `no receipt for ${hash}`);
    return r;
  }

  /** Signs with the account's next sequence; the public key goes with its first tx only. */
  async function sign(
    from: TestAccount,
    opts: { to?: string; amount?: Coins; fee?: bigint; gasLimit?: bigint; outputs?: [string, Coins][] },
  ): Promise<Uint8Array> {
    let accountNumber = accountNumbers.get(from.address);
    if (accountNumber === undefined) {
      accountNumber = BigInt((await account(from.address)).accountNumber);
      accountNumbers.set(from.address, accountNumber);
    }
    const sequence = sequences.get(from.address) ?? 0n;
    sequences.set(from.address, sequence + 1n);
    const outputs = opts.outputs;
    return sendTx(
      {
        from,
        to: opts.to ?? bob,
        amount: opts.amount,
        sequence,
        accountNumber,
        fee: opts.fee,
        gasLimit: opts.gasLimit,
        withPubKey: sequence === 0n,
      },
      outputs
        ? (u) => {
            const totals = new Map<string, bigint>();
            for (const [, coins] of outputs)
              for (const c of coins) totals.set(c.denom, (totals.get(c.denom) ?? 0n) + BigInt(c.amount));
            const msg = create(MsgMultiSendSchema, {
              inputs: [
                create(InputSchema, {
                  address: from.address,
                  coins: [...totals].map(([denom, amount]) =>
                    create(CoinSchema, { denom, amount: amount.toString() }),
                  ),
                }),
              ],
              outputs: outputs.map(([address, coins]) =>
                create(OutputSchema, { address, coins: coins.map((c) => create(CoinSchema, c)) }),
              ),
            });
            u.messages = [packAny(MsgMultiSendSchema, msg)];
          }
        : undefined,
    );
  }

  async function submit(tx: Uint8Array): Promise<string> {
    return (await net.rpc<{ hash: string }>('lat_sendRawTransaction', [hex(tx)])).hash;
  }

  /** Produces a block and checks it holds exactly the given txs, in that order. */
  async function block(hashes: string[]): Promise<void> {
    const b = await net.node.produceBlock();
    tip = b.height;
    assert.deepEqual(b.txHashes.map(hex), hashes, `block ${b.height} txs`);
  }

  before(async () => {
    net = await startTestNet({ accounts: 5 });
    const [a0, a1, a2, a3, a4] = net.accounts as [
      TestAccount,
      TestAccount,
      TestAccount,
      TestAccount,
      TestAccount,
    ];

    // Block 1: first txs of two accounts (public keys on-chain), a transfer and a multi-send.
    const t1 = await submit(await sign(a0, { amount: [{ denom: 'udrt', amount: '1000' }] }));
    const t2 = await submit(
      await sign(a1, {
        outputs: [
          [
            bob,
            [
              { denom: 'udrt', amount: '500' },
              { denom: 'udgt', amount: '7' },
            ],
          ],
          [carol, [{ denom: 'udrt', amount: '300' }]],
          [fresh.address, [{ denom: 'udrt', amount: FRESH_FUNDS.toString() }]],
        ],
      }),
    );
    await block([t1, t2]);
    for (const a of [a0, a1])
      assert.ok((await account(a.address)).publicKey, 'first tx stores the public key');

    // Block 2: later txs omit the public key; another account's first tx is a multi-send.
    const t3 = await submit(await sign(a0, { to: carol, amount: [{ denom: 'udgt', amount: '5' }] }));
    const t4 = await submit(
      await sign(a2, {
        outputs: [
          [bob, [{ denom: 'udgt', amount: '11' }]],
          [carol, [{ denom: 'udgt', amount: '13' }]],
        ],
      }),
    );
    const t5 = await submit(await sign(a1, { to: carol, amount: [{ denom: 'udrt', amount: '9' }] }));
    await block([t3, t4, t5]);

    // Block 3: insufficient funds at execution. `fresh` spends more than it has, counting on a3's
    // incoming transfer, which checkTx sees first; its higher fee puts it first in the block.
    const t6 = await submit(
      await sign(a3, { to: fresh.address, amount: [{ denom: 'udrt', amount: '50000' }] }),
    );
    const overspend = FRESH_FUNDS - 4_000n + 10_000n;
    const t7 = await submit(
      await sign(fresh, { amount: [{ denom: 'udrt', amount: overspend.toString() }], fee: 4_000n }),
    );
    const freshBefore = await snapshot(fresh.address);
    await block([t7, t6]);
    insufficient = await receipt(t7);
    overspender = {
      before: freshBefore,
      after: await snapshot(fresh.address),
      pubKeyStored: (await account(fresh.address)).publicKey !== null,
    };

    // Block 4: out of gas at execution. a4 creates `zed` (cheap fee); a2 pays zed with a gas
    // limit that covers the ante and a transfer to an existing account — what checkTx measures,
    // as it sees a4's tx first — but a2's higher fee puts it first, where it must create zed.
    const t8 = await submit(await sign(a4, { to: zed, amount: [{ denom: 'udrt', amount: '1000' }] }));
    let gasLimit = 100_000n;
    let tx: Uint8Array;
    const seq = sequences.get(a2.address)!;
    for (let i = 0; ; i++) {
      assert.ok(i < 5, 'gas limit did not converge');
      sequences.set(a2.address, seq);
      tx = await sign(a2, {
        to: zed,
        amount: [{ denom: 'udrt', amount: '1000' }],
        gasLimit,
        fee: gasLimit / 40n,
      });
      const sim = await net.rpc<{ success: boolean; gasUsed: string }>('lat_simulate', [hex(tx)]);
      assert.equal(sim.success, true);
      if (BigInt(sim.gasUsed) === gasLimit) break;
      gasLimit = BigInt(sim.gasUsed);
    }
    outOfGasFee = gasLimit / 40n;
    const payerBefore = await snapshot(a2.address);
    const t9 = await submit(tx);
    await block([t9, t8]);
    outOfGas = await receipt(t9);
    gasPayer = { before: payerBefore, after: await snapshot(a2.address), zedUdrt: await balance(zed) };

    // Blocks 5 and 6: ordinary traffic, then an empty block.
    const more: string[] = [];
    for (const a of [a0, a1, a3, a4]) more.push(await submit(await sign(a, { to: zed })));
    more.push(await submit(await sign(fresh, { to: carol, amount: [{ denom: 'udrt', amount: '1' }] })));
    const b5 = await net.node.produceBlock();
    assert.equal(b5.txHashes.length, more.length);
    assert.ok(b5.results.every((r) => r.code === 0));
    await block([]);

    for (let h = 0; h <= tip; h++) {
      served.push((await net.rpc<{ root: string }>('lat_getStateRoot', [h])).root.slice(2));
    }
    await net.node.stop();
  });

  after(async () => {
    rmSync(net.home, { recursive: true, force: true });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('recorded a tx that failed for insufficient funds at execution, fee and sequence kept', () => {
    assert.equal(insufficient.success, false);
    assert.equal(insufficient.codeName, 'TX_INSUFFICIENT_FUNDS');
    assert.equal(insufficient.index, 0, 'its higher fee put it before the transfer it counted on');
    assert.deepEqual(overspender.before, { udrt: FRESH_FUNDS, sequence: 0n });
    // Fee charged, transfer reverted, then a3's 50000 arrived; the sequence moved on.
    assert.deepEqual(overspender.after, { udrt: FRESH_FUNDS - 4_000n + 50_000n, sequence: 1n });
    assert.equal(
      overspender.pubKeyStored,
      true,
      'the ante stores the first-tx public key even if the message fails',
    );
  });

  it('recorded a tx that ran out of gas after the ante, fee and sequence kept', () => {
    assert.equal(outOfGas.success, false);
    assert.equal(outOfGas.codeName, 'TX_OUT_OF_GAS');
    assert.equal(outOfGas.index, 0);
    assert.ok(BigInt(outOfGas.gasUsed) >= BigInt(outOfGas.gasWanted));
    assert.deepEqual(gasPayer.after, {
      udrt: gasPayer.before.udrt - outOfGasFee,
      sequence: gasPayer.before.sequence + 1n,
    });
    assert.equal(gasPayer.zedUdrt, 1_000n, 'only the cheaper transfer to zed went through');
  });

  it('replayChain reproduces every app hash and the last one', async () => {
    const r = await replayChain({ home: net.home, target: tmp('replay-a') });
    assert.equal(r.blocks, tip);
    assert.equal(r.lastAppHash, served[tip]);
  });

  it('two independent replays give byte-identical app hashes at every height', async () => {
    const a = tmp('replay-b');
    const b = tmp('replay-c');
    await replayChain({ home: net.home, target: a });
    await replayChain({ home: net.home, target: b });
    const ra = await rootsOf(a, tip);
    const rb = await rootsOf(b, tip);
    assert.deepEqual(ra, rb);
    assert.deepEqual(ra, served, 'replays match what the node committed and served');
    assert.deepEqual(await rootsOf(homePaths(net.home).data, tip), served);
    assert.equal(new Set(ra).size, ra.length - 1, 'only the empty block leaves the state unchanged');
  });

  it('latticed replay exits 0 and reports every block', async () => {
    const r = await latticed(['replay', '--home', net.home, '--to', tmp('replay-cli')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`replayed ${tip} blocks: every app hash matches \\(last ${served[tip]}\\)`),
    );
  });

  it('latticed replay refuses a target that is not empty', async () => {
    const target = tmp('replay-used');
    await replayChain({ home: net.home, target });
    const r = await latticed(['replay', '--home', net.home, '--to', target]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /INVALID_ARGUMENT/);
  });

  it('a copy whose stored genesis differs by one balance: STATE_CORRUPT at block 1', async () => {
    const home = tmp('tampered-genesis');
    cpSync(net.home, home, { recursive: true });
    const path = homePaths(home).genesis;
    const genesis = JSON.parse(readFileSync(path, 'utf8'));
    const entry = genesis.app_state.bank.balances.find(
      (b: { address: string }) => b.address === net.accounts[4]!.address,
    );
    const udrt = entry.coins.find((c: { denom: string }) => c.denom === 'udrt');
    assert.equal(udrt.amount, FUNDED_UDRT.toString());
    udrt.amount = (FUNDED_UDRT + 1n).toString();
    writeFileSync(path, JSON.stringify(genesis));
    await assert.rejects(
      replayChain({ home, target: tmp('replay-tg') }),
      (e: unknown) => isLatticeError(e, 'STATE_CORRUPT') && (e.meta as { height?: number }).height === 1,
    );
    const r = await latticed(['replay', '--home', home, '--to', tmp('replay-tg-cli')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error \[STATE_CORRUPT\]/);
  });

  it('a copy with one tx result flipped: STATE_CORRUPT at that height', async () => {
    const home = tmp('tampered-result');
    cpSync(net.home, home, { recursive: true });
    const height = Number(outOfGas.height);
    const store = Store.open({ path: homePaths(home).data, noSync: true });
    try {
      const raw = store.results.get(height);
      assert.ok(raw);
      const results = decodeMessage(BlockResultsSchema, raw, Number.MAX_SAFE_INTEGER, 'BlockResults');
      const r = results.txResults[outOfGas.index]!;
      assert.notEqual(r.code, 0);
      // The app hash is left alone: only what the block's receipt says is forged.
      r.code = 0;
      r.codespace = '';
      r.log = '';
      store.transaction(() => store.results.put(height, toBinary(BlockResultsSchema, results)));
    } finally {
      await store.close();
    }
    await assert.rejects(
      replayChain({ home, target: tmp('replay-tr') }),
      (e: unknown) => isLatticeError(e, 'STATE_CORRUPT') && (e.meta as { height?: number }).height === height,
    );
    const r = await latticed(['replay', '--home', home, '--to', tmp('replay-tr-cli')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error \[STATE_CORRUPT\]/);
  });
});
