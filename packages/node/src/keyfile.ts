import { readFileSync } from 'node:fs';
import { addressFromPublicKey, getScheme, type PrivateKey, privateKeyFromSeed } from '@lattice/crypto';
import { fromHex, LatticeError, toHex } from '@lattice/utils';
import { writeFileAtomic } from './files.ts';

/**
 * An unencrypted key file, for the validator's consensus key and devnet keys (CometBFT's
 * priv_validator_key.json): the node must sign unattended. Written with mode 0600.
 */
export interface KeyFile {
  name: string;
  algorithm: string;
  alg: number;
  address: string;
  public_key: string;
  seed: string;
}

export function writeKeyFile(path: string, name: string, key: PrivateKey): KeyFile {
  const file: KeyFile = {
    name,
    algorithm: getScheme(key.alg).name,
    alg: key.alg,
    address: addressFromPublicKey(key.alg, key.publicKey),
    public_key: toHex(key.publicKey),
    seed: toHex(key.seed),
  };
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
  return file;
}

/** The libp2p identity (node_key.json): the protobuf-encoded private key as hex. */
export function writeNodeKeyFile(path: string, key: Uint8Array): void {
  writeFileAtomic(path, `${JSON.stringify({ key: toHex(key) })}\n`, 0o600);
}

export function readNodeKeyFile(path: string): Uint8Array {
  try {
    return fromHex((JSON.parse(readFileSync(path, 'utf8')) as { key: string }).key, 'node key');
  } catch (e) {
    throw new LatticeError('KEY_NOT_FOUND', `cannot read node key ${path}: ${(e as Error).message}`);
  }
}

export function readKeyFile(path: string): { file: KeyFile; key: PrivateKey } {
  let file: KeyFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch (e) {
    throw new LatticeError('KEY_NOT_FOUND', `cannot read key file ${path}: ${(e as Error).message}`);
  }
  const key = privateKeyFromSeed(file.alg, fromHex(file.seed, 'key seed'));
  if (addressFromPublicKey(key.alg, key.publicKey) !== file.address) {
    throw new LatticeError(
      'KEYSTORE_INVALID',
      `key file ${path} is inconsistent: its seed does not give its address`,
    );
  }
  return { file, key };
}
