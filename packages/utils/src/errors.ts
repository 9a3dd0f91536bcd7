/**
 * One error type for the whole code base. `code` is a stable string that clients can switch on;
 * `meta` carries typed details. Errors cross worker and RPC boundaries through `toJSON`/`fromJSON`.
 */
export const ERROR_CODES = {
  // Generic
  INTERNAL: 1,
  INVALID_ARGUMENT: 2,
  NOT_FOUND: 3,
  LIMIT_EXCEEDED: 4,
  ABORTED: 5,
  TIMEOUT: 6,
  IO: 7,
  CONFIG_INVALID: 8,
  PORT_IN_USE: 9,
  // Transactions (checkTx / deliver). Numbers are the receipt codes; 0 means success.
  TX_TOO_LARGE: 101,
  TX_MALFORMED: 102,
  TX_WRONG_CHAIN_ID: 103,
  TX_SEQUENCE_TOO_LOW: 104,
  TX_SEQUENCE_TOO_HIGH: 105,
  TX_BAD_SIGNATURE: 106,
  TX_MISSING_PUBKEY: 107,
  TX_PUBKEY_MISMATCH: 108,
  TX_INSUFFICIENT_FEE: 109,
  TX_INSUFFICIENT_FUNDS: 110,
  TX_GAS_LIMIT_TOO_LOW: 111,
  TX_OUT_OF_GAS: 112,
  TX_UNKNOWN_MESSAGE: 113,
  TX_UNKNOWN_DENOM: 114,
  TX_INVALID_AMOUNT: 115,
  TX_INVALID_ADDRESS: 116,
  TX_UNAUTHORIZED: 117,
  TX_TIMEOUT_HEIGHT: 118,
  TX_ALREADY_KNOWN: 119,
  TX_INVALID_FEE: 120,
  TX_GAS_LIMIT_TOO_HIGH: 121,
  TX_INVALID_MEMO: 122,
  TX_UNKNOWN_ALGORITHM: 123,
  TX_NO_MESSAGES: 124,
  TX_UNKNOWN_ACCOUNT: 125,
  // Mempool
  MEMPOOL_FULL: 201,
  MEMPOOL_SENDER_FULL: 202,
  // Crypto and keys
  CRYPTO_UNKNOWN_ALGORITHM: 301,
  CRYPTO_INVALID_KEY: 302,
  CRYPTO_INVALID_SEED: 303,
  ADDRESS_INVALID: 304,
  MNEMONIC_INVALID: 305,
  KEYSTORE_INVALID: 306,
  KEYSTORE_WRONG_PASSWORD: 307,
  KEY_NOT_FOUND: 308,
  KEY_EXISTS: 309,
  // Codec
  DECODE_FAILED: 401,
  DECODE_TOO_LARGE: 402,
  // Blocks and chain
  BLOCK_INVALID: 501,
  GENESIS_INVALID: 502,
  STATE_CORRUPT: 503,
  WAL_CORRUPT: 504,
  // RPC
  RPC_PARSE_ERROR: 601,
  RPC_INVALID_REQUEST: 602,
  RPC_METHOD_NOT_FOUND: 603,
  RPC_INVALID_PARAMS: 604,
  RPC_BATCH_TOO_LARGE: 605,
  RPC_UNAVAILABLE: 606,
  RPC_TOO_MANY_SUBSCRIPTIONS: 607,
  RPC_CONNECTION_FAILED: 608,
  FAUCET_DISABLED: 609,
  // Consensus
  CONSENSUS_DOUBLE_SIGN: 701,
  VALIDATOR_SET_INVALID: 702,
  EVIDENCE_INVALID: 703,
  // P2P
  P2P_REQUEST_FAILED: 801,
  P2P_PEER_BANNED: 802,
  P2P_STATUS_MISMATCH: 803,
  // WebAssembly contracts
  WASM_INVALID: 901,
  WASM_TRAP: 902,
  WASM_STACK_LIMIT: 903,
  WASM_ABORTED: 904,
  WASM_CALL_DEPTH: 905,
  WASM_HOST_ERROR: 906,
  WASM_NO_ENTRY_POINT: 907,
  WASM_CONTRACT_ERROR: 908,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type ErrorMeta = Record<string, string | number | boolean | null | undefined>;

export interface LatticeErrorJSON {
  code: ErrorCode;
  message: string;
  meta?: ErrorMeta;
}

export class LatticeError extends Error {
  readonly code: ErrorCode;
  readonly meta: ErrorMeta;

  constructor(code: ErrorCode, message: string, meta: ErrorMeta = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LatticeError';
    this.code = code;
    this.meta = meta;
  }

  /** Numeric code as used in transaction receipts and JSON-RPC error objects. */
  get numericCode(): number {
    return ERROR_CODES[this.code];
  }

  toJSON(): LatticeErrorJSON {
    const json: LatticeErrorJSON = { code: this.code, message: this.message };
    if (Object.keys(this.meta).length > 0) json.meta = this.meta;
    return json;
  }

  static fromJSON(json: LatticeErrorJSON): LatticeError {
    const code = isErrorCode(json.code) ? json.code : 'INTERNAL';
    return new LatticeError(code, json.message, json.meta ?? {});
  }
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

const CODE_BY_NUMBER = new Map<number, ErrorCode>(
  (Object.entries(ERROR_CODES) as [ErrorCode, number][]).map(([k, v]) => [v, k]),
);

export function errorCodeFromNumber(n: number): ErrorCode | undefined {
  return CODE_BY_NUMBER.get(n);
}

export function isLatticeError(e: unknown, code?: ErrorCode): e is LatticeError {
  return e instanceof LatticeError && (code === undefined || e.code === code);
}

/** Wraps anything thrown into a LatticeError, keeping an existing one as is. */
export function toLatticeError(e: unknown, fallback: ErrorCode = 'INTERNAL'): LatticeError {
  if (e instanceof LatticeError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new LatticeError(fallback, message, {}, { cause: e });
}
