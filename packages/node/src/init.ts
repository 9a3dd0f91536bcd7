import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DENOM_METADATA, DEFAULT_TIMEOUTS_MS, type GenesisFile } from '@lattice/app';
import {
  ALG_ML_DSA_44,
  ALG_ML_DSA_65,
  addressFromPublicKey,
  generatePrivateKey,
  type PrivateKey,
} from '@lattice/crypto';
import { generatePeerKey, peerIdOfKey } from '@lattice/p2p';
import { BLOCK_BYTES_MAX, BLOCK_GAS_MAX, DEFAULT_MIN_GAS_PRICE, DENOM_DGT, DENOM_DRT } from '@lattice/params';
import { LatticeError, toHex } from '@lattice/utils';
import {
  DEFAULT_P2P_PORT,
  DEFAULT_RPC_PORT,
  defaultConfig,
  homePaths,
  type NodeConfig,
  writeConfig,
} from './config.ts';
import { writeFileAtomic } from './files.ts';
import { writeKeyFile, writeNodeKeyFile } from './keyfile.ts';

/** 1 billion DGT (6 decimals): the whole, fixed DGT supply is created at genesis. */
export const DGT_TOTAL_SUPPLY = 1_000_000_000n * 1_000_000n;
export const DRT_RESERVE_GENESIS_UDRT = 10_000_000_000n * 1_000_000n;
export const FAUCET_GENESIS_UDRT = 1_000_000_000n * 1_000_000n;
export const FAUCET_GENESIS_UDGT = 10_000_000n * 1_000_000n;

export interface GenesisAccount {
  address: string;
  coins: { denom: string; amount: bigint }[];
}

export interface InitOptions {
  home: string;
  chainId: string;
  moniker?: string;
  /** Accounts funded at genesis besides the validator, reserve and faucet. */
  accounts?: GenesisAccount[];
  /** Creates a faucet key and funds it (devnets). */
  faucet?: boolean;
  config?: (c: NodeConfig) => void;
  genesisTime?: Date;
  overwrite?: boolean;
}

export interface InitResult {
  validatorAddress: string;
  faucetAddress: string | undefined;
  reserveAddress: string;
  genesis: GenesisFile;
}

