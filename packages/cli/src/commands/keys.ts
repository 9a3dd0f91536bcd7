import { readFileSync } from 'node:fs';
import {
  generateMnemonic,
  mnemonicToKeySeed,
  privateKeyFromSeed,
  schemeByName,
  validateMnemonic,
} from '@lattice/crypto';
import { LatticeError } from '@lattice/utils';
import type { Context } from '../context.ts';
import { table } from '../output.ts';
import { ask, readStdin } from '../prompt.ts';

export const KEYS_USAGE = `lattice keys — manage local keys

  keys add NAME [--recover] [--algorithm ml-dsa-44] [--index N]
      create a key from a new 24-word mnemonic (printed once), or --recover one from its
      mnemonic (read from stdin when piped, else asked for)
  keys list                      names, addresses and algorithms
  keys show NAME [--address]     one key's public information
  keys export NAME               print the key as an encrypted keystore JSON
  keys import NAME FILE          import an encrypted keystore JSON (asks its password)
  keys delete NAME --yes         remove a key`;

async function readMnemonic(): Promise<string> {
  const raw = process.stdin.isTTY
    ? await ask('Enter your 24-word mnemonic: ', { secret: true })
    : await readStdin();
  const mnemonic = raw.trim().split(/\s+/).join(' ');
  if (!validateMnemonic(mnemonic))
    throw new LatticeError('MNEMONIC_INVALID', 'that is not a valid BIP-39 mnemonic');
  return mnemonic;
}

export async function keysCommand(
  ctx: Context,
  args: string[],
  flags: Record<string, unknown>,
): Promise<void> {
  const [sub, name, file] = args;
  const kr = ctx.keyring;
  switch (sub) {
    case 'add': {
      if (!name) throw new LatticeError('INVALID_ARGUMENT', 'keys add needs a NAME');
      if (kr.has(name)) throw new LatticeError('KEY_EXISTS', `a key named "${name}" exists already`);
      const alg = schemeByName((flags.algorithm as string | undefined) ?? 'ML-DSA-44').id;
      const index = flags.index === undefined ? 0 : Number(flags.index);
      if (!Number.isSafeInteger(index) || index < 0)
        throw new LatticeError('INVALID_ARGUMENT', '--index must be a non-negative integer');
      const recover = Boolean(flags.recover);
      const mnemonic = recover ? await readMnemonic() : generateMnemonic();
      const key = privateKeyFromSeed(alg, mnemonicToKeySeed(mnemonic, { alg, index }));
      const info = await kr.add(name, key);
      ctx.out.result({ ...info, ...(recover ? {} : { mnemonic }) }, () =>
        [
          `added key "${info.name}" (${info.algorithm}, ${info.backend} keyring)`,
          `address: ${info.address}`,
          ...(recover
            ? []
            : [
                '',
                'Write down this mnemonic and keep it safe. It is the only way to recover this key:',
                '',
                mnemonic,
              ]),
        ].join('\n'),
      );
      return;
    }
    case 'list': {
      const keys = kr.list();
      ctx.out.result(keys, () =>
        keys.length === 0
          ? `no keys in ${kr.dir}`
          : table([['NAME', 'ADDRESS', 'ALGORITHM'], ...keys.map((k) => [k.name, k.address, k.algorithm])]),
      );
      return;
    }
    case 'show': {
      if (!name) throw new LatticeError('INVALID_ARGUMENT', 'keys show needs a NAME');
      const info = kr.show(name);
      if (flags.address) ctx.out.result({ address: info.address }, () => info.address);
      else
        ctx.out.result(
          info,
          () =>
            `name:      ${info.name}\naddress:   ${info.address}\nalgorithm: ${info.algorithm}\nkeyring:   ${info.backend} (${info.path})`,
        );
      return;
    }
    case 'export': {
      if (!name) throw new LatticeError('INVALID_ARGUMENT', 'keys export needs a NAME');
      const ks = await kr.export(name);
      process.stdout.write(`${JSON.stringify(ks, null, 2)}\n`);
      return;
    }
    case 'import': {
      if (!name || !file) throw new LatticeError('INVALID_ARGUMENT', 'keys import needs NAME and FILE');
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new LatticeError('KEYSTORE_INVALID', `cannot read ${file}: ${(e as Error).message}`);
      }
      const info = await kr.import(name, json, await ctx.password());
      ctx.out.result(info, () => `imported key "${info.name}": ${info.address}`);
      return;
    }
    case 'delete': {
      if (!name) throw new LatticeError('INVALID_ARGUMENT', 'keys delete needs a NAME');
      if (!flags.yes)
        throw new LatticeError('INVALID_ARGUMENT', `deleting "${name}" cannot be undone: add --yes`);
      kr.delete(name);
      ctx.out.result({ deleted: name }, () => `deleted key "${name}"`);
      return;
    }
    default:
      process.stdout.write(`${KEYS_USAGE}\n`);
  }
}
