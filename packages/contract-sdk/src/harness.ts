import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { LatticeApp, parseGenesis } from '@lattice/app';
import {
  buildSignedTx,
  CoinSchema,
  type ExecTxResult,
  MsgExecuteContractSchema,
  MsgInstantiateContractSchema,
  MsgMigrateContractSchema,
  MsgStoreCodeSchema,
  packAny,
} from '@lattice/codec';
import {
  ALG_ML_DSA_44,
  addressFromPublicKey,
  formatAddress,
  InlineVerifier,
  type PrivateKey,
  parseAddress,
  privateKeyFromSeed,
  SIGN_CONTEXT_TX,
  sha256,
} from '@lattice/crypto';
import { AuthenticatedState } from '@lattice/state';
import { Store } from '@lattice/store';
import { errorCodeFromNumber, LatticeError, toHex, utf8 } from '@lattice/utils';

const CHAIN_ID = 'lattice-harness-1';
const GENESIS_TIME = '2026-01-01T00:00:00Z';
const FUNDS = 10n ** 15n;
/** Gas limit of a harness tx unless the call says otherwise (the chain's maximum is 100M). */
const TX_GAS = 10_000_000n;
const QUERY_GAS = 10_000_000n;

export interface HarnessAccount {
  name: string;
  address: string;
  key: PrivateKey;
}

export interface Coin {
  denom: string;
  amount: bigint | string;
}

/** What a successful harness tx gives back. */
export interface TxReceipt {
  height: number;
  gasUsed: bigint;
  events: { type: string; attributes: Record<string, string> }[];
}

/**
 * Runs contracts in-process against the real app (its wasm, bank and auth modules, the vm and
 * an LMDB state in a temporary directory), no node needed. Each call is a signed tx in a block
 * of its own; the block clock moves 1 s per block, or as far as advance() says.
 *
 *   const h = await ContractHarness.create(['alice', 'bob']);
 *   const codeId = h.storeCode('alice', wasm);
 *   const token = h.instantiate('alice', codeId, { name: 'T' });
 *   h.execute('bob', token, { transfer: { … } });            // throws LatticeError on failure
 *   h.query(token, { balance: { address: h.address('bob') } });
 */
export class ContractHarness {
  readonly #dir: string;
  readonly #store: Store;
  readonly #app: LatticeApp;
  readonly #accounts = new Map<string, HarnessAccount & { sequence: bigint; number: bigint }>();
  #height: number;
  #timeMs: bigint;

  private constructor(dir: string, store: Store, app: LatticeApp, height: number, timeMs: bigint) {
    this.#dir = dir;
    this.#store = store;
    this.#app = app;
    this.#height = height;
    this.#timeMs = timeMs;
  }

  /** A fresh chain whose genesis funds each named account with udrt and udgt. */
  static create(names: readonly string[] = ['alice', 'bob', 'carol']): ContractHarness {
    const dir = mkdtempSync(join(tmpdir(), 'lattice-harness-'));
    const store = Store.open({ path: dir, noSync: true });
    const state = new AuthenticatedState({ store });
    const app = new LatticeApp({ chainId: CHAIN_ID }, { state, verifier: new InlineVerifier() });
    const accounts = names.map((name, i) => {
      const key = privateKeyFromSeed(ALG_ML_DSA_44, sha256(utf8(`lattice-harness/${name}`)));
      return { name, key, address: addressFromPublicKey(key.alg, key.publicKey), number: BigInt(i) };
    });
    const validator = privateKeyFromSeed(ALG_ML_DSA_44, sha256(utf8('lattice-harness/validator')));
    const reserve = formatAddress(sha256(utf8('lattice-harness/reserve')));
    const genesis = parseGenesis({
      chain_id: CHAIN_ID,
      genesis_time: GENESIS_TIME,
      initial_height: '1',
      consensus_params: { block: { max_bytes: String(8 * 1024 * 1024), max_gas: '2000000000' } },
      // Never signs anything: the harness executes blocks without consensus.
      validators: [
        {
          name: 'harness',
          pub_key: { algorithm: validator.alg, key: toHex(validator.publicKey) },
          power: '1',
        },
      ],
      app_state: {
        params: { min_gas_price: '0' },
        bank: {
          balances: accounts.map((a) => ({
            address: a.address,
            coins: [
              { denom: 'udgt', amount: FUNDS.toString() },
              { denom: 'udrt', amount: FUNDS.toString() },
            ],
          })),
        },
        drt_reserve: reserve,
      },
    });
    app.initChain(genesis);
    store.transaction(() => app.commit());
    const h = new ContractHarness(dir, store, app, 0, BigInt(Date.parse(GENESIS_TIME)));
    for (const a of accounts) h.#accounts.set(a.name, { ...a, sequence: 0n });
    return h;
  }

  get height(): number {
    return this.#height;
  }

  get timeMs(): bigint {
    return this.#timeMs;
  }

  address(name: string): string {
    return this.#account(name).address;
  }

