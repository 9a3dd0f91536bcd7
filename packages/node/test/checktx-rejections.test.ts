import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { AnySchema, TxSchema } from '@lattice/codec';
import { TX_BYTES_MAX } from '@lattice/params';
import { hex, sendTx, startTestNet, type TestNet, testAccount } from './harness.ts';

/**
 * Acceptance: every kind of bad input is rejected at checkTx through the real RPC, with its own
 * code, the node keeps serving and state is unchanged. One test per case.
 */
describe('checkTx rejects bad transactions with distinct codes', () => {
  let net: TestNet;
  let accountNumber: bigint;
  const bob = testAccount(50).address;

  before(async () => {
    net = await startTestNet({ accounts: 2 });
    await net.node.produceBlock();
    const acc = await net.rpc<{ accountNumber: string }>('lat_getAccount', [net.accounts[0]!.address]);
    accountNumber = BigInt(acc.accountNumber);
  });
  after(() => net.stop());

  async function expectRejected(tx: Uint8Array, code: string): Promise<void> {
    const rootBefore = await net.rpc<{ root: string }>('lat_getStateRoot');
    const balanceBefore = await net.rpc('lat_getBalance', [net.accounts[0]!.address]);
    const res = await net.rpcRaw('lat_sendRawTransaction', [hex(tx)]);
    assert.ok(res.error, `expected ${code}, got success`);
    assert.equal(res.error.data?.code, code, res.error.message);
    assert.ok(res.error.message.length > 0);
    assert.equal(net.node.mempool.size, 0, 'a rejected tx must not enter the mempool');
    // The node keeps producing blocks and the rejected tx changed nothing.
    const block = await net.node.produceBlock();
    assert.equal(block.txHashes.length, 0);
    assert.deepEqual(await net.rpc('lat_getBalance', [net.accounts[0]!.address]), {
      ...(balanceBefore as object),
      height: String(block.height),
    });
    const rootAfter = await net.rpc<{ root: string }>('lat_getStateRoot');
    assert.equal(rootAfter.root, rootBefore.root, 'state root changed although only a rejected tx was sent');
  }

  const base = () => ({ from: net.accounts[0]!, to: bob, sequence: 0n, accountNumber });

  it('bad signature', async () => {
    await expectRejected(sendTx({ ...base(), signer: testAccount(99).key }), 'TX_BAD_SIGNATURE');
  });

  it('wrong chain id', async () => {
    await expectRejected(sendTx({ ...base(), chainId: 'other-chain-1' }), 'TX_WRONG_CHAIN_ID');
  });

  it('signature over another chain id (body says ours)', async () => {
    await expectRejected(
      sendTx(base(), (u) => {
        u.chainId = 'lattice-test-1';
        u.accountNumber = accountNumber + 1n;
      }),
      'TX_BAD_SIGNATURE',
    );
  });

  it('future sequence', async () => {
    await expectRejected(sendTx({ ...base(), sequence: 5n }), 'TX_SEQUENCE_TOO_HIGH');
  });

  it('replayed sequence', async () => {
    // Uses the second account so the others keep sequence 0.
    const acc1 = await net.rpc<{ accountNumber: string }>('lat_getAccount', [net.accounts[1]!.address]);
    const replayBase = {
      from: net.accounts[1]!,
      to: bob,
      sequence: 0n,
      accountNumber: BigInt(acc1.accountNumber),
    };
    const ok = sendTx(replayBase);
    const r = await net.rpc<{ hash: string }>('lat_sendRawTransaction', [hex(ok)]);
    await net.node.produceBlock();
    const receipt = await net.rpc<{ success: boolean }>('lat_getTransactionReceipt', [r.hash]);
    assert.equal(receipt.success, true);
    // The very same bytes again, and a different tx reusing the spent sequence.
    const again = await net.rpcRaw('lat_sendRawTransaction', [hex(ok)]);
    assert.equal(again.error?.data?.code, 'TX_ALREADY_KNOWN');
    await expectRejected(sendTx({ ...replayBase, memo: 'replay' }), 'TX_SEQUENCE_TOO_LOW');
  });

  it('insufficient funds', async () => {
    await expectRejected(
      sendTx({ ...base(), amount: [{ denom: 'udrt', amount: (10n ** 30n).toString() }] }),
      'TX_INSUFFICIENT_FUNDS',
    );
  });

  it('fee below the minimum gas price', async () => {
    await expectRejected(sendTx({ ...base(), fee: 1n, gasLimit: 200_000n }), 'TX_INSUFFICIENT_FEE');
  });

  it('gas limit too low', async () => {
    await expectRejected(sendTx({ ...base(), gasLimit: 1_000n, fee: 10n }), 'TX_GAS_LIMIT_TOO_LOW');
  });

  it('oversized tx', async () => {
    await expectRejected(sendTx({ ...base(), memo: 'x'.repeat(TX_BYTES_MAX) }), 'TX_TOO_LARGE');
  });

  it('malformed protobuf', async () => {
    await expectRejected(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]), 'TX_MALFORMED');
  });

  it('unknown message type', async () => {
    await expectRejected(
      sendTx(base(), (u) => {
        u.messages = [
          create(AnySchema, { typeUrl: '/lattice.nothing.v1.MsgFly', value: new Uint8Array([1]) }),
        ];
      }),
      'TX_UNKNOWN_MESSAGE',
    );
  });

  it('unknown denom', async () => {
    await expectRejected(sendTx({ ...base(), amount: [{ denom: 'ufoo', amount: '5' }] }), 'TX_UNKNOWN_DENOM');
  });

  it('zero amount', async () => {
    await expectRejected(
      sendTx({ ...base(), amount: [{ denom: 'udrt', amount: '0' }] }),
      'TX_INVALID_AMOUNT',
    );
  });

  it('negative amount', async () => {
    await expectRejected(
      sendTx({ ...base(), amount: [{ denom: 'udrt', amount: '-5' }] }),
      'TX_INVALID_AMOUNT',
    );
  });

  it('overflowing amount', async () => {
    await expectRejected(
      sendTx({ ...base(), amount: [{ denom: 'udrt', amount: (2n ** 256n).toString() }] }),
      'TX_INVALID_AMOUNT',
    );
  });

  it('malformed recipient address', async () => {
    await expectRejected(sendTx({ ...base(), to: 'lat1notanaddress' }), 'TX_INVALID_ADDRESS');
    await expectRejected(
      sendTx({ ...base(), to: bob.slice(0, -1) + (bob.endsWith('q') ? 'p' : 'q') }),
      'TX_INVALID_ADDRESS',
    );
  });

  it('non-hex raw tx is an RPC parameter error', async () => {
    const res = await net.rpcRaw('lat_sendRawTransaction', ['not hex']);
    assert.equal(res.error?.data?.code, 'INVALID_ARGUMENT');
  });

  it('a tx envelope with no signature is malformed', async () => {
    const bytes = toBinary(
      TxSchema,
      create(TxSchema, { bodyBytes: new Uint8Array([]), authInfoBytes: new Uint8Array([]), signatures: [] }),
    );
    await expectRejected(bytes, 'TX_MALFORMED');
  });

  it('still accepts a valid tx after all of the above', async () => {
    const tx = sendTx({ ...base(), amount: [{ denom: 'udrt', amount: '7' }] });
    const { hash } = await net.rpc<{ hash: string }>('lat_sendRawTransaction', [hex(tx)]);
    await net.node.produceBlock();
    const receipt = await net.rpc<{ success: boolean }>('lat_getTransactionReceipt', [hash]);
    assert.equal(receipt.success, true);
    const bal = await net.rpc<{ amount: string }>('lat_getBalance', [bob, 'udrt']);
    assert.equal(bal.amount, '1007');
  });
});
