import { create } from '@bufbuild/protobuf';
import { DenomUnitSchema, type Metadata, MetadataSchema } from '@lattice/codec';
import type { ConsensusTimeouts } from '@lattice/consensus';
import { formatAddress, getScheme, parseAddress } from '@lattice/crypto';
import {
  BLOCK_BYTES_MAX,
  BLOCK_GAS_MAX,
  CHAIN_ID_MAX_BYTES,
  DEFAULT_MIN_GAS_PRICE,
  DENOM_DGT,
  DENOM_DRT,
  DENOM_EXPONENT,
  GAS_PRICE_DECIMALS,
} from '@lattice/params';
import { fromHex, isLatticeError, LatticeError, parseAmount, parseDecimal } from '@lattice/utils';
import { type Coin, parseCoins } from './amount.ts';

/** genesis.json as written on disk: JSON-friendly (strings for big numbers, hex for bytes). */
export interface GenesisFile {
  chain_id: string;
  genesis_time: string;
  initial_height: string;
  consensus_params: {
    block: { max_bytes: string; max_gas: string };
    /** BFT round timeouts (milliseconds; each grows by its delta per round). Defaults below. */
    timeout?: Partial<Record<keyof typeof DEFAULT_TIMEOUTS_MS, string>>;
  };
  validators: { name: string; pub_key: { algorithm: number; key: string }; power: string }[];
  app_state: {
    params: { min_gas_price: string };
    bank: {
      balances: { address: string; coins: { denom: string; amount: string }[] }[];
      denom_metadata?: GenesisDenomMetadata[];
    };
    drt_reserve: string;
    faucet?: string;
    /** Who may store contract code: "everybody" (default), "governance" or "allowlist". */
    wasm?: { upload_access?: string; allowlist?: string[] };
  };
}

export interface GenesisDenomMetadata {
  base: string;
  display: string;
  name: string;
  symbol: string;
  description: string;
  exponent: number;
}

/** CometBFT's defaults: the commit timeout paces blocks (≈ 1 s between heights). */
export const DEFAULT_TIMEOUTS_MS = {
  propose_ms: 3_000,
  propose_delta_ms: 500,
  prevote_ms: 1_000,
  prevote_delta_ms: 500,
  precommit_ms: 1_000,
  precommit_delta_ms: 500,
  commit_ms: 1_000,
} as const;

const TIMEOUT_MS_MAX = 600_000;

function parseTimeouts(
  doc: Partial<Record<keyof typeof DEFAULT_TIMEOUTS_MS, string>> | undefined,
): ConsensusTimeouts {
  const get = (name: keyof typeof DEFAULT_TIMEOUTS_MS): number => {
    const raw = doc?.[name];
    if (raw === undefined) return DEFAULT_TIMEOUTS_MS[name];
    const v = Number(field(`timeout.${name}`, () => parseAmount(String(raw))));
    if (v > TIMEOUT_MS_MAX) fail(`timeout.${name} must be at most ${TIMEOUT_MS_MAX} ms`);
    if (v === 0 && !name.endsWith('delta_ms')) fail(`timeout.${name} must be positive`);
    return v;
  };
  return {
    proposeMs: get('propose_ms'),
    proposeDeltaMs: get('propose_delta_ms'),
    prevoteMs: get('prevote_ms'),
    prevoteDeltaMs: get('prevote_delta_ms'),
    precommitMs: get('precommit_ms'),
    precommitDeltaMs: get('precommit_delta_ms'),
    commitMs: get('commit_ms'),
  };
}

export interface GenesisValidator {
  name: string;
  alg: number;
  publicKey: Uint8Array;
  power: bigint;
}

/** The validated genesis, with every number parsed and every address decoded. */
export interface Genesis {
  chainId: string;
  genesisTimeMs: bigint;
  initialHeight: number;
  maxBlockBytes: number;
  maxBlockGas: bigint;
  /** Chain parameters, not node config: every validator must agree on them. */
  timeouts: ConsensusTimeouts;
  validators: GenesisValidator[];
  minGasPrice: bigint;
  balances: { address: Uint8Array; coins: Coin[] }[];
  denomMetadata: Metadata[];
  drtReserve: Uint8Array;
  faucet: Uint8Array | undefined;
  wasmUploadAccess: WasmUploadAccess;
  /** Canonical addresses allowed to store code when access is "allowlist". */
  wasmAllowlist: string[];
}

export type WasmUploadAccess = 'everybody' | 'governance' | 'allowlist';
const UPLOAD_ACCESS: readonly WasmUploadAccess[] = ['everybody', 'governance', 'allowlist'];

export const DEFAULT_DENOM_METADATA: GenesisDenomMetadata[] = [
  {
    base: DENOM_DGT,
    display: 'dgt',
    name: 'Lattice Governance Token',
    symbol: 'DGT',
    description: 'Fixed-supply token for staking and governance',
    exponent: DENOM_EXPONENT,
  },
  {
    base: DENOM_DRT,
    display: 'drt',
    name: 'Lattice Reward Token',
    symbol: 'DRT',
    description: 'Token for transaction fees and rewards',
    exponent: DENOM_EXPONENT,
  },
];

