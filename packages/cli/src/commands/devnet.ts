import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ALG_ML_DSA_44,
  addressFromPublicKey,
  generateMnemonic,
  mnemonicToKeySeed,
  privateKeyFromSeed,
} from '@lattice/crypto';
import { homePaths, initHome, LatticeNode, writeKeyFile } from '@lattice/node';
import { DENOM_DGT, DENOM_DRT } from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import type { Context } from '../context.ts';
import { Keyring } from '../keyring.ts';

export const DEVNET_USAGE = `lattice devnet — run a local single-validator network

  devnet [--home DIR] [--accounts N] [--block-time MS] [--port PORT] [--reset]
      DIR defaults to ./.devnet. The first run creates the chain, N funded accounts
      (default 4) in DIR's test keyring and a faucet; later runs resume the same chain.`;

const ACCOUNT_DRT = 1_000_000n * 1_000_000n;
const ACCOUNT_DGT = 100_000n * 1_000_000n;

export async function devnetCommand(ctx: Context, flags: Record<string, unknown>): Promise<void> {
  const home = resolve((flags.home as string | undefined) ?? '.devnet');
  const accounts = flags.accounts === undefined ? 4 : Number(flags.accounts);
  if (!Number.isInteger(accounts) || accounts < 0 || accounts > 1000) {
    throw new LatticeError('INVALID_ARGUMENT', '--accounts must be an integer from 0 to 1000');
  }
  if (flags.reset && existsSync(home)) rmSync(home, { recursive: true, force: true });
  const fresh = !existsSync(homePaths(home).genesis);
  const funded: { name: string; address: string; mnemonic: string }[] = [];
  if (fresh) {
    for (let i = 0; i < accounts; i++) {
      const mnemonic = generateMnemonic();
      const key = privateKeyFromSeed(ALG_ML_DSA_44, mnemonicToKeySeed(mnemonic, { alg: ALG_ML_DSA_44 }));
      const name = `account${i}`;
      writeKeyFile(join(home, 'keyring-test', `${name}.json`), name, key);
      funded.push({ name, address: addressFromPublicKey(key.alg, key.publicKey), mnemonic });
    }
    await initHome({
      home,
      chainId: 'lattice-devnet-1',
      moniker: 'devnet-validator',
      faucet: true,
      accounts: funded.map((a) => ({
        address: a.address,
        coins: [
          { denom: DENOM_DRT, amount: ACCOUNT_DRT },
          { denom: DENOM_DGT, amount: ACCOUNT_DGT },
        ],
      })),
      config: (c) => {
        c.devnet.faucet = true;
        if (flags.port !== undefined) c.rpc.port = Number(flags.port);
      },
    });
  }
  const node = await LatticeNode.start({
    home,
    config: (c) => {
      if (flags['block-time'] !== undefined) c.block.timeMs = Number(flags['block-time']);
      if (flags.port !== undefined) c.rpc.port = Number(flags.port);
    },
  });
  const devnetKeyring = new Keyring(home, 'test', async () => '');
  const keyDir = devnetKeyring.dir;
  const keys = devnetKeyring.list().map((k) => ({ name: k.name, address: k.address }));
  const summary = {
    chainId: node.genesis.chainId,
    home,
    rpc: node.rpcUrl,
    ws: node.wsUrl,
    faucet: node.faucet?.address ?? null,
    accounts: keys,
  };
  ctx.out.result(summary, () =>
    [
      '',
      `Lattice devnet "${summary.chainId}" is running (${fresh ? 'new chain' : 'resumed'}; data in ${home})`,
      '',
      `  RPC:       ${summary.rpc}   (JSON-RPC over HTTP; WebSocket ${summary.ws})`,
      `  health:    ${summary.rpc}/health   metrics: ${summary.rpc}/metrics`,
      `  faucet:    ${summary.faucet ?? 'disabled'}   (lattice faucet ADDRESS)`,
      '',
      `Funded accounts (keys in ${keyDir}, test keyring):`,
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
      `  npx lattice --home ${home} --keyring-backend test query balance account0`,
      `  npx lattice --home ${home} --keyring-backend test tx send account0 account1 1000000udrt`,
      '',
      'Ctrl-C stops the network.',
    ].join('\n'),
  );
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.stderr.write('\nstopping devnet…\n');
      node.stop().then(resolveStop, resolveStop);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
