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
/** CometBFT's default: room for a contract upload (WASM_CODE_BYTES_MAX) with its envelope. */
export const TX_BYTES_MAX = 1024 * 1024;
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
/** A proposed block gossips in parts of this size (the last one shorter), each with a Merkle proof. */
export const BLOCK_PART_BYTES = 64 * 1024;
export const BLOCK_PARTS_MAX = Math.ceil(BLOCK_BYTES_MAX / BLOCK_PART_BYTES);
/**
 * Evidence of misbehaviour older than this many blocks is refused (in blocks and in gossip): a
 * validator that left long ago cannot be punished with evidence dug up later.
 */
export const EVIDENCE_MAX_AGE_BLOCKS = 10_000;
/** Verified evidence waiting to go into a block. */
export const EVIDENCE_POOL_MAX = 1_000;
/** Largest validator set; a commit carries one signature slot per validator. */
export const VALIDATORS_MAX = 10_000;

// Mempool
export const MEMPOOL_TXS_MAX = 100_000;
export const MEMPOOL_BYTES_MAX = 512 * 1024 * 1024;
export const MEMPOOL_TXS_PER_SENDER_MAX = 10_000;
export const MEMPOOL_CACHE_SIZE = 200_000;
/**
 * A check state kept across blocks (no recheck needed) accumulates the keys of every tx it saw;
 * past this many it is rebuilt by a full recheck, so it never outgrows what the mempool needs.
 */
export const CHECK_STATE_CARRY_CHANGES_MAX = 50_000;

// Signature verification
export const VERIFY_BATCH_MAX = 256;
export const VERIFY_QUEUE_MAX = 100_000;
export const VERIFIED_SIG_CACHE_SIZE = 200_000;
/** Imported public keys kept per thread; an ML-DSA key object holds several KiB of expanded matrix. */
export const VERIFY_KEY_CACHE_SIZE = 4_096;
/** Parsed bech32m addresses of tx messages: busy accounts send and receive again and again. */
export const ADDRESS_PARSE_CACHE_SIZE = 16_384;

// State
export const STATE_KEY_MAX_BYTES = 1024;
export const STATE_VALUE_MAX_BYTES = 1024 * 1024;
export const STATE_NODE_CACHE_SIZE = 500_000;
/** Latest committed values kept in memory (count); at most entries × value limit bytes. */
export const STATE_VALUE_CACHE_SIZE = 32_768;
/** Larger values (contract code, big blobs) are always read from LMDB. ML-DSA-87 keys fit. */
export const STATE_VALUE_CACHE_VALUE_MAX_BYTES = 4_096;

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
/** A record holds at most a proposal with a whole block (up to BLOCK_BYTES_MAX) and its framing. */
export const WAL_RECORD_BYTES_MAX = BLOCK_BYTES_MAX + 1024 * 1024;
export const WAL_FILE_BYTES_MAX = 256 * 1024 * 1024;

// P2P (libp2p host). Node-local policy, not consensus.
/**
 * Largest gossipsub RPC frame. Fixed by gossipsub's outbound encoder (it-length-prefixed's 4 MiB
 * default, not configurable there): a larger RPC is dropped on the sending side without an error.
 */
export const P2P_GOSSIP_FRAME_BYTES_MAX = 4 * 1024 * 1024;
/** Room in a frame for everything besides one payload (topic, nonce, piggybacked control). */
export const P2P_GOSSIP_RPC_OVERHEAD_BYTES = 64 * 1024;
/** Largest gossip message payload; checked on the frame length before the payload is decoded. */
export const P2P_MESSAGE_BYTES_MAX = P2P_GOSSIP_FRAME_BYTES_MAX - P2P_GOSSIP_RPC_OVERHEAD_BYTES;
/** Default request/response body limits; a block-sync response carries a whole block and commit. */
export const P2P_REQUEST_BYTES_MAX = 1024 * 1024;
export const P2P_RESPONSE_BYTES_MAX = 40 * 1024 * 1024;
export const P2P_REQUEST_TIMEOUT_MS = 10_000;
/** Inbound side: reading the request plus running the handler. */
export const P2P_HANDLER_TIMEOUT_MS = 10_000;
export const P2P_STATUS_TIMEOUT_MS = 5_000;
export const P2P_DIAL_TIMEOUT_MS = 5_000;
/** Concurrent inbound requests over all peers; beyond this new streams are reset. */
export const P2P_INBOUND_REQUESTS_MAX = 64;
export const P2P_STREAMS_PER_PROTOCOL_MAX = 32;
export const P2P_GOSSIP_CONCURRENCY_MAX = 16;
/**
 * A topic's relay delay stays well inside gossipsub's message cache window (a few heartbeats),
 * after which a message can no longer be relayed at all.
 */