function fail(message: string): never {
  throw new LatticeError('GENESIS_INVALID', `genesis: ${message}`);
}

function field<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isLatticeError(e)) fail(`${what}: ${e.message}`);
    throw e;
  }
}

function toMetadata(m: GenesisDenomMetadata): Metadata {
  return create(MetadataSchema, {
    base: m.base,
    display: m.display,
    name: m.name,
    symbol: m.symbol,
    description: m.description,
    denomUnits: [
      create(DenomUnitSchema, { denom: m.base, exponent: 0, aliases: [] }),
      create(DenomUnitSchema, { denom: m.display, exponent: m.exponent, aliases: [] }),
    ],
  });
}

export function parseGenesis(doc: unknown): Genesis {
  if (typeof doc !== 'object' || doc === null) fail('not a JSON object');
  const g = doc as GenesisFile;
  if (typeof g.chain_id !== 'string' || !/^[a-zA-Z0-9._-]{1,64}$/.test(g.chain_id)) {
    fail(`chain_id must be 1-${CHAIN_ID_MAX_BYTES} characters of [a-zA-Z0-9._-]`);
  }
  const timeMs = Date.parse(g.genesis_time);
  if (!Number.isFinite(timeMs)) fail('genesis_time is not an RFC 3339 time');
  const initialHeight = Number(field('initial_height', () => parseAmount(String(g.initial_height ?? '1'))));
  if (!Number.isSafeInteger(initialHeight) || initialHeight < 1) fail('initial_height must be ≥ 1');
  const maxBlockBytes = Number(
    field('max_bytes', () => parseAmount(g.consensus_params?.block?.max_bytes ?? '')),
  );
  if (maxBlockBytes < 1024 || maxBlockBytes > BLOCK_BYTES_MAX)
    fail(`block.max_bytes must be in [1024, ${BLOCK_BYTES_MAX}]`);
  const maxBlockGas = field('max_gas', () => parseAmount(g.consensus_params.block.max_gas));
  if (maxBlockGas < 1n || maxBlockGas > BLOCK_GAS_MAX) fail(`block.max_gas must be in [1, ${BLOCK_GAS_MAX}]`);
  if (!Array.isArray(g.validators) || g.validators.length === 0) fail('at least one validator is required');
  const validators = g.validators.map((v, i) =>
    field(`validators[${i}]`, () => {
      const scheme = getScheme(v.pub_key.algorithm);
      const publicKey = fromHex(v.pub_key.key, 'validator public key');
      if (publicKey.length !== scheme.publicKeyBytes)
        fail(`validators[${i}] public key has the wrong length`);
      const power = parseAmount(v.power, 'power');
      if (power < 1n) fail(`validators[${i}] power must be positive`);
      return { name: String(v.name ?? ''), alg: scheme.id, publicKey, power };
    }),
  );
  const app = g.app_state;
  if (typeof app !== 'object' || app === null) fail('app_state is missing');
  const minGasPrice = field('params.min_gas_price', () =>
    parseDecimal(app.params?.min_gas_price ?? DEFAULT_MIN_GAS_PRICE, GAS_PRICE_DECIMALS, 'min_gas_price'),
  );
  const metaDocs = app.bank?.denom_metadata ?? DEFAULT_DENOM_METADATA;
  const denomMetadata = metaDocs.map(toMetadata);
  const known = new Set(denomMetadata.map((m) => m.base));
  if (!known.has(DENOM_DGT) || !known.has(DENOM_DRT))
    fail(`denom metadata must include ${DENOM_DGT} and ${DENOM_DRT}`);
  const seen = new Set<string>();
  const balances = (app.bank?.balances ?? []).map((b, i) =>
    field(`bank.balances[${i}]`, () => {
      if (seen.has(b.address)) fail(`bank.balances lists ${b.address} twice`);
      seen.add(b.address);
      const coins = parseCoins(b.coins, 'coins');
      for (const c of coins)
        if (!known.has(c.denom)) fail(`bank.balances[${i}] uses unknown denom ${c.denom}`);
      return { address: parseAddress(b.address), coins };
    }),
  );
  const drtReserve = field('drt_reserve', () => parseAddress(app.drt_reserve));
  const faucet = app.faucet ? field('faucet', () => parseAddress(app.faucet!)) : undefined;
  const wasmUploadAccess = (app.wasm?.upload_access ?? 'everybody') as WasmUploadAccess;
  if (!UPLOAD_ACCESS.includes(wasmUploadAccess))
    fail(`wasm.upload_access must be one of ${UPLOAD_ACCESS.join(', ')}`);
  const wasmAllowlist = (app.wasm?.allowlist ?? []).map((a, i) =>
    field(`wasm.allowlist[${i}]`, () => formatAddress(parseAddress(a))),
  );
  return {
    chainId: g.chain_id,
    genesisTimeMs: BigInt(timeMs),
    initialHeight,
    maxBlockBytes,
    maxBlockGas,
    timeouts: parseTimeouts(g.consensus_params.timeout),
    validators,
    minGasPrice,
    balances,
    denomMetadata,
    drtReserve,
    faucet,
    wasmUploadAccess,
    wasmAllowlist,
  };
}
