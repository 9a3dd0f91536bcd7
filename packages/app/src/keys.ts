import { hash } from 'node:crypto';
import { concatBytes, u32be, u64be, utf8 } from '@lattice/utils';

/**
 * The state key layout. One prefix byte per record kind keeps modules apart and makes every
 * record kind a contiguous, sorted range of the flat key space.
 */
export const PREFIX_ACCOUNT = 0x01;
export const PREFIX_GLOBAL = 0x02;
export const PREFIX_BALANCE = 0x10;
export const PREFIX_SUPPLY = 0x11;
export const PREFIX_DENOM_METADATA = 0x12;
export const PREFIX_PARAMS = 0x03;
export const PREFIX_PUBKEY = 0x04;
export const PREFIX_MISBEHAVIOUR = 0x20;

export const KEY_NEXT_ACCOUNT_NUMBER = concatBytes(
  new Uint8Array([PREFIX_GLOBAL]),
  utf8('next_account_number'),
);
export const KEY_CHAIN_PARAMS = concatBytes(new Uint8Array([PREFIX_PARAMS]), utf8('chain'));
export const KEY_RESERVE_ADDRESS = concatBytes(new Uint8Array([PREFIX_GLOBAL]), utf8('drt_reserve'));

/** Prefix byte then address, in one allocation (several of these are built per transaction). */
function addressKey(prefix: number, address: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + address.length);
  key[0] = prefix;
  key.set(address, 1);
  return key;
}

export function accountKey(address: Uint8Array): Uint8Array {
  return addressKey(PREFIX_ACCOUNT, address);
}

export function pubKeyKey(address: Uint8Array): Uint8Array {
  return addressKey(PREFIX_PUBKEY, address);
}

/**
 * Denominations are few and hot (every transfer builds several denom keys), so their key parts
 * are built once per denom and shared: callers never mutate a key. Bounded: cleared when full.
 */
const DENOM_KEY_CACHE_MAX = 256;

function perDenom(build: (denom: string) => Uint8Array): (denom: string) => Uint8Array {
  const cache = new Map<string, Uint8Array>();
  return (denom) => {
    let b = cache.get(denom);
    if (b === undefined) {
      if (cache.size >= DENOM_KEY_CACHE_MAX) cache.clear();
      b = build(denom);
      cache.set(denom, b);
    }
    return b;
  };
}

const denomBytes = perDenom(utf8);

export function balanceKey(address: Uint8Array, denom: string): Uint8Array {
  const d = denomBytes(denom);
  const key = new Uint8Array(1 + address.length + d.length);
  key[0] = PREFIX_BALANCE;
  key.set(address, 1);
  key.set(d, 1 + address.length);
  return key;
}

export function balancePrefix(address: Uint8Array): Uint8Array {
  return addressKey(PREFIX_BALANCE, address);
}

export const supplyKey = perDenom((denom) => concatBytes(new Uint8Array([PREFIX_SUPPLY]), denomBytes(denom)));

export const denomMetadataKey = perDenom((denom) =>
  concatBytes(new Uint8Array([PREFIX_DENOM_METADATA]), denomBytes(denom)),
);

/** Module accounts have addresses no key can own: the hash of a name, not of a public key. */
export function moduleAddress(name: string): Uint8Array {
  return new Uint8Array(hash('sha256', `lattice/module/${name}`, 'buffer'));
}

export const FEE_COLLECTOR_ADDRESS = moduleAddress('fee_collector');

// The wasm module. Code bytes are stored once per hash; instrumented code under the hash and the
// instrumenter and cost-table versions (a new version means new keys, never rewritten old ones).
export const PREFIX_WASM_CODE = 0x30;
export const PREFIX_WASM_CODE_BYTES = 0x31;
export const PREFIX_WASM_INSTRUMENTED = 0x32;
export const PREFIX_WASM_CONTRACT = 0x33;
export const PREFIX_WASM_STORE = 0x34;
export const PREFIX_WASM_CONTRACTS_BY_CODE = 0x35;
export const KEY_WASM_PARAMS = concatBytes(new Uint8Array([PREFIX_GLOBAL]), utf8('wasm_params'));
export const KEY_WASM_NEXT_CODE_ID = concatBytes(new Uint8Array([PREFIX_GLOBAL]), utf8('wasm_next_code_id'));
export const KEY_WASM_NEXT_INSTANCE = concatBytes(
  new Uint8Array([PREFIX_GLOBAL]),
  utf8('wasm_next_instance'),
);

function prefixed(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  return concatBytes(new Uint8Array([prefix]), ...parts);
}

export const wasmCodeKey = (codeId: bigint) => prefixed(PREFIX_WASM_CODE, u64be(codeId));
export const wasmCodeBytesKey = (hash: Uint8Array) => prefixed(PREFIX_WASM_CODE_BYTES, hash);
export const wasmInstrumentedKey = (hash: Uint8Array, instrumenter: number, costs: number) =>
  prefixed(PREFIX_WASM_INSTRUMENTED, hash, u32be(instrumenter), u32be(costs));
export const wasmContractKey = (address: Uint8Array) => prefixed(PREFIX_WASM_CONTRACT, address);
export const wasmStorePrefix = (address: Uint8Array) => prefixed(PREFIX_WASM_STORE, address);
export const wasmContractsByCodeKey = (codeId: bigint, address: Uint8Array) =>
  prefixed(PREFIX_WASM_CONTRACTS_BY_CODE, u64be(codeId), address);
export const wasmContractsByCodePrefix = (codeId: bigint) =>
  prefixed(PREFIX_WASM_CONTRACTS_BY_CODE, u64be(codeId));

/** Contract addresses: the hash of the code id and a chain-wide instance counter (no key owns them). */
export function contractAddress(codeId: bigint, instance: bigint): Uint8Array {
  return new Uint8Array(
    hash('sha256', concatBytes(utf8('lattice/wasm/contract'), u64be(codeId), u64be(instance)), 'buffer'),
  );
}
