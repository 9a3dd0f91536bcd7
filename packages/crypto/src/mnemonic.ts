import { KEY_SEED_BYTES, MNEMONIC_WORDS } from '@lattice/params';
import { concatBytes, LatticeError, u32be, utf8 } from '@lattice/utils';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import * as bip39 from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { ALG_ML_DSA_44, getScheme } from './schemes.ts';

// Pure JS (no node:*), shared by the Node and portable entries so both derive identical keys.

const ENTROPY_BITS = (MNEMONIC_WORDS / 3) * 32;
const KEY_INFO = utf8('lattice/key/v1');
const INDEX_MAX = 0xffff_ffff;

/** Lower-cased, single-spaced: users paste phrases with stray capitals, tabs and newlines. */
function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.trim().toLowerCase().split(/\s+/).join(' ');
}

export function generateMnemonic(): string {
  return bip39.generateMnemonic(wordlist, ENTROPY_BITS);
}

/** True for a 24-word English BIP-39 phrase with a valid checksum. */
export function validateMnemonic(mnemonic: string): boolean {
  if (typeof mnemonic !== 'string') return false;
  const norm = normalizeMnemonic(mnemonic);
  return norm.split(' ').length === MNEMONIC_WORDS && bip39.validateMnemonic(norm, wordlist);
}

export interface MnemonicKeyOptions {
  /** Algorithm id the key is for (default ML-DSA-44). */
  alg?: number;
  /** Account index (default 0), 0 … 2^32-1. */
  index?: number;
  /** BIP-39 passphrase (default empty). */
  passphrase?: string;
}

/**
 * The 32-byte key seed for (mnemonic, alg, index): HKDF-SHA-256 over the 64-byte BIP-39 seed
 * with info = 'lattice/key/v1' ‖ alg (1 byte) ‖ index (u32 big-endian). Binding alg and index
 * means keys for different schemes or accounts are unrelated even though they share a phrase.
 */
export function mnemonicToKeySeed(mnemonic: string, opts: MnemonicKeyOptions = {}): Uint8Array {
  const alg = getScheme(opts.alg ?? ALG_ML_DSA_44).id;
  const index = opts.index ?? 0;
  if (!Number.isInteger(index) || index < 0 || index > INDEX_MAX) {
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `key index must be an integer from 0 to ${INDEX_MAX}, got ${index}`,
    );
  }
  const passphrase = opts.passphrase ?? '';
  if (typeof passphrase !== 'string')
    throw new LatticeError('INVALID_ARGUMENT', 'mnemonic passphrase must be a string');
  if (!validateMnemonic(mnemonic)) {
    throw new LatticeError(
      'MNEMONIC_INVALID',
      `not a valid ${MNEMONIC_WORDS}-word recovery phrase: check that every word is from the BIP-39 English list and none is missing or mistyped`,
    );
  }
  const bip39Seed = bip39.mnemonicToSeedSync(normalizeMnemonic(mnemonic), passphrase);
  const info = concatBytes(KEY_INFO, Uint8Array.of(alg), u32be(index));
  return hkdf(sha256, bip39Seed, undefined, info, KEY_SEED_BYTES);
}
