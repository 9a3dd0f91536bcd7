// Every limit and protocol constant of Lattice lives here, named with its unit last.
// Nothing in this package imports anything: it is the bottom layer.

export const CHAIN_ID_MAX_BYTES = 64;
export const BECH32_ACCOUNT_PREFIX = 'lat';
export const BECH32_VALOPER_PREFIX = 'latvaloper';
export const ADDRESS_BYTES = 32;

/** Base denominations: 6 decimals each. DGT is governance/staking, DRT pays fees and rewards. */
export const DENOM_DGT = 'udgt';
export const DENOM_DRT = 'udrt';
export const DENOM_EXPONENT = 6;
export const DENOM_MAX_BYTES = 64;
/** Amounts are unsigned 256-bit integers; anything larger is rejected as an overflow. */
export const AMOUNT_MAX = (1n << 256n) - 1n;
export const AMOUNT_MAX_DIGITS = 78;

// Transactions
export const TX_BYTES_MAX = 64 * 1024;
export const TX_MESSAGES_MAX = 64;
export const TX_MEMO_MAX_BYTES = 256;
export const TX_SIGNATURES_MAX = 1;
export const MULTISEND_IO_MAX = 64;
export const COINS_PER_MESSAGE_MAX = 16;
export const TX_GAS_LIMIT_MAX = 100_000_000n;

// Gas schedule (deterministic, charged by the app's gas meter)
export const GAS_TX_BASE = 10_000n;
export const GAS_PER_TX_BYTE = 10n;
export const GAS_READ_FLAT = 1_000n;
export const GAS_READ_PER_BYTE = 3n;
export const GAS_WRITE_FLAT = 2_000n;
export const GAS_WRITE_PER_BYTE = 30n;
export const GAS_DELETE_FLAT = 1_000n;
/** Signature verification cost per algorithm id; ML-DSA is cheap to verify, SLH-DSA is not. */
export const GAS_SIG_VERIFY: Readonly<Record<number, bigint>> = {
  1: 20_000n,
  2: 30_000n,
  3: 45_000n,
  4: 120_000n,
};
/** Minimum gas price is a decimal with this many fractional digits, carried as a scaled bigint. */
export const GAS_PRICE_DECIMALS = 18;
export const DEFAULT_MIN_GAS_PRICE = '0.01';
export const SIMULATE_GAS_ADJUSTMENT_PERCENT = 130n;

// Blocks
export const BLOCK_BYTES_MAX = 32 * 1024 * 1024;
export const BLOCK_GAS_MAX = 2_000_000_000n;
export const BLOCK_TXS_MAX = 20_000;
export const BLOCK_TIME_DEFAULT_MS = 1_000;
export const HEADER_BYTES_MAX = 4 * 1024;
export const COMMIT_BYTES_MAX = 1024 * 1024;
export const EVENTS_PER_TX_MAX = 256;
export const BLOCK_EVIDENCE_MAX = 1_000;
/** Largest validator set; a commit carries one signature slot per validator. */
export const VALIDATORS_MAX = 10_000;

// Mempool
export const MEMPOOL_TXS_MAX = 100_000;
export const MEMPOOL_BYTES_MAX = 512 * 1024 * 1024;
export const MEMPOOL_TXS_PER_SENDER_MAX = 10_000;
export const MEMPOOL_CACHE_SIZE = 200_000;

// Signature verification
export const VERIFY_BATCH_MAX = 256;
export const VERIFY_QUEUE_MAX = 100_000;
export const VERIFIED_SIG_CACHE_SIZE = 200_000;
/** Imported public keys kept per thread; an ML-DSA key object holds several KiB of expanded matrix. */
export const VERIFY_KEY_CACHE_SIZE = 4_096;

// State
export const STATE_KEY_MAX_BYTES = 1024;
export const STATE_VALUE_MAX_BYTES = 1024 * 1024;
export const STATE_NODE_CACHE_SIZE = 500_000;

// RPC
export const RPC_BODY_BYTES_MAX = 64 * 1024 * 1024;
export const RPC_BATCH_MAX = 2_000;
export const RPC_WS_CONNECTIONS_MAX = 256;
export const RPC_WS_SUBSCRIPTIONS_PER_CONN_MAX = 32;
export const RPC_WS_SEND_BUFFER_BYTES_MAX = 64 * 1024 * 1024;
export const RPC_WAIT_TX_TIMEOUT_MS = 30_000;
/** Keepalive: a WebSocket that has not answered the previous ping by the next one is dropped. */
export const RPC_WS_PING_INTERVAL_MS = 30_000;
/** Messages read from one WebSocket but not yet handled; beyond this the socket stops being read. */
export const RPC_WS_QUEUED_MESSAGES_MAX = 64;
/** Bound on closing handshakes and on in-flight HTTP requests when the RPC server shuts down. */
export const RPC_CLOSE_TIMEOUT_MS = 2_000;
export const FAUCET_AMOUNT_UDRT = 1_000_000_000n;
export const FAUCET_AMOUNT_UDGT = 10_000_000n;

// Keys
export const MNEMONIC_WORDS = 24;
export const KEY_SEED_BYTES = 32;
export const KEYSTORE_SCRYPT_N = 1 << 17;
export const KEYSTORE_SCRYPT_R = 8;
export const KEYSTORE_SCRYPT_P = 1;
/** Upper bound on scrypt memory when opening a key file, so a crafted file cannot exhaust RAM. */
export const KEYSTORE_SCRYPT_MAXMEM_BYTES = 256 * 1024 * 1024;

// Query
export const QUERY_PATH_MAX_BYTES = 256;

// Consensus write-ahead log
export const WAL_RECORD_BYTES_MAX = 8 * 1024 * 1024;
export const WAL_FILE_BYTES_MAX = 256 * 1024 * 1024;
