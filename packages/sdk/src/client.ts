import { create } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import { buildSignedTx, MsgSendSchema, packAny } from '@lattice/codec';
import {
  DENOM_DRT,
  GAS_PRICE_DECIMALS,
  SIMULATE_GAS_ADJUSTMENT_PERCENT,
  TX_GAS_LIMIT_MAX,
} from '@lattice/params';
import { ceilDiv, LatticeError, parseDecimal, to0x } from '@lattice/utils';
import { type Coin, coinMessages } from './coins.ts';
import { JsonRpcTransport } from './rpc.ts';
import type { TxSigner } from './signer.ts';
import { type Subscription, SubscriptionClient, type Topic } from './subscriptions.ts';
import type {
  AccountJson,
  BlockJson,
  CoinJson,
  ProofJson,
  ReceiptJson,
  SimulateJson,
  StatusJson,
  TxJson,
} from './types.ts';
import { WasmClient } from './wasm.ts';

export interface SendOptions {
  /** Explicit fee in udrt; default: gas × the node's minimum gas price. */
  fee?: bigint;
  /** A number, or 'auto' to simulate first and add a safety margin (default). */
  gas?: bigint | 'auto';
  gasAdjustmentPercent?: bigint;
  memo?: string;
  timeoutHeight?: bigint;
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
  onProgress?: (elapsedMs: number) => void;
}

/** A Lattice node client: queries, tx building, signing, broadcasting and waiting. */
export class LatticeClient {
  readonly rpc: JsonRpcTransport;
  readonly #url: string;
  #subs: SubscriptionClient | undefined;
  #chainId: string | undefined;
  #wasm: WasmClient | undefined;
  #minGasPrice: bigint | undefined;

  constructor(url: string, opts: { timeoutMs?: number } = {}) {
    this.rpc = new JsonRpcTransport(url, opts);
    this.#url = url;
  }

  /**
   * Live events over WebSocket: 'newBlocks', 'newTxs' (filter {sender?, recipient?, hash?}) or
   * 'events' (filter {type, attributes?}). Call close() when done.
   */
  subscribe<T = unknown>(topic: Topic, filter: unknown, onEvent: (event: T) => void): Promise<Subscription> {
    this.#subs ??= new SubscriptionClient(this.#url);
    return this.#subs.subscribe(topic, filter, onEvent as (e: unknown) => void);
  }

  /** Closes the subscription socket, if one was opened. */
  /** Contract operations and queries. */
  get wasm(): WasmClient {
    this.#wasm ??= new WasmClient(this);
    return this.#wasm;
  }

  async close(): Promise<void> {
    await this.#subs?.close();
    this.#subs = undefined;
  }

  status(): Promise<StatusJson> {
    return this.rpc.call('lat_status');
  }

  async chainId(): Promise<string> {
    this.#chainId ??= (await this.status()).chainId;
    return this.#chainId;
  }