  #account(name: string) {
    const a = this.#accounts.get(name);
    if (a === undefined) throw new LatticeError('INVALID_ARGUMENT', `no harness account "${name}"`);
    return a;
  }

  /** Moves the chain forward: empty blocks, and the clock by `ms` more. */
  advance(blocks: number, ms = 0n): void {
    for (let i = 0; i < blocks; i++) this.#block([], i === blocks - 1 ? ms : 0n);
  }

  balance(address: string, denom = 'udrt'): bigint {
    return this.#app.balance(parseAddress(address), denom);
  }

  storeCode(sender: string, wasm: Uint8Array, opts: { gas?: bigint } = {}): bigint {
    const r = this.#tx(
      sender,
      MsgStoreCodeSchema,
      { sender: this.address(sender), wasmByteCode: wasm },
      opts.gas ?? 100_000_000n,
    );
    return BigInt(attribute(r, 'store_code', 'code_id'));
  }

  instantiate(
    sender: string,
    codeId: bigint,
    msg: unknown,
    opts: { label?: string; admin?: string; funds?: Coin[]; gas?: bigint } = {},
  ): string {
    const r = this.#tx(
      sender,
      MsgInstantiateContractSchema,
      {
        sender: this.address(sender),
        codeId,
        label: opts.label ?? 'contract',
        admin: opts.admin ?? '',
        msg: utf8(JSON.stringify(msg)),
        funds: coins(opts.funds),
      },
      opts.gas,
    );
    return attribute(r, 'instantiate', '_contract_address');
  }

  /** Executes a contract; `gas` is the tx's gas limit. A failed tx throws its LatticeError (meta.gasUsed). */
  execute(
    sender: string,
    contract: string,
    msg: unknown,
    opts: { funds?: Coin[]; gas?: bigint } = {},
  ): TxReceipt {
    return this.#tx(
      sender,
      MsgExecuteContractSchema,
      { sender: this.address(sender), contract, msg: utf8(JSON.stringify(msg)), funds: coins(opts.funds) },
      opts.gas,
    );
  }

  migrate(sender: string, contract: string, codeId: bigint, msg: unknown): TxReceipt {
    return this.#tx(sender, MsgMigrateContractSchema, {
      sender: this.address(sender),
      contract,
      codeId,
      msg: utf8(JSON.stringify(msg)),
    });
  }

  /** A smart query on the latest state; a contract error throws. */
  query(contract: string, msg: unknown): unknown {
    return this.#app.wasmSmartQuery(parseAddress(contract), utf8(JSON.stringify(msg)), QUERY_GAS).value;
  }

  /** A raw read of a contract's storage. */
  raw(contract: string, key: Uint8Array): Uint8Array | undefined {
    return this.#app.prove(this.#app.wasmStoreKey(parseAddress(contract), key)).value;
  }

  close(): void {
    void this.#store.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #tx<S extends DescMessage>(sender: string, schema: S, value: MessageInitShape<S>, gas = TX_GAS): TxReceipt {
    const a = this.#account(sender);
    const bytes = buildSignedTx(
      {
        chainId: CHAIN_ID,
        messages: [packAny(schema, create(schema, value))],
        fee: { denom: 'udrt', amount: 0n },
        gasLimit: gas,
        sequence: a.sequence,
        accountNumber: a.number,
        ...(a.sequence === 0n ? { publicKey: { algorithm: a.key.alg, key: a.key.publicKey } } : {}),
      },
      (b) => a.key.sign(b, SIGN_CONTEXT_TX),
    ).bytes;
    const result = this.#block([bytes], 0n)[0]!;
    a.sequence++;
    if (result.code !== 0) {
      const code = errorCodeFromNumber(result.code) ?? 'INTERNAL';
      throw new LatticeError(code, result.log, {
        gasUsed: result.gasUsed.toString(),
        gasWanted: result.gasWanted.toString(),
      });
    }
    return {
      height: this.#height,
      gasUsed: result.gasUsed,
      events: result.events.map((e) => ({
        type: e.type,
        attributes: Object.fromEntries(e.attributes.map((x) => [x.key, x.value])),
      })),
    };
  }

  #block(txs: Uint8Array[], extraMs: bigint): ExecTxResult[] {
    this.#height++;
    this.#timeMs += 1_000n + extraMs;
    const r = this.#app.finalizeBlock({ height: this.#height, timeMs: this.#timeMs, txs });
    this.#store.transaction(() => this.#app.commit());
    return r.txResults;
  }
}

function coins(list: Coin[] | undefined) {
  return (list ?? []).map((c) => create(CoinSchema, { denom: c.denom, amount: c.amount.toString() }));
}

function attribute(r: TxReceipt, type: string, key: string): string {
  const v = r.events.find((e) => e.type === type)?.attributes[key];
  if (v === undefined) throw new LatticeError('INTERNAL', `the receipt has no ${type}.${key}`);
  return v;
}
