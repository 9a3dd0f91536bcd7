import { parseArgs } from 'node:util';
import { LatticeError } from '@lattice/utils';
import { CONTRACT_USAGE, contractCommand } from './commands/contract.ts';
import { DEVNET_USAGE, devnetCommand } from './commands/devnet.ts';
import { KEYS_USAGE, keysCommand } from './commands/keys.ts';
import { QUERY_USAGE, queryCommand } from './commands/query.ts';
import { faucetCommand, statusCommand } from './commands/status.ts';
import { TX_USAGE, txCommand } from './commands/tx.ts';
import { WASM_USAGE, wasmCommand } from './commands/wasm.ts';
import { Context, GLOBAL_OPTIONS, resolveGlobals } from './context.ts';
import { Output } from './output.ts';

export const USAGE = `lattice — the Lattice command-line wallet

Usage: lattice [global options] COMMAND ...

Commands:
  keys     add | list | show | export | import | delete
  query    balance | account | block | tx | supply
  tx       send
  wasm     store | instantiate | execute | migrate | query | raw | code-info | contract-info | list
  contract new | build | test   write, build and test contracts (AssemblyScript)
  status   the node's chain, height and validators
  faucet   ADDRESS|KEY   fund an account from a devnet faucet
  devnet   run a local network (what npm start does)

Global options:
  --home DIR                 keys and config (default ~/.lattice, or $LATTICE_HOME)
  --node URL                 node RPC (default http://127.0.0.1:8545, or $LATTICE_NODE)
  --keyring-backend file|test  file = encrypted (default), test = plaintext for devnets
  --password-file FILE       keyring password (or $LATTICE_KEYRING_PASSWORD, or a prompt)
  --json                     machine-readable output

${KEYS_USAGE}

${QUERY_USAGE}

${TX_USAGE}

${WASM_USAGE}

${CONTRACT_USAGE}

${DEVNET_USAGE}`;

const COMMAND_OPTIONS = {
  ...GLOBAL_OPTIONS,
  recover: { type: 'boolean' },
  algorithm: { type: 'string' },
  index: { type: 'string' },
  address: { type: 'boolean' },
  yes: { type: 'boolean' },
  denom: { type: 'string' },
  height: { type: 'string' },
  fees: { type: 'string' },
  gas: { type: 'string' },
  'gas-adjustment': { type: 'string' },
  memo: { type: 'string' },
  'no-wait': { type: 'boolean' },
  accounts: { type: 'string' },
  'block-time': { type: 'string' },
  port: { type: 'string' },
  'p2p-port': { type: 'string' },
  validators: { type: 'string' },
  reset: { type: 'boolean' },
  amount: { type: 'string' },
  label: { type: 'string' },
  admin: { type: 'string' },
  limit: { type: 'string' },
  'start-after': { type: 'string' },
  'utf8-key': { type: 'string' },
  dir: { type: 'string' },
} as const;

/** Runs one CLI invocation and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let out = new Output(argv.includes('--json'));
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: COMMAND_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const ctx = new Context(resolveGlobals(values));
    out = ctx.out;
    const [cmd, ...args] = positionals;
    if (values.help || cmd === undefined || cmd === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    switch (cmd) {
      case 'keys':
        await keysCommand(ctx, args, values);
        break;
      case 'query':
      case 'q':
        await queryCommand(ctx, args, values);
        break;
      case 'tx':
        await txCommand(ctx, args, values);
        break;
      case 'wasm':
        await wasmCommand(ctx, args, values);
        break;
      case 'contract':
        await contractCommand(ctx, args, values);
        break;
      case 'status':
        await statusCommand(ctx);
        break;
      case 'faucet':
        await faucetCommand(ctx, args[0]);
        break;
      case 'devnet':
        await devnetCommand(ctx, values);
        break;
      default:
        out.error(new Error(`unknown command "${cmd}"; run "lattice help"`));
        return 2;
    }
    return 0;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    out.error(
      typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
        ? new LatticeError('INVALID_ARGUMENT', (e as Error).message)
        : e,
    );
    return 1;
  }
}
