import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALG_ML_DSA_44, generateMnemonic, mnemonicToKeySeed } from '@lattice/crypto';
import { startTestNet, type TestNet } from '../../node/test/harness.ts';
import { BrowserWallet } from '../src/browser.ts';
import { LatticeClient, Wallet } from '../src/index.ts';

/** A tx signed the browser way (@noble/post-quantum) is accepted by a real node. */
describe('BrowserWallet against a node', () => {
  let net: TestNet;
  before(async () => {
    net = await startTestNet({ accounts: 1, manualBlocks: false, faucet: true });
  });
  after(() => net.stop());

  it('derives the same address as the Node wallet and gets its transfer committed', async () => {
    const mnemonic = generateMnemonic();
    const browser = BrowserWallet.fromMnemonic(mnemonic);
    const nodeWallet = Wallet.fromMnemonic(mnemonic);
    assert.equal(browser.address, nodeWallet.address);
    assert.deepEqual(
      browser.publicKey,
      Wallet.fromSeed(mnemonicToKeySeed(mnemonic, { alg: ALG_ML_DSA_44 })).publicKey,
    );

    const client = new LatticeClient(net.node.rpcUrl);
    await client.waitForTx((await client.faucet(browser.address)).hash);
    const to = Wallet.generate().wallet.address;
    const hash = await client.send(browser, to, [{ denom: 'udrt', amount: 4242n }]);
    const receipt = await client.waitForTx(hash);
    assert.equal(receipt.success, true, receipt.log);
    assert.equal(await client.getBalance(to, 'udrt'), 4242n);
  });
});

describe('SDK subscriptions', () => {
  let net: TestNet;
  before(async () => {
    net = await startTestNet({ accounts: 1, manualBlocks: true, faucet: true });
  });
  after(() => net.stop());

  it('delivers new blocks and the txs matching a filter', async () => {
    const client = new LatticeClient(net.node.rpcUrl);
    const blocks: { height: string }[] = [];
    const alice = Wallet.generate().wallet;
    await client.subscribe<{ height: string }>('newBlocks', undefined, (b) => blocks.push(b));
    let gotTx!: (t: { hash: string; success: boolean }) => void;
    const firstTx = new Promise<{ hash: string; success: boolean }>((resolve) => (gotTx = resolve));
    const sub = await client.subscribe<{ hash: string; success: boolean }>(
      'newTxs',
      { recipient: alice.address },
      gotTx,
    );
    const { hash } = await client.faucet(alice.address);
    await net.node.produceBlock();
    const tx = await firstTx;
    assert.equal(tx.hash, hash);
    assert.equal(tx.success, true);
    assert.ok(blocks.length >= 1);
    await sub.unsubscribe();
    await client.close();
  });
});
