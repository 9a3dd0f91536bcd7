import type { CodeInfo, ContractInfo } from '@lattice/codec';
import { formatAddress } from '@lattice/crypto';
import { WASM_MESSAGE_BYTES_MAX } from '@lattice/params';
import { LatticeError, to0x, utf8 } from '@lattice/utils';
import { type RpcServer, readParams } from './rpc/index.ts';
import { addressParam, hexParam, invalid, optionalHeight } from './rpc/param-types.ts';
import { proofView, type RpcServices } from './rpc-methods.ts';

/** App gas a smart query may spend over RPC. */
const SMART_QUERY_GAS = 20_000_000n;
const LIST_LIMIT_DEFAULT = 30;
const LIST_LIMIT_MAX = 100;

export function codeIdParam(v: unknown): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return BigInt(v);
  if (typeof v === 'string' && /^[1-9][0-9]{0,19}$/.test(v)) return BigInt(v);
  invalid('code id must be a positive integer (number or decimal string)');
}

function limitParam(v: unknown): number {
  if (v === undefined || v === null) return LIST_LIMIT_DEFAULT;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > LIST_LIMIT_MAX) {
    invalid(`limit must be an integer from 1 to ${LIST_LIMIT_MAX}`);
  }
  return v;
}

/** A contract message: a JSON object, or its text. */
function messageParam(v: unknown): Uint8Array {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  if (
    text === undefined ||
    (typeof v !== 'string' && (typeof v !== 'object' || v === null || Array.isArray(v)))
  ) {
    invalid('msg must be a JSON object (or its text)');
  }
  const bytes = utf8(text);
  if (bytes.length > WASM_MESSAGE_BYTES_MAX) invalid(`msg is larger than ${WASM_MESSAGE_BYTES_MAX} bytes`);
  return bytes;
}

export function codeInfoView(codeId: bigint, c: CodeInfo) {
  return { codeId: codeId.toString(), codeHash: to0x(c.codeHash), creator: c.creator, size: Number(c.size) };
}

export function contractInfoView(address: Uint8Array, c: ContractInfo) {
  return {
    address: formatAddress(address),
    codeId: c.codeId.toString(),
    creator: c.creator,
    admin: c.admin === '' ? null : c.admin,
    label: c.label,
    createdHeight: c.createdHeight.toString(),
  };
}

/** The wasm module's JSON-RPC methods: code and contract info, listings, smart and raw queries. */
export function registerWasmMethods(server: RpcServer, s: RpcServices): void {
  server.register('lat_wasmCodeInfo', (params) => {
    const [id] = readParams(params, ['codeId']);
    const codeId = codeIdParam(id);
    const info = s.app.wasmCodeInfo(codeId);
    return info === undefined ? null : codeInfoView(codeId, info);
  });

  server.register('lat_wasmCode', (params) => {
    const [id] = readParams(params, ['codeId']);
    const bytes = s.app.wasmCodeBytes(codeIdParam(id));
    return bytes === undefined ? null : to0x(bytes);
  });

  server.register('lat_wasmContractInfo', (params) => {
    const [a] = readParams(params, ['address']);
    const address = addressParam(a);
    const info = s.app.wasmContractInfo(address);
    return info === undefined ? null : contractInfoView(address, info);
  });

  server.register('lat_wasmContractsByCode', (params) => {
    const [id, after, limit] = readParams(params, ['codeId', 'startAfter', 'limit'], 1);
    const n = limitParam(limit);
    const contracts = s.app.wasmContractsByCode(
      codeIdParam(id),
      after === undefined || after === null ? undefined : addressParam(after),
      n,
    );
    return { contracts, next: contracts.length === n ? contracts.at(-1)! : null };
  });

  server.register('lat_wasmSmartQuery', (params) => {
    const [a, m] = readParams(params, ['address', 'msg']);
    const r = s.app.wasmSmartQuery(addressParam(a), messageParam(m), SMART_QUERY_GAS);
    return { data: r.value, gasUsed: r.gasUsed.toString() };
  });

  /** One key of a contract's storage, with its Merkle proof against the state root at that height. */
  server.register('lat_wasmRawQuery', (params) => {
    const [a, k, h] = readParams(params, ['address', 'key', 'height'], 2);
    const address = addressParam(a);
    if (s.app.wasmContractInfo(address) === undefined) {
      throw new LatticeError('NOT_FOUND', `no contract at ${formatAddress(address)}`);
    }
    const key = s.app.wasmStoreKey(address, hexParam(k, 'key'));
    return proofView(s.app.prove(key, optionalHeight(h, s.chain.height)), key);
  });
}
