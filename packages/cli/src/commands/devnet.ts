import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ALG_ML_DSA_44,
  addressFromPublicKey,
  generateMnemonic,
  mnemonicToKeySeed,
  privateKeyFromSeed,
} from '@lattice/crypto';
import { DEFAULT_P2P_PORT, DEFAULT_RPC_PORT, homePaths, initTestnet, writeKeyFile } from '@lattice/node';
import { DENOM_DGT, DENOM_DRT } from '@lattice/params';
import { LatticeClient } from '@lattice/sdk';
import { LatticeError } from '@lattice/utils';
import type { Context } from '../context.ts';
import {
  alive,
  assertPortsFree,
  type DevnetNode,
  startNodes,
  stopNodes,
  waitReady,
} from '../devnet/supervisor.ts';
import { Keyring } from '../keyring.ts';

export const DEVNET_USAGE = `lattice devnet — run a local network of validator processes

  devnet [--home DIR] [--validators N] [--accounts N] [--block-time MS] [--port PORT]
         [--p2p-port PORT] [--reset]
      DIR defaults to ./.devnet. The first run creates the chain: N validators (default 4), each
      its own latticed process (DIR/node0 …, logs in DIR/nodeI/node.log) running BFT consensus
      over libp2p, funded accounts (default 4) in DIR's test keyring, and a faucet on node0.
      Node i serves RPC on PORT+i (default ${DEFAULT_RPC_PORT}) and p2p on the p2p port + i.
      Later runs resume the same chain; Ctrl-C stops every node.`;

const ACCOUNT_DRT = 1_000_000n * 1_000_000n;
const ACCOUNT_DGT = 100_000n * 1_000_000n;
const DEVNET_VALIDATORS_MAX = 16;
const STATUS_INTERVAL_MS = 2_000;