export const P2P_RELAY_DELAY_MAX_MS = 1_000;
/** Messages waiting out a relay delay; beyond this they are relayed at once. */
export const P2P_RELAY_QUEUE_MAX = 10_000;
export const P2P_PEERS_MAX = 50;
/** Peer exchange asks for more peers while a node has fewer than this many (0 turns it off). */
export const P2P_PEX_TARGET_PEERS = 10;
/** Peers (with their addresses) in one peer-exchange answer. */
export const P2P_PEX_PEERS_MAX = 32;
export const P2P_PEX_RESPONSE_BYTES_MAX = 64 * 1024;
export const P2P_PEX_INTERVAL_MS = 30_000;
/** Token buckets per peer: sustained rate per second and burst. */
export const P2P_REQUESTS_PER_S = 50;
export const P2P_REQUESTS_BURST = 100;
export const P2P_GOSSIP_PER_S = 2_000;
export const P2P_GOSSIP_BURST = 4_000;
/** Application peer score: starts at 0, penalties subtract, at or below the threshold the peer is banned. */
export const P2P_SCORE_BAN_THRESHOLD = -100;
export const P2P_PENALTY_DEFAULT_POINTS = 10;
export const P2P_PENALTY_INVALID_POINTS = 20;
export const P2P_PENALTY_OVERSIZED_POINTS = 50;
export const P2P_PENALTY_RATE_LIMITED_POINTS = 1;
export const P2P_BAN_DURATION_MS = 10 * 60_000;
export const P2P_BAN_LIST_MAX = 1_024;
/** Scores are kept for peers seen recently, not only connected ones, so reconnecting does not reset them. */
export const P2P_SCORE_TABLE_MAX = 4_096;
export const P2P_PEER_CACHE_MAX = 256;
export const P2P_PEER_CACHE_ADDRS_PER_PEER_MAX = 8;
export const P2P_PEER_CACHE_FILE_BYTES_MAX = 1024 * 1024;
export const P2P_PERSISTENT_REDIAL_INTERVAL_MS = 5_000;

// Consensus
/** Distinct block ids counted per validator in one vote set; more conflicting votes are evidence only. */
export const CONSENSUS_CONFLICTING_VOTES_MAX = 4;
/** CometBFT's bound: total voting power stays below int64 max / 8 so priorities never overflow. */
export const VALIDATOR_TOTAL_POWER_MAX = ((1n << 63n) - 1n) / 8n;
/** Proposer priorities are rescaled when their spread exceeds this factor times the total power. */
export const PROPOSER_PRIORITY_WINDOW_FACTOR = 2n;
/** Proposals and votes for the next height held until that height starts; the rest are dropped. */
export const CONSENSUS_NEXT_HEIGHT_BUFFER_MAX = 4_096;
/** Rounds ahead of the current one whose votes and proposals are stored in full. */
export const CONSENSUS_FUTURE_ROUNDS_MAX = 4;
/** Past rounds kept per height, besides the locked and valid rounds (older ones are pruned). */
export const CONSENSUS_PAST_ROUNDS_KEPT = 16;