  async #gasPrice(): Promise<bigint> {
    this.#minGasPrice ??= parseDecimal(
      (await this.status()).minGasPrice,
      GAS_PRICE_DECIMALS,
      'min gas price',
    );
    return this.#minGasPrice;
  }

  getAccount(address: string, height?: number): Promise<AccountJson | null> {
    return this.rpc.call('lat_getAccount', height === undefined ? [address] : [address, height]);
  }

  async getBalances(address: string, height?: number): Promise<CoinJson[]> {
    const r = await this.rpc.call<{ balances: CoinJson[] }>('lat_getBalance', [
      address,
      null,
      height ?? null,
    ]);
    return r.balances;
  }

  async getBalance(address: string, denom: string, height?: number): Promise<bigint> {
    const r = await this.rpc.call<{ amount: string }>('lat_getBalance', [address, denom, height ?? null]);
    return BigInt(r.amount);
  }

  getSupply(): Promise<CoinJson[]> {
    return this.rpc.call('lat_getSupply');
  }

  getBlock(height?: number | 'latest', fullTx = false): Promise<BlockJson | null> {
    return this.rpc.call('lat_getBlockByNumber', [height ?? 'latest', fullTx]);
  }

  getTransaction(hash: string): Promise<TxJson | null> {
    return this.rpc.call('lat_getTransactionByHash', [hash]);
  }

  getReceipt(hash: string): Promise<ReceiptJson | null> {
    return this.rpc.call('lat_getTransactionReceipt', [hash]);
  }

  getProof(
    query:
      | string
      | { account: string }
      | { balance: { address: string; denom: string } }
      | { wasmCode: string }
      | { wasmContract: string },
    height?: number,
  ): Promise<ProofJson> {
    return this.rpc.call('lat_getProof', height === undefined ? [query] : [query, height]);
  }

  faucet(address: string): Promise<{ hash: string; amount: CoinJson[] }> {
    return this.rpc.call('lat_faucet', [address]);
  }

  simulate(tx: Uint8Array): Promise<SimulateJson> {
    return this.rpc.call('lat_simulate', [to0x(tx)]);
  }

  async broadcast(tx: Uint8Array): Promise<string> {
    const r = await this.rpc.call<{ hash: string }>('lat_sendRawTransaction', [to0x(tx)]);
    return r.hash;
  }

  /** Polls for the receipt until the tx is committed; TIMEOUT if it is not within timeoutMs. */
  async waitForTx(hash: string, opts: WaitOptions = {}): Promise<ReceiptJson> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const pollMs = opts.pollMs ?? 200;
    const started = Date.now();
    for (;;) {
      const receipt = await this.getReceipt(hash);
      if (receipt) return receipt;
      const elapsed = Date.now() - started;
      if (elapsed > timeoutMs) {
        throw new LatticeError('TIMEOUT', `tx ${hash} was not committed within ${timeoutMs} ms`, { hash });
      }
      opts.onProgress?.(elapsed);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * Builds and signs a tx carrying `messages`: fetches account number and pending sequence,
   * attaches the public key on the account's first tx, and with gas 'auto' simulates first.
   */
  async signTx(signer: TxSigner, messages: Any[], opts: SendOptions = {}): Promise<Uint8Array> {
    const chainId = await this.chainId();
    const acc = await this.getAccount(signer.address);
    if (!acc) {
      throw new LatticeError(
        'TX_UNKNOWN_ACCOUNT',
        `${signer.address} does not exist on chain yet: fund it first`,
      );
    }
    const base = {
      chainId,
      messages,
      memo: opts.memo,
      timeoutHeight: opts.timeoutHeight,
      sequence: BigInt(acc.pendingSequence),
      accountNumber: BigInt(acc.accountNumber),
      publicKey: acc.publicKey ? undefined : { algorithm: signer.alg, key: signer.publicKey },
    };
    const sign = (b: Uint8Array) => signer.sign(b);
    let gasLimit: bigint;
    if (opts.gas === undefined || opts.gas === 'auto') {
      const probe = buildSignedTx(
        { ...base, fee: { denom: DENOM_DRT, amount: 0n }, gasLimit: TX_GAS_LIMIT_MAX },
        sign,
      );
      const sim = await this.simulate(probe.bytes);
      if (!sim.success) throw new LatticeError(sim.codeName as never, sim.log);
      gasLimit =
        (BigInt(sim.gasUsed) * (opts.gasAdjustmentPercent ?? SIMULATE_GAS_ADJUSTMENT_PERCENT)) / 100n;
    } else gasLimit = opts.gas;
    const fee = opts.fee ?? ceilDiv(gasLimit * (await this.#gasPrice()), 10n ** BigInt(GAS_PRICE_DECIMALS));
    return buildSignedTx({ ...base, fee: { denom: DENOM_DRT, amount: fee }, gasLimit }, sign).bytes;
  }

  /** A bank transfer: build, sign, broadcast. Returns the tx hash; use waitForTx for the receipt. */
  async send(signer: TxSigner, to: string, coins: Coin[], opts: SendOptions = {}): Promise<string> {
    const msg = create(MsgSendSchema, {
      fromAddress: signer.address,
      toAddress: to,
      amount: coinMessages(coins),
    });
    const tx = await this.signTx(signer, [packAny(MsgSendSchema, msg)], opts);
    return this.broadcast(tx);
  }
}
