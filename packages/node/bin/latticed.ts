#!/usr/bin/env node
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isLatticeError } from '@lattice/utils';
import { initHome, initTestnet } from '../src/init.ts';
import { LatticeNode } from '../src/node.ts';
import { replayChain } from '../src/replay.ts';

const USAGE = `latticed — the Lattice node daemon

Usage:
  latticed init   [--home DIR] [--chain-id ID] [--moniker NAME] [--faucet] [--overwrite]
  latticed start  [--home DIR] [--rpc HOST:PORT] [--block-time MS] [--no-empty-blocks]
  latticed replay [--home DIR] --to DIR     re-execute every stored block into a fresh state and
                                              check that each app hash is reproduced
  latticed testnet --validators N --output DIR [--chain-id ID] [--faucet]
                                              N validator homes sharing one genesis, each listing
                                              the others as persistent peers (for the BFT engine)
  latticed help

--home defaults to ~/.lattice.`;

function fail(code: string, message: string): never {
  process.stderr.write(`error [${code}]: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const [cmd = 'help', ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      home: { type: 'string', default: join(homedir(), '.lattice') },
      'chain-id': { type: 'string', default: 'lattice-local-1' },
      moniker: { type: 'string' },
      faucet: { type: 'boolean', default: false },
      overwrite: { type: 'boolean', default: false },
      rpc: { type: 'string' },
      'block-time': { type: 'string' },
      'no-empty-blocks': { type: 'boolean', default: false },
      to: { type: 'string' },
      validators: { type: 'string' },
      output: { type: 'string' },
    },
    strict: true,
  });
  switch (cmd) {
    case 'init': {
      const r = await initHome({
        home: values.home,
        chainId: values['chain-id'],
        moniker: values.moniker,
        faucet: values.faucet,
        overwrite: values.overwrite,
      });
      process.stdout.write(
        `initialised ${values.home}\n  chain id:  ${values['chain-id']}\n  validator: ${r.validatorAddress}\n` +
          (r.faucetAddress ? `  faucet:    ${r.faucetAddress}\n` : ''),
      );
      return;
    }
    case 'start': {
      const node = await LatticeNode.start({
        home: values.home,
        config: (c) => {
          if (values.rpc) {
            const [host, port] = values.rpc.split(':');
            c.rpc = { host: host || '127.0.0.1', port: Number(port) };
          }
          if (values['block-time']) c.block.timeMs = Number(values['block-time']);
          if (values['no-empty-blocks']) c.block.createEmptyBlocks = false;
        },
      });
      process.stdout.write(`RPC listening on ${node.rpcUrl} (WebSocket ${node.wsUrl})\n`);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await node.stop();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return;
    }
    case 'replay': {
      if (!values.to)
        fail('INVALID_ARGUMENT', 'replay needs --to DIR (an empty directory for the fresh state)');
      const r = await replayChain({
        home: values.home,
        target: values.to,
        onProgress: (h, total) => {
          if (h % 100 === 0 || h === total) process.stderr.write(`\rreplayed ${h}/${total}`);
        },
      });
      process.stderr.write('\n');
      process.stdout.write(`replayed ${r.blocks} blocks: every app hash matches (last ${r.lastAppHash})\n`);
      return;
    }
    case 'testnet': {
      if (!values.output) fail('INVALID_ARGUMENT', 'testnet needs --output DIR');
      const r = await initTestnet({
        output: values.output,
        chainId: values['chain-id'],
        validators: Number(values.validators ?? '4'),
        faucet: values.faucet,
        overwrite: values.overwrite,
      });
      process.stdout.write(
        `wrote ${r.homes.length} validator homes for chain ${values['chain-id']}:\n${r.homes
          .map((h, i) => `  ${h}  p2p ${r.peers[i]}`)
          .join('\n')}\n`,
      );
      return;
    }
    default:
      process.stdout.write(`${USAGE}\n`);
  }
}

main().catch((e) => {
  if (isLatticeError(e)) fail(e.code, e.message);
  fail('INTERNAL', (e as Error).stack ?? String(e));
});