function coinsJson(coins: { denom: string; amount: bigint }[]) {
  return coins.filter((c) => c.amount > 0n).map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

interface GenesisKeys {
  validators: { name: string; key: PrivateKey }[];
  reserve: PrivateKey;
  faucet: PrivateKey | undefined;
}

/**
 * The genesis document: validators (power 10 each), the DRT reserve, optional faucet and
 * accounts. The DGT supply is fixed here: whatever DGT the listed accounts do not take goes to
 * the reserve.
 */
export function buildGenesis(
  opts: { chainId: string; genesisTime?: Date; accounts?: GenesisAccount[] },
  keys: GenesisKeys,
): GenesisFile {
  const balances: GenesisAccount[] = [...(opts.accounts ?? [])];
  if (keys.faucet) {
    balances.push({
      address: addressFromPublicKey(keys.faucet.alg, keys.faucet.publicKey),
      coins: [
        { denom: DENOM_DRT, amount: FAUCET_GENESIS_UDRT },
        { denom: DENOM_DGT, amount: FAUCET_GENESIS_UDGT },
      ],
    });
  }
  let dgtAssigned = 0n;
  for (const b of balances) for (const c of b.coins) if (c.denom === DENOM_DGT) dgtAssigned += c.amount;
  if (dgtAssigned > DGT_TOTAL_SUPPLY) {
    throw new LatticeError(
      'GENESIS_INVALID',
      `genesis accounts hold ${dgtAssigned}udgt, more than the fixed supply`,
    );
  }
  const reserveAddress = addressFromPublicKey(keys.reserve.alg, keys.reserve.publicKey);
  balances.push({
    address: reserveAddress,
    coins: [
      { denom: DENOM_DRT, amount: DRT_RESERVE_GENESIS_UDRT },
      { denom: DENOM_DGT, amount: DGT_TOTAL_SUPPLY - dgtAssigned },
    ],
  });
  return {
    chain_id: opts.chainId,
    genesis_time: (opts.genesisTime ?? new Date()).toISOString(),
    initial_height: '1',
    consensus_params: {
      block: { max_bytes: String(BLOCK_BYTES_MAX), max_gas: BLOCK_GAS_MAX.toString() },
      timeout: Object.fromEntries(Object.entries(DEFAULT_TIMEOUTS_MS).map(([k, v]) => [k, String(v)])),
    },
    validators: keys.validators.map((v) => ({
      name: v.name,
      pub_key: { algorithm: v.key.alg, key: toHex(v.key.publicKey) },
      power: '10',
    })),
    app_state: {
      params: { min_gas_price: DEFAULT_MIN_GAS_PRICE },
      bank: {
        balances: balances.map((b) => ({ address: b.address, coins: coinsJson(b.coins) })),
        denom_metadata: DEFAULT_DENOM_METADATA,
      },
      drt_reserve: reserveAddress,
      ...(keys.faucet ? { faucet: addressFromPublicKey(keys.faucet.alg, keys.faucet.publicKey) } : {}),
    },
  };
}

function refuseExisting(home: string, overwrite: boolean | undefined): void {
  const { genesis } = homePaths(home);
  if (existsSync(genesis) && !overwrite) {
    throw new LatticeError('CONFIG_INVALID', `${genesis} exists already; refusing to overwrite a chain`);
  }
}

/** One node's home: config, consensus key, p2p node key and the shared genesis. */
function writeHome(
  home: string,
  config: NodeConfig,
  validator: PrivateKey,
  nodeKey: Uint8Array,
  genesis: GenesisFile,
): void {
  const paths = homePaths(home);
  mkdirSync(paths.data, { recursive: true });
  writeConfig(paths.config, config);
  writeKeyFile(paths.validatorKey, 'validator', validator);
  writeNodeKeyFile(paths.nodeKey, nodeKey);
  writeFileAtomic(paths.genesis, `${JSON.stringify(genesis, null, 2)}\n`);
}

/** `latticed init`: a single-validator chain in one home. */
export async function initHome(opts: InitOptions): Promise<InitResult> {
  refuseExisting(opts.home, opts.overwrite);
  const config = defaultConfig();
  config.moniker = opts.moniker ?? 'lattice-node';
  config.devnet.faucet = opts.faucet ?? false;
  opts.config?.(config);
  const validator = generatePrivateKey(ALG_ML_DSA_65);
  const reserve = generatePrivateKey(ALG_ML_DSA_44);
  const faucet = opts.faucet ? generatePrivateKey(ALG_ML_DSA_44) : undefined;
  const genesis = buildGenesis(opts, {
    validators: [{ name: config.moniker, key: validator }],
    reserve,
    faucet,
  });
  writeHome(opts.home, config, validator, await generatePeerKey(), genesis);
  writeKeyFile(`${opts.home}/config/reserve_key.json`, 'drt-reserve', reserve);
  if (faucet) writeKeyFile(homePaths(opts.home).faucetKey, 'faucet', faucet);
  return {
    validatorAddress: addressFromPublicKey(validator.alg, validator.publicKey),
    faucetAddress: faucet ? addressFromPublicKey(faucet.alg, faucet.publicKey) : undefined,
    reserveAddress: genesis.app_state.drt_reserve,
    genesis,
  };
}

export interface TestnetOptions {
  output: string;
  chainId: string;
  validators: number;
  /** RPC of node i listens on rpcBasePort + i, p2p on p2pBasePort + i (127.0.0.1). */
  rpcBasePort?: number;
  p2pBasePort?: number;
  accounts?: GenesisAccount[];
  faucet?: boolean;
  overwrite?: boolean;
  /** Target block interval, written into genesis (consensus timeout commit_ms); default 1 s. */
  blockTimeMs?: number;
  /** Adjusts node i's config after the testnet defaults are set. */
  config?: (c: NodeConfig, index: number) => void;
}

export const TESTNET_VALIDATORS_MAX = 64;

/**
 * `latticed testnet`: N validator homes (<output>/node0 …) sharing one genesis, each with its own
 * consensus key and p2p node key, every node listing the others as persistent peers. node0 also
 * holds the faucet and reserve keys.
 */
export async function initTestnet(
  opts: TestnetOptions,
): Promise<{ homes: string[]; peers: string[]; genesis: GenesisFile }> {
  if (!Number.isInteger(opts.validators) || opts.validators < 1 || opts.validators > TESTNET_VALIDATORS_MAX) {
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `--validators must be an integer from 1 to ${TESTNET_VALIDATORS_MAX}`,
    );
  }
  const homes = Array.from({ length: opts.validators }, (_, i) => join(opts.output, `node${i}`));
  for (const home of homes) refuseExisting(home, opts.overwrite);
  const rpcBase = opts.rpcBasePort ?? DEFAULT_RPC_PORT;
  const p2pBase = opts.p2pBasePort ?? DEFAULT_P2P_PORT;
  const validators = homes.map((_, i) => ({ name: `node${i}`, key: generatePrivateKey(ALG_ML_DSA_65) }));
  const nodeKeys = await Promise.all(homes.map(() => generatePeerKey()));
  const peers = nodeKeys.map((k, i) => `/ip4/127.0.0.1/tcp/${p2pBase + i}/p2p/${peerIdOfKey(k)}`);
  const reserve = generatePrivateKey(ALG_ML_DSA_44);
  const faucet = opts.faucet ? generatePrivateKey(ALG_ML_DSA_44) : undefined;
  const genesis = buildGenesis(opts, { validators, reserve, faucet });
  if (opts.blockTimeMs !== undefined) {
    genesis.consensus_params.timeout = {
      ...genesis.consensus_params.timeout,
      commit_ms: String(opts.blockTimeMs),
    };
  }
  homes.forEach((home, i) => {
    const config = defaultConfig();
    config.moniker = `node${i}`;
    config.rpc.port = rpcBase + i;
    config.p2p.listen = `/ip4/127.0.0.1/tcp/${p2pBase + i}`;
    config.p2p.persistentPeers = peers.filter((_, j) => j !== i);
    config.devnet.faucet = i === 0 && faucet !== undefined;
    // A lone validator with no peers produces blocks on its own timer.
    if (opts.blockTimeMs !== undefined) config.block.timeMs = opts.blockTimeMs;
    opts.config?.(config, i);
    writeHome(home, config, validators[i]!.key, nodeKeys[i]!, genesis);
  });
  writeKeyFile(join(homes[0]!, 'config', 'reserve_key.json'), 'drt-reserve', reserve);
  if (faucet) writeKeyFile(homePaths(homes[0]!).faucetKey, 'faucet', faucet);
  return { homes, peers, genesis };
}
