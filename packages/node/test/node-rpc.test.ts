import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALG_ML_DSA_65, privateKeyFromSeed, SIGN_CONTEXT_MESSAGE } from '@lattice/crypto';
import { RPC_BATCH_MAX } from '@lattice/params';
import { hex, sendTx, startTestNet, type TestNet, testAccount } from './harness.ts';

/** The node's RPC surface beyond transactions: status, simulate, metrics, health, PQC helpers. */
describe('node RPC, metrics and health', () => {
  let net: TestNet;
  let accountNumber: bigint;
  before(async () => {
    net = await startTestNet({ accounts: 1 });
    await net.node.produceBlock();
    accountNumber = BigInt(
      (await net.rpc<{ accountNumber: string }>('lat_getAccount', [net.accounts[0]!.address])).accountNumber,
    );
  });
  after(() => net.stop());

  it('simulates gas without a valid signature and without changing state', async () => {
    const tx = sendTx({
      from: net.accounts[0]!,
      to: testAccount(40).address,
      sequence: 0n,
      accountNumber,
      signer: testAccount(41).key,
    });
    const sim = await net.rpc<{ success: boolean; gasUsed: string }>('lat_simulate', [hex(tx)]);
    assert.equal(sim.success, true);
    // The same tx as base64 (the compact form for high-volume submitters) gives the same answer.
    const sim64 = await net.rpc<{ gasUsed: string }>('lat_simulate', [Buffer.from(tx).toString('base64')]);
    assert.equal(sim64.gasUsed, sim.gasUsed);
    assert.ok(BigInt(sim.gasUsed) > 20_000n);
    const acc = await net.rpc<{ pendingSequence: string }>('lat_getAccount', [net.accounts[0]!.address]);
    assert.equal(acc.pendingSequence, '0');
  });

  it('exports Prometheus metrics that move with the chain', async () => {
    const tx = sendTx({ from: net.accounts[0]!, to: testAccount(40).address, sequence: 0n, accountNumber });
    await net.rpc('lat_sendRawTransaction', [hex(tx)]);
    const block = await net.node.produceBlock();
    const text = await (await fetch(`${net.node.rpcUrl}/metrics`)).text();
    assert.match(text, new RegExp(`^lattice_height ${block.height}$`, 'm'));
    assert.match(text, /^lattice_mempool_size 0$/m);
    assert.match(text, /^lattice_sig_verifications_total [1-9]/m);
    // The block's tx was verified at admission: executing the block hit the cache.
    assert.match(text, /^lattice_sig_verify_cache_hits_total [1-9]/m);
    assert.match(text, /^lattice_txs_total\{outcome="ok"\} 1$/m);
    assert.match(
      text,
      /lattice_rpc_request_duration_seconds_bucket\{le="[^"]+",method="lat_sendRawTransaction"\}/,
    );
    assert.match(text, /^lattice_block_txs_count \d+$/m);
    const health = (await (await fetch(`${net.node.rpcUrl}/health`)).json()) as {
      status: string;
      height: number;
    };
    assert.deepEqual(health, { status: 'ok', height: block.height, mempool: 0 });
  });

  it('verifies post-quantum signatures for any registered scheme', async () => {
    const key = privateKeyFromSeed(ALG_ML_DSA_65, new Uint8Array(32).fill(5));
    const msg = new TextEncoder().encode('hello lattice');
    const sig = key.sign(msg, SIGN_CONTEXT_MESSAGE);
    const ok = await net.rpc<{ valid: boolean; algorithm: string }>('pqc_verifySignature', [
      'ML-DSA-65',
      hex(key.publicKey),
      'hello lattice',
      hex(sig),
      SIGN_CONTEXT_MESSAGE,
    ]);
    assert.deepEqual(ok, { valid: true, algorithm: 'ML-DSA-65' });
    const bad = await net.rpc<{ valid: boolean }>('pqc_verifySignature', [
      2,
      hex(key.publicKey),
      'hello lattice!',
      hex(sig),
      SIGN_CONTEXT_MESSAGE,
    ]);
    assert.equal(bad.valid, false);
    const unknown = await net.rpcRaw('pqc_verifySignature', [99, '0x00', 'x', '0x00']);
    assert.equal(unknown.error?.data?.code, 'CRYPTO_UNKNOWN_ALGORITHM');
    const algs = await net.rpc<{ name: string }[]>('pqc_listAlgorithms');
    assert.deepEqual(
      algs.map((a) => a.name),
      ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87', 'SLH-DSA-SHA2-128s'],
    );
  });

  it('keeps devnet-only methods off a non-devnet node', async () => {
    assert.equal((await net.rpcRaw('pqc_generateKey', ['ML-DSA-44'])).error?.data?.code, 'RPC_UNAVAILABLE');
    assert.equal(
      (await net.rpcRaw('lat_faucet', [testAccount(3).address])).error?.data?.code,
      'FAUCET_DISABLED',
    );
  });

  it('rejects oversized batches and bad params with stable codes', async () => {
    const batch = Array.from({ length: RPC_BATCH_MAX + 1 }, (_, i) => ({
      jsonrpc: '2.0',
      id: i,
      method: 'lat_status',
    }));
    const res = (await (
      await fetch(net.node.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      })
    ).json()) as { error: { data: { code: string } } };
    assert.equal(res.error.data.code, 'RPC_BATCH_TOO_LARGE');
    assert.equal((await net.rpcRaw('lat_getBalance', ['lat1bogus'])).error?.data?.code, 'ADDRESS_INVALID');
    assert.equal(
      (await net.rpcRaw('lat_getBlockByNumber', ['soon'])).error?.data?.code,
      'RPC_INVALID_PARAMS',
    );
    assert.equal(await net.rpc('lat_getBlockByNumber', [10_000]), null);
    assert.equal(await net.rpc('lat_getTransactionReceipt', [`0x${'ab'.repeat(32)}`]), null);
  });
});
