import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LatticeError, silentLogger } from '@lattice/utils';
import { BLOCK_INTERVAL_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, Metrics } from '../src/metrics.ts';
import { RpcServer } from '../src/rpc/server.ts';

const NAMES = [
  'lattice_height',
  'lattice_block_interval_seconds',
  'lattice_block_txs',
  'lattice_block_bytes',
  'lattice_block_exec_seconds',
  'lattice_block_commit_seconds',
  'lattice_mempool_size',
  'lattice_mempool_bytes',
  'lattice_mempool_rejected_total',
  'lattice_mempool_admission_seconds',
  'lattice_txs_total',
  'lattice_sig_verifications_total',
  'lattice_sig_verify_cache_hits_total',
  'lattice_rpc_request_duration_seconds',
  'lattice_rpc_requests_total',
  'lattice_rpc_ws_connections',
  'lattice_consensus_height',
  'lattice_consensus_round',
  'lattice_consensus_rounds_per_height',
  'lattice_consensus_step_seconds',
  'lattice_consensus_proposal_delay_seconds',
  'lattice_consensus_wal_write_seconds',
  'lattice_consensus_evidence_total',
  'lattice_p2p_peers',
  'lattice_p2p_gossip_bytes_total',
  'lattice_p2p_gossip_messages_total',
  'lattice_p2p_penalties_total',
  'lattice_p2p_bans_total',
  'lattice_blocksync_active',
  'lattice_blocksync_target_height',
  'lattice_blocksync_blocks_total',
];

describe('Metrics', { timeout: 10_000 }, () => {
  test('exposes every metric in the Prometheus text format', async () => {
    const m = new Metrics();
    assert.match(m.contentType, /^text\/plain/);
    const text = await m.text();
    for (const name of NAMES) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    assert.doesNotMatch(text, /process_cpu/);
  });

  test('values, labels and buckets', async () => {
    const m = new Metrics();
    m.height.set(42);
    m.blockIntervalSeconds.observe(1.05);
    m.blockTxs.observe(3);
    m.mempoolRejectedTotal.inc({ code: 'TX_BAD_SIGNATURE' });
    m.txsTotal.inc({ outcome: 'ok' }, 5);
    m.txsTotal.inc({ outcome: 'failed' });
    m.sigVerificationsTotal.inc(7);
    const text = await m.text();
    assert.match(text, /^lattice_height 42$/m);
    assert.match(text, /^lattice_block_interval_seconds_bucket\{le="1\.1"\} 1$/m);
    assert.match(text, /^lattice_block_interval_seconds_bucket\{le="1"\} 0$/m);
    assert.match(text, /^lattice_mempool_rejected_total\{code="TX_BAD_SIGNATURE"\} 1$/m);
    assert.match(text, /^lattice_txs_total\{outcome="ok"\} 5$/m);
    assert.match(text, /^lattice_txs_total\{outcome="failed"\} 1$/m);
    assert.match(text, /^lattice_sig_verifications_total 7$/m);
    assert.equal(LATENCY_BUCKETS_SECONDS[0], 0.0001);
    assert.equal(LATENCY_BUCKETS_SECONDS.at(-1), 10);
    assert.ok(BLOCK_INTERVAL_BUCKETS_SECONDS.includes(1));
  });

  test('instances are independent, prefixes apply, default metrics are opt-in', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.height.set(1);
    b.height.set(2);
    assert.match(await a.text(), /^lattice_height 1$/m);
    assert.match(await b.text(), /^lattice_height 2$/m);
    const c = new Metrics({ prefix: 'node2_', collectDefault: true });
    const text = await c.text();
    assert.match(text, /^node2_height 0$/m);
    assert.match(text, /^# TYPE node2_process_cpu_user_seconds_total counter$/m);
    assert.doesNotMatch(text, /lattice_/);
  });

  test('RPC calls are counted per method and outcome; batches count each entry', async (t) => {
    const m = new Metrics();
    const server = new RpcServer({ host: '127.0.0.1', port: 0 }, { logger: silentLogger, metrics: m });
    server.register('ok', () => 1);
    server.register('fail', () => {
      throw new LatticeError('TX_BAD_SIGNATURE', 'bad');
    });
    server.register('crash', () => {
      throw new Error('x');
    });
    const { url } = await server.listen();
    t.after(() => server.close());
    const post = async (body: unknown) => {
      const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
      await res.body?.cancel();
    };
    await post({ jsonrpc: '2.0', id: 1, method: 'ok' });
    await post([
      { jsonrpc: '2.0', id: 2, method: 'ok' },
      { jsonrpc: '2.0', method: 'ok' },
      { jsonrpc: '2.0', id: 3, method: 'fail' },
      { jsonrpc: '2.0', id: 4, method: 'crash' },
      { jsonrpc: '2.0', id: 5, method: 'random_name_1' },
      { jsonrpc: '2.0', id: 6, method: 'random_name_2' },
      { id: 7, method: 'ok' },
    ]);
    const text = await m.text();
    assert.match(text, /^lattice_rpc_requests_total\{method="ok",outcome="ok"\} 3$/m);
    assert.match(text, /^lattice_rpc_requests_total\{method="fail",outcome="error"\} 1$/m);
    assert.match(text, /^lattice_rpc_requests_total\{method="crash",outcome="internal"\} 1$/m);
    // Unknown names share one label value so clients cannot grow the number of series.
    assert.match(text, /^lattice_rpc_requests_total\{method="<unknown>",outcome="error"\} 2$/m);
    assert.match(text, /^lattice_rpc_requests_total\{method="<invalid>",outcome="error"\} 1$/m);
    assert.doesNotMatch(text, /random_name/);
    assert.match(text, /^lattice_rpc_request_duration_seconds_count\{method="ok"\} 3$/m);
    assert.match(text, /^lattice_rpc_request_duration_seconds_bucket\{le="10",method="ok"\} 3$/m);
  });
});
