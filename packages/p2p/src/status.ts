import { CHAIN_ID_MAX_BYTES } from '@lattice/params';
import { fromUtf8, LatticeError, readU64be, u64be, utf8 } from '@lattice/utils';

export const STATUS_PROTOCOL = '/lattice/status/1';
const STATUS_VERSION = 1;
const GENESIS_HASH_BYTES_MAX = 64;
export const STATUS_BYTES_MAX = 1 + 1 + CHAIN_ID_MAX_BYTES + 1 + GENESIS_HASH_BYTES_MAX + 8;

export interface Status {
  chainId: string;
  genesisHash: Uint8Array;
  height: bigint;
}

/** Layout: version u8 | chainId len u8 + utf8 | genesis len u8 + bytes | height u64be. */
export function encodeStatus(s: Status): Uint8Array {
  const chain = utf8(s.chainId);
  if (chain.length > CHAIN_ID_MAX_BYTES || s.genesisHash.length > GENESIS_HASH_BYTES_MAX) {
    throw new LatticeError('INVALID_ARGUMENT', 'status field too long');
  }
  if (s.height < 0n || s.height >= 1n << 64n)
    throw new LatticeError('INVALID_ARGUMENT', 'height out of range');
  const out = new Uint8Array(3 + chain.length + s.genesisHash.length + 8);
  let o = 0;
  out[o++] = STATUS_VERSION;
  out[o++] = chain.length;
  out.set(chain, o);
  o += chain.length;
  out[o++] = s.genesisHash.length;
  out.set(s.genesisHash, o);
  o += s.genesisHash.length;
  out.set(u64be(s.height), o);
  return out;
}

export function decodeStatus(b: Uint8Array): Status {
  const fail = (why: string): never => {
    throw new LatticeError('DECODE_FAILED', `bad status message: ${why}`);
  };
  if (b.length < 3 + 8) fail('too short');
  if (b[0] !== STATUS_VERSION) fail('unknown version');
  const chainLen = b[1]!;
  if (chainLen > CHAIN_ID_MAX_BYTES) fail('chain id too long');
  let o = 2;
  if (b.length < o + chainLen + 1) fail('truncated');
  const chainBytes = b.subarray(o, o + chainLen);
  o += chainLen;
  const hashLen = b[o++]!;
  if (hashLen > GENESIS_HASH_BYTES_MAX) fail('genesis hash too long');
  if (b.length !== o + hashLen + 8) fail('wrong length');
  const genesisHash = b.slice(o, o + hashLen);
  o += hashLen;
  let chainId: string;
  try {
    chainId = new TextDecoder('utf-8', { fatal: true }).decode(chainBytes);
  } catch {
    return fail('chain id is not utf-8');
  }
  if (fromUtf8(utf8(chainId)) !== chainId) fail('chain id is not canonical utf-8');
  return { chainId, genesisHash, height: readU64be(b, o) };
}
