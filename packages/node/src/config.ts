import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  BLOCK_TIME_DEFAULT_MS,
  DEFAULT_MIN_GAS_PRICE,
  MEMPOOL_BYTES_MAX,
  MEMPOOL_TXS_MAX,
} from '@lattice/params';
import { LatticeError, type LogLevel } from '@lattice/utils';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { writeFileAtomic } from './files.ts';

/** Node-local settings from `<home>/config/config.toml`; every field has a working default. */
export interface NodeConfig {
  moniker: string;
  rpc: { host: string; port: number };
  block: { timeMs: number; createEmptyBlocks: boolean };
  mempool: { maxTxs: number; maxBytes: number };
  app: { minGasPrice: string };
  devnet: { faucet: boolean };
  log: { level: LogLevel; format: 'text' | 'json' };
  verifier: { threads: number };
  /** Used by the BFT engine (multi-validator networks); a single validator does not need peers. */
  p2p: { listen: string; persistentPeers: string[]; bootstrap: string[] };
}

export const DEFAULT_RPC_PORT = 8545;
export const DEFAULT_P2P_PORT = 26656;

export function defaultConfig(): NodeConfig {
  return {
    moniker: 'lattice-node',
    rpc: { host: '127.0.0.1', port: DEFAULT_RPC_PORT },
    block: { timeMs: BLOCK_TIME_DEFAULT_MS, createEmptyBlocks: true },
    mempool: { maxTxs: MEMPOOL_TXS_MAX, maxBytes: MEMPOOL_BYTES_MAX },
    app: { minGasPrice: DEFAULT_MIN_GAS_PRICE },
    devnet: { faucet: false },
    log: { level: 'info', format: 'text' },
    // Signature verification gets every core but the one the node's main thread runs on.
    verifier: { threads: Math.max(1, availableParallelism() - 1) },
    p2p: { listen: `/ip4/127.0.0.1/tcp/${DEFAULT_P2P_PORT}`, persistentPeers: [], bootstrap: [] },
  };
}

export interface HomePaths {
  home: string;
  config: string;
  genesis: string;
  validatorKey: string;
  nodeKey: string;
  faucetKey: string;
  data: string;
}

export function homePaths(home: string): HomePaths {
  return {
    home,
    config: join(home, 'config', 'config.toml'),
    genesis: join(home, 'config', 'genesis.json'),
    validatorKey: join(home, 'config', 'validator_key.json'),
    nodeKey: join(home, 'config', 'node_key.json'),
    faucetKey: join(home, 'config', 'faucet_key.json'),
    data: join(home, 'data'),
  };
}

function toToml(c: NodeConfig): Record<string, unknown> {
  return {
    moniker: c.moniker,
    rpc: { laddr: `${c.rpc.host}:${c.rpc.port}` },
    block: { time_ms: c.block.timeMs, create_empty_blocks: c.block.createEmptyBlocks },
    mempool: { max_txs: c.mempool.maxTxs, max_bytes: c.mempool.maxBytes },
    app: { min_gas_price: c.app.minGasPrice },
    devnet: { faucet: c.devnet.faucet },
    log: { level: c.log.level, format: c.log.format },
    verifier: { threads: c.verifier.threads },
    p2p: { laddr: c.p2p.listen, persistent_peers: c.p2p.persistentPeers, bootstrap: c.p2p.bootstrap },
  };
}

function bad(message: string): never {
  throw new LatticeError('CONFIG_INVALID', `config.toml: ${message}`);
}

function int(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    bad(`${name} must be an integer in [${min}, ${max}]`);
  return v;
}

/** Reads config.toml over the defaults: missing file or keys keep their defaults, wrong types fail. */
export function loadConfig(path: string): NodeConfig {
  const c = defaultConfig();
  if (!existsSync(path)) return c;
  let t: Record<string, Record<string, unknown> | unknown>;
  try {
    t = parseToml(readFileSync(path, 'utf8')) as typeof t;
  } catch (e) {
    bad((e as Error).message);
  }
  const section = (name: string) => (t[name] ?? {}) as Record<string, unknown>;
  if (t.moniker !== undefined) c.moniker = String(t.moniker);
  const rpc = section('rpc');
  if (rpc.laddr !== undefined) {
    const m = /^([^:]+):(\d+)$/.exec(String(rpc.laddr));
    if (!m) bad('rpc.laddr must be host:port');
    c.rpc = { host: m[1]!, port: int(Number(m[2]), 'rpc port', 0, 65535) };
  }
  const block = section('block');
  if (block.time_ms !== undefined) c.block.timeMs = int(block.time_ms, 'block.time_ms', 10, 600_000);
  if (block.create_empty_blocks !== undefined) c.block.createEmptyBlocks = Boolean(block.create_empty_blocks);
  const mempool = section('mempool');
  if (mempool.max_txs !== undefined)
    c.mempool.maxTxs = int(mempool.max_txs, 'mempool.max_txs', 1, 10_000_000);
  if (mempool.max_bytes !== undefined)
    c.mempool.maxBytes = int(mempool.max_bytes, 'mempool.max_bytes', 1024, 2 ** 40);
  const app = section('app');
  if (app.min_gas_price !== undefined) c.app.minGasPrice = String(app.min_gas_price);
  const devnet = section('devnet');
  if (devnet.faucet !== undefined) c.devnet.faucet = Boolean(devnet.faucet);
  const log = section('log');
  if (log.level !== undefined) {
    if (!['debug', 'info', 'warn', 'error', 'silent'].includes(String(log.level)))
      bad('log.level is unknown');
    c.log.level = log.level as LogLevel;
  }
  if (log.format !== undefined) {
    if (log.format !== 'text' && log.format !== 'json') bad('log.format must be "text" or "json"');
    c.log.format = log.format;
  }
  const p2p = section('p2p');
  if (p2p.laddr !== undefined) c.p2p.listen = String(p2p.laddr);
  for (const [key, field] of [
    ['persistent_peers', 'persistentPeers'],
    ['bootstrap', 'bootstrap'],
  ] as const) {
    const v = p2p[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
      bad(`p2p.${key} must be a list of multiaddrs`);
    c.p2p[field] = v as string[];
  }
  const verifier = section('verifier');
  if (verifier.threads !== undefined) c.verifier.threads = int(verifier.threads, 'verifier.threads', 0, 64);
  return c;
}

export function writeConfig(path: string, c: NodeConfig): void {
  writeFileAtomic(path, `# Lattice node configuration\n${stringifyToml(toToml(c))}\n`);
}
