import { ERROR_CODES, type ErrorCode, type ErrorMeta, LatticeError } from '@lattice/utils';

/** The error codes pre-defined by the JSON-RPC 2.0 specification. */
export const JSONRPC_PARSE_ERROR = -32700;
export const JSONRPC_INVALID_REQUEST = -32600;
export const JSONRPC_METHOD_NOT_FOUND = -32601;
export const JSONRPC_INVALID_PARAMS = -32602;
export const JSONRPC_INTERNAL_ERROR = -32603;
/** Every other LatticeError code `c` maps to `JSONRPC_SERVER_ERROR_BASE - ERROR_CODES[c]`. */
export const JSONRPC_SERVER_ERROR_BASE = -32000;

const STANDARD: Partial<Record<ErrorCode, number>> = {
  RPC_PARSE_ERROR: JSONRPC_PARSE_ERROR,
  RPC_INVALID_REQUEST: JSONRPC_INVALID_REQUEST,
  RPC_BATCH_TOO_LARGE: JSONRPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND: JSONRPC_METHOD_NOT_FOUND,
  RPC_INVALID_PARAMS: JSONRPC_INVALID_PARAMS,
  INVALID_ARGUMENT: JSONRPC_INVALID_PARAMS,
  INTERNAL: JSONRPC_INTERNAL_ERROR,
};

export interface RpcErrorData {
  /** The stable LatticeError code, e.g. 'TX_BAD_SIGNATURE': what clients should switch on. */
  code: ErrorCode;
  meta: ErrorMeta;
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data: RpcErrorData;
}

/** The JSON-RPC numeric code for a LatticeError code (see the table in rpc/README.md). */
export function jsonRpcCode(code: ErrorCode): number {
  return STANDARD[code] ?? JSONRPC_SERVER_ERROR_BASE - ERROR_CODES[code];
}

export function latticeToRpcError(err: LatticeError): RpcErrorObject {
  return { code: jsonRpcCode(err.code), message: err.message, data: { code: err.code, meta: err.meta } };
}

/** What a client sees when something that is not a LatticeError escapes: no message, no stack. */
export const INTERNAL_RPC_ERROR: RpcErrorObject = Object.freeze({
  code: JSONRPC_INTERNAL_ERROR,
  message: 'internal error',
  data: Object.freeze({ code: 'INTERNAL', meta: Object.freeze({}) }),
}) as RpcErrorObject;

export function toRpcError(e: unknown): RpcErrorObject {
  return e instanceof LatticeError ? latticeToRpcError(e) : INTERNAL_RPC_ERROR;
}

/** HTTP status for an error escaping a plain HTTP route. */
export function httpStatusFor(e: unknown): number {
  if (!(e instanceof LatticeError)) return 500;
  switch (e.code) {
    case 'NOT_FOUND':
      return 404;
    case 'LIMIT_EXCEEDED':
    case 'MEMPOOL_FULL':
    case 'MEMPOOL_SENDER_FULL':
      return 429;
    case 'RPC_UNAVAILABLE':
    case 'FAUCET_DISABLED':
      return 503;
    case 'INTERNAL':
    case 'IO':
    case 'STATE_CORRUPT':
      return 500;
    default:
      return 400;
  }
}
