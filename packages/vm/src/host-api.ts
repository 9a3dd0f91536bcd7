import { createHash } from 'node:crypto';
import {
  GAS_DELETE_FLAT,
  GAS_READ_FLAT,
  GAS_READ_PER_BYTE,
  GAS_SIG_VERIFY,
  GAS_WRITE_FLAT,
  GAS_WRITE_PER_BYTE,
  WASM_ADDRESS_GAS,
  WASM_DEBUG_MESSAGES_MAX,
  WASM_GAS_MULTIPLIER,
  WASM_HOST_CALL_GAS,
  WASM_ITERATORS_MAX,
  WASM_MESSAGE_BYTES_MAX,
  WASM_SHA256_GAS,
  WASM_STORAGE_KEY_BYTES_MAX,
  WASM_STORAGE_VALUE_BYTES_MAX,
} from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import { readRegion, writeRegion } from './regions.ts';
import type { ContractInstance, HostFunction, HostImports } from './runtime.ts';

export type Order = 'ascending' | 'descending';

/** The contract's own key space; the caller buffers writes and keeps them only if the call succeeds. */
export interface ContractStorage {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): void;
  /** Keys in [start, end) (either bound may be absent), in key-byte order or its reverse. */
  range(
    start: Uint8Array | undefined,
    end: Uint8Array | undefined,
    order: Order,
  ): Iterator<[Uint8Array, Uint8Array]>;
}

/** Everything the host API needs from the chain; the vm itself knows nothing of it. */
export interface ContractBackend {
  storage: ContractStorage;
  /** A query (bank or another contract) can read but never write. */
  readOnly: boolean;
  canonicalizeAddress(text: string): Uint8Array | undefined;
  humanizeAddress(bytes: Uint8Array): string | undefined;
  verifySignature(alg: number, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Answers a JSON query request with JSON `{"ok": …}` or `{"error": "…"}` bytes, spending at
   * most `gasLimit` wasm gas; returns what it spent. A contract it runs starts its stack-depth
   * counter at `stackDepth`, the caller's.
   */
  queryChain(
    request: Uint8Array,
    gasLimit: bigint,
    stackDepth: number,
  ): { response: Uint8Array; gasUsed: bigint };
  /** Set in simulations only: where contract debug output goes. */
  debug?: (message: string) => void;
}

const app = (gas: bigint) => gas * WASM_GAS_MULTIPLIER;
const TEXT = new TextDecoder('utf-8', { fatal: false });
const UTF8 = new TextEncoder();

function hostFn(
  gas: bigint,
  fn: (instance: ContractInstance, ...args: number[]) => number | undefined,
): HostFunction {
  return { baseGas: app(WASM_HOST_CALL_GAS + gas), fn: fn as HostFunction['fn'] };
}

function refuseWrite(backend: ContractBackend): void {
  if (backend.readOnly) throw new LatticeError('WASM_HOST_ERROR', 'a query cannot write to storage');
}

/** db_next answers a key-value pair as u32le(key length) ‖ key ‖ value. */
function encodePair(key: Uint8Array, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + key.length + value.length);
  new DataView(out.buffer).setUint32(0, key.length, true);
  out.set(key, 4);
  out.set(value, 4 + key.length);
  return out;
}

/**
 * The `env` host functions of ABI version 1 (signatures in HOST_SIGNATURES), bound to one call's
 * backend. Each charges WASM_HOST_CALL_GAS plus its own cost, and every byte it moves.
 */