function intFlag(v: unknown, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LatticeError('INVALID_ARGUMENT', `--${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/** Node homes of an existing devnet, in order (node0, node1, …). */
function existingHomes(home: string): string[] {
  if (!existsSync(home)) return [];
  return readdirSync(home)
    .filter((d) => /^node\d+$/.test(d) && existsSync(homePaths(join(home, d)).genesis))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .map((d) => join(home, d));
}

interface Funded {
  name: string;
  address: string;
  mnemonic: string;
}

async function createDevnet(home: string, flags: Record<string, unknown>): Promise<Funded[]> {
  const validators = intFlag(flags.validators, 'validators', 1, DEVNET_VALIDATORS_MAX, 4);
  const accounts = intFlag(flags.accounts, 'accounts', 0, 1000, 4);
  const blockTime = intFlag(flags['block-time'], 'block-time', 100, 600_000, 1_000);
  const funded: Funded[] = [];
  for (let i = 0; i < accounts; i++) {
    const mnemonic = generateMnemonic();
    const key = privateKeyFromSeed(ALG_ML_DSA_44, mnemonicToKeySeed(mnemonic, { alg: ALG_ML_DSA_44 }));
    const name = `account${i}`;
    writeKeyFile(join(home, 'keyring-test', `${name}.json`), name, key);
    funded.push({ name, address: addressFromPublicKey(key.alg, key.publicKey), mnemonic });
  }
  await initTestnet({
    output: home,
    chainId: 'lattice-devnet-1',
    validators,
    rpcBasePort: intFlag(flags.port, 'port', 1, 65_535 - validators, DEFAULT_RPC_PORT),
    p2pBasePort: intFlag(flags['p2p-port'], 'p2p-port', 1, 65_535 - validators, DEFAULT_P2P_PORT),
    blockTimeMs: blockTime,
    faucet: true,
    accounts: funded.map((a) => ({
      address: a.address,
      coins: [
        { denom: DENOM_DRT, amount: ACCOUNT_DRT },
        { denom: DENOM_DGT, amount: ACCOUNT_DGT },
      ],
    })),
  });
  return funded;
}

export async function devnetCommand(ctx: Context, flags: Record<string, unknown>): Promise<void> {
  const home = resolve((flags.home as string | undefined) ?? '.devnet');
  if (flags.reset && existsSync(home)) rmSync(home, { recursive: true, force: true });
  if (existsSync(homePaths(home).genesis)) {
    throw new LatticeError(
      'CONFIG_INVALID',
      `${home} holds a single-validator devnet from an earlier version; start a new one with --reset`,
    );
  }
  let homes = existingHomes(home);
  const fresh = homes.length === 0;
  const funded = fresh ? await createDevnet(home, flags) : [];
  if (fresh) homes = existingHomes(home);
  await assertPortsFree(homes);

  const nodes = startNodes(homes);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    ctx.out.endProgress();
    process.stderr.write(`\nstopping ${nodes.length} nodes…\n`);
    await stopNodes(nodes);
    process.stderr.write('devnet stopped\n');
  };
  const stopped = new Promise<void>((resolveStop) => {
    const onSignal = () => void stop().then(resolveStop);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    watchExits(nodes, () => stopping, resolveStop);
  });
  try {
    await waitReady(nodes, (ready) =>
      ctx.out.progress(`starting validators: ${ready}/${nodes.length} answering`),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  ctx.out.endProgress();
  printSummary(ctx, home, nodes, funded, fresh);
  const ticker = setInterval(() => void showStatus(ctx, nodes), STATUS_INTERVAL_MS);
  await stopped;
  clearInterval(ticker);
  if (nodes.every((n) => n.child.exitCode !== 0 && n.child.signalCode === null) && !stopping) {
    process.exitCode = 1;
  }
}

/** A node that dies on its own is reported; when none is left the devnet ends. */
function watchExits(nodes: DevnetNode[], stopping: () => boolean, allGone: () => void): void {
  for (const n of nodes) {
    void n.exited.then(({ code, signal }) => {
      if (stopping()) return;
      process.stderr.write(`\n${n.name} exited (${signal ?? `code ${code}`}); its log is ${n.logPath}\n`);
      if (nodes.every((m) => !alive(m))) {
        process.exitCode = 1;
        allGone();
      }
    });
  }
}

async function showStatus(ctx: Context, nodes: DevnetNode[]): Promise<void> {
  const up = nodes.filter(alive);
  const first = up[0];
  if (first === undefined) return;
  try {
    const s = await new LatticeClient(first.rpcUrl).status();
    const c = s.consensus;
    ctx.out.progress(
      `${first.name}: height ${s.latestHeight}${c ? ` · round ${c.round} · ${c.peers} peers` : ''} · ` +
        `mempool ${s.mempool.size} · ${up.length}/${nodes.length} nodes up`,
    );
  } catch {
    // A node busy starting or stopping misses one status line; the next one comes in 2 s.
  }
}

function printSummary(
  ctx: Context,
  home: string,
  nodes: DevnetNode[],
  funded: Funded[],
  fresh: boolean,
): void {
  const devnetKeyring = new Keyring(home, 'test', async () => '');
  const keys = devnetKeyring.list().map((k) => ({ name: k.name, address: k.address }));
  const summary = {
    chainId: 'lattice-devnet-1',
    home,
    nodes: nodes.map((n) => ({ name: n.name, rpc: n.rpcUrl, log: n.logPath, pid: n.child.pid })),
    rpc: nodes[0]!.rpcUrl,
    accounts: keys,
  };
  ctx.out.result(summary, () =>
    [
      '',
      `Lattice devnet "${summary.chainId}" is running: ${nodes.length} validator processes (${fresh ? 'new chain' : 'resumed'}; data in ${home})`,
      '',
      ...nodes.map((n) => `  ${n.name}  RPC ${n.rpcUrl}   log ${n.logPath}`),
      '',
      `  health:    ${summary.rpc}/health   metrics: ${summary.rpc}/metrics`,
      `  faucet:    on node0   (lattice faucet ADDRESS)`,
      '',
      `Funded accounts (keys in ${devnetKeyring.dir}, test keyring):`,
      ...keys.map((k) => `  ${k.name.padEnd(10)} ${k.address}`),
      ...(funded.length > 0
        ? [
            '',
            'Their mnemonics (devnet only, shown on first start):',
            ...funded.map((a) => `  ${a.name}: ${a.mnemonic}`),
          ]
        : []),
      '',
      'Try:',
      `  npx lattice status`,
      `  npx lattice --home ${home} --keyring-backend test query balance account0`,
      `  npx lattice --home ${home} --keyring-backend test tx send account0 account1 1000000udrt`,
      '',
      'Ctrl-C stops every node.',
    ].join('\n'),
  );
}
