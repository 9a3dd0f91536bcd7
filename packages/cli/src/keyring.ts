import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  addressFromPublicKey,
  decryptKeystore,
  encryptKeystore,
  getScheme,
  type KeystoreFile,
  type PrivateKey,
  privateKeyFromSeed,
} from '@lattice/crypto';
import { readKeyFile, writeFileAtomic, writeKeyFile } from '@lattice/node';
import { LatticeError } from '@lattice/utils';

export type KeyringBackend = 'file' | 'test';

export interface KeyInfo {
  name: string;
  address: string;
  algorithm: string;
  backend: KeyringBackend;
  path: string;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;

/**
 * Keys on disk under <home>/keyring-<backend>/<name>.json. `file` keys are encrypted keystores
 * (scrypt + AES-256-GCM) and need a password; `test` keys are plaintext, for devnets only.
 */
export class Keyring {
  readonly backend: KeyringBackend;
  readonly dir: string;
  readonly #password: () => Promise<string>;

  constructor(home: string, backend: KeyringBackend, password: () => Promise<string>) {
    this.backend = backend;
    this.dir = join(home, `keyring-${backend}`);
    this.#password = password;
  }

  #path(name: string): string {
    if (!NAME_RE.test(name)) {
      throw new LatticeError(
        'INVALID_ARGUMENT',
        `key name "${name}" must be 1-64 characters of [a-zA-Z0-9._-]`,
      );
    }
    return join(this.dir, `${name}.json`);
  }

  has(name: string): boolean {
    return existsSync(this.#path(name));
  }

  async add(name: string, key: PrivateKey, opts: { overwrite?: boolean } = {}): Promise<KeyInfo> {
    const path = this.#path(name);
    if (existsSync(path) && !opts.overwrite) {
      throw new LatticeError('KEY_EXISTS', `a key named "${name}" exists already`);
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (this.backend === 'test') writeKeyFile(path, name, key);
    else {
      const file = encryptKeystore({ alg: key.alg, seed: key.seed, name }, await this.#password());
      writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
    }
    return this.#info(name, key.alg, addressFromPublicKey(key.alg, key.publicKey), path);
  }

  #info(name: string, alg: number, address: string, path: string): KeyInfo {
    return { name, address, algorithm: getScheme(alg).name, backend: this.backend, path };
  }

  /** Public information only: never needs the password. */
  show(name: string): KeyInfo {
    const path = this.#path(name);
    if (!existsSync(path))
      throw new LatticeError('KEY_NOT_FOUND', `no key named "${name}" in the ${this.backend} keyring`);
    const json = JSON.parse(readFileSync(path, 'utf8')) as { alg: number; address: string };
    return this.#info(name, json.alg, json.address, path);
  }

  list(): KeyInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => this.show(f.slice(0, -5)));
  }

  async load(name: string): Promise<PrivateKey> {
    const path = this.#path(name);
    if (!existsSync(path))
      throw new LatticeError('KEY_NOT_FOUND', `no key named "${name}" in the ${this.backend} keyring`);
    if (this.backend === 'test') return readKeyFile(path).key;
    const { alg, seed } = decryptKeystore(JSON.parse(readFileSync(path, 'utf8')), await this.#password());
    return privateKeyFromSeed(alg, seed);
  }

  /** An encrypted keystore JSON for moving the key elsewhere. */
  async export(name: string): Promise<KeystoreFile> {
    const key = await this.load(name);
    return encryptKeystore({ alg: key.alg, seed: key.seed, name }, await this.#password());
  }

  async import(name: string, keystore: unknown, keystorePassword: string): Promise<KeyInfo> {
    const { alg, seed } = decryptKeystore(keystore, keystorePassword);
    return this.add(name, privateKeyFromSeed(alg, seed));
  }

  delete(name: string): void {
    const path = this.#path(name);
    if (!existsSync(path))
      throw new LatticeError('KEY_NOT_FOUND', `no key named "${name}" in the ${this.backend} keyring`);
    rmSync(path);
  }
}