// WebAssembly contracts (the vm). Changing any of these that shape instrumented code (costs,
// frame costs, stack limit) is a protocol change: see WASM_INSTRUMENTER_VERSION.
/** Largest module accepted at upload (CosmWasm's limit). */
export const WASM_CODE_BYTES_MAX = 800 * 1024;
export const WASM_TYPES_MAX = 1_024;
export const WASM_FUNCTIONS_MAX = 10_000;
export const WASM_FUNCTION_PARAMS_MAX = 32;
/** Declared locals per function, parameters excluded: a native frame grows by ~8 bytes per local. */
export const WASM_FUNCTION_LOCALS_MAX = 1_024;
export const WASM_FUNCTION_BODY_BYTES_MAX = 128 * 1024;
export const WASM_GLOBALS_MAX = 256;
export const WASM_IMPORTS_MAX = 64;
export const WASM_EXPORTS_MAX = 256;
export const WASM_TABLE_ELEMENTS_MAX = 4_096;
export const WASM_DATA_SEGMENTS_MAX = 1_024;
export const WASM_ELEMENT_SEGMENTS_MAX = 256;
/** Nesting of blocks, loops and ifs inside one function body. */
export const WASM_BLOCK_DEPTH_MAX = 256;
/**
 * Nesting of a function body once read as an expression tree (blocks, and operands inside
 * their operators): binaryen recurses over it on the native stack, and fails near 2,000 levels.
 */
export const WASM_NESTING_DEPTH_MAX = 512;
/** br_table targets per instruction. */
export const WASM_BR_TABLE_TARGETS_MAX = 4_096;
export const WASM_NAME_BYTES_MAX = 256;
/** 64 KiB pages a module may declare initially, and that memory.grow can reach (16 MiB). */
export const WASM_MEMORY_INITIAL_PAGES_MAX = 32;
export const WASM_MEMORY_PAGES_MAX = 256;
/**
 * The deterministic stack limit, in frame-cost units (one per parameter, local and operand-stack
 * slot, plus a fixed cost per frame; a slot takes ~8 bytes of native stack in V8's baseline
 * tier). 32,768 units stay near 256 KiB of native stack, so even several nested contract calls
 * end far below V8's ~1 MiB stack: a native overflow never decides a result.
 */
export const WASM_STACK_UNITS_MAX = 32_768;
export const WASM_FRAME_BASE_UNITS = 8;
/** Gas charged per 64 KiB page that memory.grow adds. */
export const WASM_GAS_PER_PAGE = 100_000n;
/** Bumped whenever the instrumenter's output changes: instrumented code is stored under it. */
export const WASM_INSTRUMENTER_VERSION = 1;
export const WASM_COST_TABLE_VERSION = 1;
/**
 * Wasm gas units per app gas. An instruction costs ~1 unit and V8 runs about one instrumented
 * instruction per nanosecond here, while app gas prices a transfer (~60,000 gas for ~300 µs of
 * work) at ~5 ns per unit: four units per app gas keeps contract CPU priced like the rest.
 * Host functions charge their app gas × this.
 */
export const WASM_GAS_MULTIPLIER = 4n;
/** App gas of every host call, before its per-byte costs. */
export const WASM_HOST_CALL_GAS = 100n;
/** App gas per byte a host function copies in or out of contract memory. */
export const WASM_HOST_BYTE_GAS = 1n;
export const WASM_SHA256_GAS = 300n;
export const WASM_ADDRESS_GAS = 400n;
/** Bytes of a storage key, a stored value, a message or a result crossing the contract boundary. */
export const WASM_STORAGE_KEY_BYTES_MAX = 4 * 1024;
export const WASM_STORAGE_VALUE_BYTES_MAX = 128 * 1024;
export const WASM_MESSAGE_BYTES_MAX = 256 * 1024;
/** Open storage iterators per contract call. */
export const WASM_ITERATORS_MAX = 32;
/** Queries into other contracts, nested (a query that queries …). */
export const WASM_QUERY_DEPTH_MAX = 4;
/** Contract calls nested through sub-messages, including a contract calling itself. */
export const WASM_CALL_DEPTH_MAX = 8;
/** Debug messages a simulation keeps per call. */
export const WASM_DEBUG_MESSAGES_MAX = 64;
