import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseAddress } from '@lattice/crypto';
import { DEFAULT_RPC_PORT } from '@lattice/node';
import { LatticeClient } from '@lattice/sdk';
import { LatticeError } from '@lattice/utils';
import { Keyring, type KeyringBackend } from './keyring.ts';
import { Output } from './output.ts';
import { ask } from './prompt.ts';

export interface GlobalOptions {
  home: string;
  node: string;
  json: boolean;
  keyringBackend: KeyringBackend;
  passwordFile: string | undefined;
}

export const GLOBAL_OPTIONS = {
  home: { type: 'string' },
  node: { type: 'string' },
  json: { type: 'boolean' },
  'keyring-backend': { type: 'string' },
  'password-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function resolveGlobals(v: Record<string, unknown>): GlobalOptions {
  const backend =
    (v['keyring-backend'] as string | undefined) ?? process.env.LATTICE_KEYRING_BACKEND ?? 'file';
  if (backend !== 'file' && backend !== 'test') {
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `--keyring-backend must be "file" or "test", not "${backend}"`,
    );
  }
  return {
    home: (v.home as string | undefined) ?? process.env.LATTICE_HOME ?? join(homedir(), '.lattice'),
    node:
      (v.node as string | undefined) ?? process.env.LATTICE_NODE ?? `http://127.0.0.1:${DEFAULT_RPC_PORT}`,
    json: Boolean(v.json),
    keyringBackend: backend,
    passwordFile: v['password-file'] as string | undefined,
  };
}

/** Everything a command needs, built lazily from the global options. */
export class Context {
  readonly opts: GlobalOptions;
  readonly out: Output;
  #client: LatticeClient | undefined;
  #keyring: Keyring | undefined;
  #password: string | undefined;

  constructor(opts: GlobalOptions) {
    this.opts = opts;
    this.out = new Output(opts.json);
  }

  get client(): LatticeClient {
    this.#client ??= new LatticeClient(this.opts.node);
    return this.#client;
  }

  get keyring(): Keyring {
    this.#keyring ??= new Keyring(this.opts.home, this.opts.keyringBackend, () => this.password());
    return this.#keyring;
  }

  /** The keyring password: --password-file, LATTICE_KEYRING_PASSWORD, or a hidden prompt. */
  async password(): Promise<string> {
    if (this.#password !== undefined) return this.#password;
    let pw: string;
    if (this.opts.passwordFile) pw = readFileSync(this.opts.passwordFile, 'utf8').replace(/\r?\n$/, '');
    else if (process.env.LATTICE_KEYRING_PASSWORD !== undefined) pw = process.env.LATTICE_KEYRING_PASSWORD;
    else pw = await ask('Keyring password: ', { secret: true });
    if (pw.length < 8)
      throw new LatticeError('INVALID_ARGUMENT', 'the keyring password must be at least 8 characters');
    this.#password = pw;
    return pw;
  }

  /** A bech32m address as given, or the address of a key in the keyring by that name. */
  resolveAddress(nameOrAddress: string): string {
    if (nameOrAddress.startsWith('lat1')) {
      parseAddress(nameOrAddress);
      return nameOrAddress;
    }
    return this.keyring.show(nameOrAddress).address;
  }
}
