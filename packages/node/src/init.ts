import { existsSync, mkdirSync } from 'node:fs';
import { DEFAULT_DENOM_METADATA, type GenesisFile } from '@lattice/app';
import {
  ALG_ML_DSA_44,
  ALG_ML_DSA_65,
  addressFromPublicKey,
  generatePrivateKey,
  type PrivateKey,
} from '@lattice/crypto';
import { BLOCK_BYTES_MAX, BLOCK_GAS_MAX, DEFAULT_MIN_GAS_PRICE, DENOM_DGT, DENOM_DRT } from '@lattice/params';
import { LatticeError, toHex } from '@lattice/utils';
import { defaultConfig, homePaths, type NodeConfig, writeConfig } from './config.ts';
import { writeFileAtomic } from './files.ts';
import { writeKeyFile } from './keyfile.ts';

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

/**
 * `latticed init`: writes config.toml, the validator's ML-DSA-65 consensus key, a genesis with
 * that validator, the DRT reserve, optional faucet and accounts. The DGT supply is fixed here:
 * whatever DGT the listed accounts do not take goes to the reserve.
 */
export function initHome(opts: InitOptions): InitResult {
  const paths = homePaths(opts.home);
  if (existsSync(paths.genesis) && !opts.overwrite) {
    throw new LatticeError(
      'CONFIG_INVALID',
      `${paths.genesis} exists already; refusing to overwrite a chain`,
    );
  }
  mkdirSync(paths.data, { recursive: true });
  const config = defaultConfig();
  config.moniker = opts.moniker ?? 'lattice-node';
  config.devnet.faucet = opts.faucet ?? false;
  opts.config?.(config);
  writeConfig(paths.config, config);

  const validator = generatePrivateKey(ALG_ML_DSA_65);
  writeKeyFile(paths.validatorKey, 'validator', validator);
  const reserve = generatePrivateKey(ALG_ML_DSA_44);
  writeKeyFile(`${opts.home}/config/reserve_key.json`, 'drt-reserve', reserve);
  let faucet: PrivateKey | undefined;
  if (opts.faucet) {
    faucet = generatePrivateKey(ALG_ML_DSA_44);
    writeKeyFile(paths.faucetKey, 'faucet', faucet);
  }

  const balances: GenesisAccount[] = [...(opts.accounts ?? [])];
  if (faucet) {
    balances.push({
      address: addressFromPublicKey(faucet.alg, faucet.publicKey),
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
  const reserveAddress = addressFromPublicKey(reserve.alg, reserve.publicKey);
  balances.push({
    address: reserveAddress,
    coins: [
      { denom: DENOM_DRT, amount: DRT_RESERVE_GENESIS_UDRT },
      { denom: DENOM_DGT, amount: DGT_TOTAL_SUPPLY - dgtAssigned },
    ],
  });

  const genesis: GenesisFile = {
    chain_id: opts.chainId,
    genesis_time: (opts.genesisTime ?? new Date()).toISOString(),
    initial_height: '1',
    consensus_params: {
      block: { max_bytes: String(BLOCK_BYTES_MAX), max_gas: BLOCK_GAS_MAX.toString() },
    },
    validators: [
      {
        name: config.moniker,
        pub_key: { algorithm: validator.alg, key: toHex(validator.publicKey) },
        power: '10',
      },
    ],
    app_state: {
      params: { min_gas_price: DEFAULT_MIN_GAS_PRICE },
      bank: {
        balances: balances.map((b) => ({ address: b.address, coins: coinsJson(b.coins) })),
        denom_metadata: DEFAULT_DENOM_METADATA,
      },
      drt_reserve: reserveAddress,
      ...(faucet ? { faucet: addressFromPublicKey(faucet.alg, faucet.publicKey) } : {}),
    },
  };
  writeFileAtomic(paths.genesis, `${JSON.stringify(genesis, null, 2)}\n`);
  return {
    validatorAddress: addressFromPublicKey(validator.alg, validator.publicKey),
    faucetAddress: faucet ? addressFromPublicKey(faucet.alg, faucet.publicKey) : undefined,
    reserveAddress,
    genesis,
  };
}