export function contractHost(backend: ContractBackend): HostImports {
  const iterators: Iterator<[Uint8Array, Uint8Array]>[] = [];
  let debugMessages = 0;
  const key = (i: ContractInstance, ptr: number) =>
    readRegion(i, ptr, WASM_STORAGE_KEY_BYTES_MAX, 'storage key');
  const optionalKey = (i: ContractInstance, ptr: number) => (ptr === 0 ? undefined : key(i, ptr));
  const text = (i: ContractInstance, ptr: number, what: string) =>
    TEXT.decode(readRegion(i, ptr, WASM_MESSAGE_BYTES_MAX, what));
  return {
    env: {
      db_read: hostFn(GAS_READ_FLAT, (i, k) => {
        const kb = key(i, k!);
        const v = backend.storage.get(kb);
        i.charge(app(GAS_READ_PER_BYTE * BigInt(kb.length + (v?.length ?? 0))));
        return v === undefined ? 0 : writeRegion(i, v);
      }),
      db_write: hostFn(GAS_WRITE_FLAT, (i, k, v) => {
        refuseWrite(backend);
        const kb = key(i, k!);
        const vb = readRegion(i, v!, WASM_STORAGE_VALUE_BYTES_MAX, 'storage value');
        i.charge(app(GAS_WRITE_PER_BYTE * BigInt(kb.length + vb.length)));
        backend.storage.set(kb, vb);
        return undefined;
      }),
      db_remove: hostFn(GAS_DELETE_FLAT, (i, k) => {
        refuseWrite(backend);
        backend.storage.remove(key(i, k!));
        return undefined;
      }),
      db_scan: hostFn(GAS_READ_FLAT, (i, start, end, order) => {
        if (iterators.length >= WASM_ITERATORS_MAX) {
          throw new LatticeError(
            'WASM_HOST_ERROR',
            `at most ${WASM_ITERATORS_MAX} storage iterators per call`,
          );
        }
        if (order !== 1 && order !== 2)
          throw new LatticeError('WASM_HOST_ERROR', 'order must be 1 (asc) or 2 (desc)');
        iterators.push(
          backend.storage.range(
            optionalKey(i, start!),
            optionalKey(i, end!),
            order === 1 ? 'ascending' : 'descending',
          ),
        );
        return iterators.length;
      }),
      db_next: hostFn(GAS_READ_FLAT, (i, id) => {
        const it = iterators[id! - 1];
        if (it === undefined) throw new LatticeError('WASM_HOST_ERROR', `no storage iterator ${id}`);
        const next = it.next();
        if (next.done) return 0;
        const [k, v] = next.value;
        i.charge(app(GAS_READ_PER_BYTE * BigInt(k.length + v.length)));
        return writeRegion(i, encodePair(k, v));
      }),
      addr_validate: hostFn(WASM_ADDRESS_GAS, (i, a) => {
        const s = text(i, a!, 'address');
        const bytes = backend.canonicalizeAddress(s);
        return bytes !== undefined && backend.humanizeAddress(bytes) === s ? 1 : 0;
      }),
      addr_canonicalize: hostFn(WASM_ADDRESS_GAS, (i, a) => {
        const bytes = backend.canonicalizeAddress(text(i, a!, 'address'));
        return bytes === undefined ? 0 : writeRegion(i, bytes);
      }),
      addr_humanize: hostFn(WASM_ADDRESS_GAS, (i, a) => {
        const s = backend.humanizeAddress(readRegion(i, a!, WASM_STORAGE_KEY_BYTES_MAX, 'address'));
        return s === undefined ? 0 : writeRegion(i, UTF8.encode(s));
      }),
      sha256: hostFn(WASM_SHA256_GAS, (i, d) => {
        const data = readRegion(i, d!, WASM_MESSAGE_BYTES_MAX, 'hash input');
        return writeRegion(i, createHash('sha256').update(data).digest());
      }),
      mldsa_verify: hostFn(0n, (i, alg, pk, msg, signature) => {
        const pkb = readRegion(i, pk!, WASM_STORAGE_KEY_BYTES_MAX, 'public key');
        const mb = readRegion(i, msg!, WASM_MESSAGE_BYTES_MAX, 'signed message');
        const sb = readRegion(i, signature!, WASM_STORAGE_KEY_BYTES_MAX, 'signature');
        i.charge(app(verifyGas(alg!)));
        return backend.verifySignature(alg!, pkb, mb, sb) ? 1 : 0;
      }),
      query_chain: hostFn(0n, (i, r) => {
        const request = readRegion(i, r!, WASM_MESSAGE_BYTES_MAX, 'query request');
        const { response, gasUsed } = backend.queryChain(request, i.gasLeft, i.stackDepth);
        i.charge(gasUsed);
        return writeRegion(i, response);
      }),
      abort: hostFn(0n, (i, m) => {
        throw new LatticeError('WASM_ABORTED', `contract aborted: ${text(i, m!, 'abort message')}`);
      }),
      debug: hostFn(0n, (i, m) => {
        const message = text(i, m!, 'debug message');
        if (backend.debug !== undefined && debugMessages++ < WASM_DEBUG_MESSAGES_MAX) backend.debug(message);
        return undefined;
      }),
    },
  };
}

/** The ML-DSA parameter sets (ids 1–3 in the crypto registry), priced as for tx signatures. */
function verifyGas(alg: number): bigint {
  const gas = alg >= 1 && alg <= 3 ? GAS_SIG_VERIFY[alg] : undefined;
  if (gas === undefined) throw new LatticeError('WASM_HOST_ERROR', `${alg} is not an ML-DSA algorithm id`);
  return gas;
}
