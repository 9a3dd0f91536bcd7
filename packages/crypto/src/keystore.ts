import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import {
  ADDRESS_BYTES,
  KEYSTORE_SCRYPT_MAXMEM_BYTES,
  KEYSTORE_SCRYPT_N,
  KEYSTORE_SCRYPT_P,
  KEYSTORE_SCRYPT_R,
} from '@lattice/params';
import { fromHex, LatticeError, toHex, utf8 } from '@lattice/utils';
import { addressFromPublicKey, parseAddress } from './address.ts';
import { sha256 } from './hash.ts';
import { privateKeyFromSeed } from './keys.ts';
import { checkedSeed } from './private-key.ts';
import { getScheme, isKnownAlgorithm } from './schemes.ts';

/**
 * An encrypted key file. The seed is encrypted with AES-256-GCM under a scrypt-derived key;
 * version, alg, address, kdf and cipher parameters are the GCM additional data, so changing any
 * of them makes decryption fail. `checksum` is an unkeyed SHA-256 over every field but `name`:
 * it lets a damaged or edited file be reported as such (KEYSTORE_INVALID) before the password is
 * tried, instead of as a wrong password. `name` is a label and may be edited freely.
 */
export interface KeystoreFile {
  version: 1;
  name?: string;
  address: string;
  alg: number;
  kdf: { name: 'scrypt'; n: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; ciphertext: string; tag: string };
  checksum: string;
}

export interface DecryptedKey {
  alg: number;
  seed: Uint8Array;
  name?: string;
  address: string;
}

const KEYSTORE_VERSION = 1;
const SALT_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AES_KEY_BYTES = 32;
const SEED_BYTES = 32;
const NAME_MAX_CHARS = 256;

function invalid(message: string): LatticeError {
  return new LatticeError('KEYSTORE_INVALID', message);
}

/** OpenSSL's own estimate of scrypt's memory use, checked before any work is done. */
function scryptMemoryBytes(n: number, r: number, p: number): number {
  return 128 * r * (n + p + 2);
}

function checkScryptParams(n: number, r: number, p: number): string | undefined {
  if (!Number.isSafeInteger(n) || n < 2 || (n & (n - 1)) !== 0)
    return `scrypt N must be a power of two ≥ 2, got ${n}`;
  if (!Number.isSafeInteger(r) || r < 1 || r > 64)
    return `scrypt r must be an integer from 1 to 64, got ${r}`;
  if (!Number.isSafeInteger(p) || p < 1 || p > 16)
    return `scrypt p must be an integer from 1 to 16, got ${p}`;
  if (scryptMemoryBytes(n, r, p) > KEYSTORE_SCRYPT_MAXMEM_BYTES) {
    return `scrypt parameters N=${n} r=${r} p=${p} need more than ${KEYSTORE_SCRYPT_MAXMEM_BYTES} bytes of memory`;
  }
  return undefined;
}

type Header = Omit<KeystoreFile, 'name' | 'checksum' | 'cipher'> & {
  cipher: { name: 'aes-256-gcm'; iv: string };
};

function additionalData(h: Header): Uint8Array {
  const { kdf } = h;
  return utf8(
    JSON.stringify([
      'lattice/keystore',
      h.version,
      h.alg,
      h.address,
      kdf.name,
      kdf.n,
      kdf.r,
      kdf.p,
      kdf.salt,
      h.cipher.name,
      h.cipher.iv,
    ]),
  );
}

function checksumOf(file: Omit<KeystoreFile, 'checksum' | 'name'>): string {
  const { kdf, cipher } = file;
  const fields = [
    'lattice/keystore/checksum',
    file.version,
    file.alg,
    file.address,
    kdf.name,
    kdf.n,
    kdf.r,
    kdf.p,
    kdf.salt,
    cipher.name,
    cipher.iv,
    cipher.ciphertext,
    cipher.tag,
  ];
  return toHex(sha256(utf8(JSON.stringify(fields))));
}

function deriveKey(password: string, salt: Uint8Array, n: number, r: number, p: number): Buffer {
  // NFKC so that the same password typed on different systems derives the same key.
  return scryptSync(password.normalize('NFKC'), salt, AES_KEY_BYTES, {
    N: n,
    r,
    p,
    maxmem: KEYSTORE_SCRYPT_MAXMEM_BYTES,
  });
}

function checkPassword(password: string): void {
  if (typeof password !== 'string')
    throw new LatticeError('INVALID_ARGUMENT', 'the password must be a string');
}

/**
 * Encrypts a key seed under a password. scrypt uses KEYSTORE_SCRYPT_N/R/P (≈0.4 s and 128 MiB);
 * opts.scryptN lowers N for tests.
 */
export function encryptKeystore(
  key: { alg: number; seed: Uint8Array; name?: string },
  password: string,
  opts: { scryptN?: number } = {},
): KeystoreFile {
  checkPassword(password);
  const alg = getScheme(key.alg).id;
  const seed = checkedSeed(key.seed);
  if (key.name !== undefined && (typeof key.name !== 'string' || key.name.length > NAME_MAX_CHARS)) {
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `a key name must be a string of at most ${NAME_MAX_CHARS} characters`,
    );
  }
  const n = opts.scryptN ?? KEYSTORE_SCRYPT_N;
  const r = KEYSTORE_SCRYPT_R;
  const p = KEYSTORE_SCRYPT_P;
  const bad = checkScryptParams(n, r, p);
  if (bad !== undefined) throw new LatticeError('INVALID_ARGUMENT', bad);

  const address = addressFromPublicKey(alg, privateKeyFromSeed(alg, seed).publicKey);
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const header: Header = {
    version: KEYSTORE_VERSION,
    address,
    alg,
    kdf: { name: 'scrypt', n, r, p, salt: toHex(salt) },
    cipher: { name: 'aes-256-gcm', iv: toHex(iv) },
  };
  const aesKey = deriveKey(password, salt, n, r, p);
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(header));
  const ciphertext = Buffer.concat([cipher.update(seed), cipher.final()]);
  const tag = cipher.getAuthTag();
  aesKey.fill(0);
  seed.fill(0);

  const body = {
    version: header.version,
    address,
    alg,
    kdf: header.kdf,
    cipher: {
      name: 'aes-256-gcm' as const,
      iv: header.cipher.iv,
      ciphertext: toHex(ciphertext),
      tag: toHex(tag),
    },
  };
  return {
    version: KEYSTORE_VERSION,
    ...(key.name !== undefined ? { name: key.name } : {}),
    address,
    alg,
    kdf: body.kdf,
    cipher: body.cipher,
    checksum: checksumOf(body),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hexField(v: unknown, bytes: number | undefined, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-f]*$/.test(v) || v.length % 2 !== 0) {
    throw invalid(`key file field ${what} is not lower-case hex`);
  }
  const b = fromHex(v, what);
  if (bytes !== undefined && b.length !== bytes)
    throw invalid(`key file field ${what} is ${b.length} bytes, expected ${bytes}`);
  return b;
}

/** Checks every field and returns the file narrowed to KeystoreFile; KEYSTORE_INVALID otherwise. */
function parseKeystore(input: unknown): KeystoreFile {
  let file = input;
  if (typeof file === 'string') {
    try {
      file = JSON.parse(file);
    } catch {
      throw invalid('the key file is not valid JSON');
    }
  }
  if (!isRecord(file)) throw invalid('the key file is not a JSON object');
  if (file.version !== KEYSTORE_VERSION) {
    throw invalid(
      `unsupported key file version ${JSON.stringify(file.version ?? null)?.slice(0, 20)}; this program reads version ${KEYSTORE_VERSION}`,
    );
  }
  if (typeof file.alg !== 'number' || !isKnownAlgorithm(file.alg)) {
    throw invalid(
      `the key file names an unknown signature algorithm ${JSON.stringify(file.alg ?? null)?.slice(0, 20)}`,
    );
  }
  if (typeof file.address !== 'string') throw invalid('the key file has no address');
  try {
    if (parseAddress(file.address).length !== ADDRESS_BYTES) throw new Error('length');
  } catch {
    throw invalid(`the key file's address "${file.address.slice(0, 100)}" is not a valid address`);
  }
  if (file.name !== undefined && (typeof file.name !== 'string' || file.name.length > NAME_MAX_CHARS)) {
    throw invalid('the key file name must be a string of at most 256 characters');
  }
  const { kdf, cipher } = file;
  if (!isRecord(kdf) || kdf.name !== 'scrypt')
    throw invalid('the key file does not use the scrypt key derivation');
  const bad = checkScryptParams(kdf.n as number, kdf.r as number, kdf.p as number);
  if (bad !== undefined) throw invalid(`the key file's ${bad}`);
  hexField(kdf.salt, SALT_BYTES, 'kdf.salt');
  if (!isRecord(cipher) || cipher.name !== 'aes-256-gcm')
    throw invalid('the key file does not use AES-256-GCM');
  hexField(cipher.iv, IV_BYTES, 'cipher.iv');
  hexField(cipher.ciphertext, SEED_BYTES, 'cipher.ciphertext');
  hexField(cipher.tag, TAG_BYTES, 'cipher.tag');
  if (typeof file.checksum !== 'string') throw invalid('the key file has no checksum');
  return file as unknown as KeystoreFile;
}

/**
 * Opens a key file (object or JSON text). KEYSTORE_INVALID: malformed, damaged, edited or of an
 * unsupported version; KEYSTORE_WRONG_PASSWORD: the password does not open it.
 */
export function decryptKeystore(file: unknown, password: string): DecryptedKey {
  checkPassword(password);
  const ks = parseKeystore(file);
  const expected = utf8(checksumOf(ks));
  const actual = utf8(ks.checksum);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw invalid('the key file is damaged or has been edited (checksum mismatch); restore it from a backup');
  }
  const { kdf, cipher } = ks;
  const salt = fromHex(kdf.salt);
  const aesKey = deriveKey(password, salt, kdf.n, kdf.r, kdf.p);
  let seed: Uint8Array;
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey, fromHex(cipher.iv), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(additionalData(ks));
    decipher.setAuthTag(fromHex(cipher.tag));
    seed = new Uint8Array(Buffer.concat([decipher.update(fromHex(cipher.ciphertext)), decipher.final()]));
  } catch {
    throw new LatticeError('KEYSTORE_WRONG_PASSWORD', `wrong password for the key file of ${ks.address}`, {
      address: ks.address,
    });
  } finally {
    aesKey.fill(0);
  }
  if (addressFromPublicKey(ks.alg, privateKeyFromSeed(ks.alg, seed).publicKey) !== ks.address) {
    throw invalid(`the key in the file does not belong to its address ${ks.address}`);
  }
  return { alg: ks.alg, seed, ...(ks.name !== undefined ? { name: ks.name } : {}), address: ks.address };
}
