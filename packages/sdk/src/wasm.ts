import { create } from '@bufbuild/protobuf';
import {
  MsgClearAdminSchema,
  MsgExecuteContractSchema,
  MsgInstantiateContractSchema,
  MsgMigrateContractSchema,
  MsgStoreCodeSchema,
  MsgUpdateAdminSchema,
  packAny,
} from '@lattice/codec';
import { decodeProof, verifyStateProof } from '@lattice/state/verify';
import { fromHex, LatticeError, utf8 } from '@lattice/utils';
import type { LatticeClient, SendOptions } from './client.ts';
import { type Coin, coinMessages } from './coins.ts';
import type { TxSigner } from './signer.ts';
import type { ProofJson, ReceiptJson } from './types.ts';

export interface CodeInfoJson {
  codeId: string;
  codeHash: string;
  creator: string;
  size: number;
}

export interface ContractInfoJson {
  address: string;
  codeId: string;
  creator: string;
  admin: string | null;
  label: string;
  createdHeight: string;
}

/** A raw storage read whose Merkle proof was checked against the app hash of the next block. */
export interface VerifiedRawJson extends ProofJson {
  verified: true;
  appHash: string;
}

const json = (msg: unknown) => utf8(typeof msg === 'string' ? msg : JSON.stringify(msg));

/** The first `type` event's `key` attribute in a receipt. */
export function receiptAttribute(receipt: ReceiptJson, type: string, key: string): string | undefined {
  return receipt.events.find((e) => e.type === type)?.attributes[key];
}

/**
 * Contracts through a LatticeClient: store, instantiate, execute, migrate, admin changes (each
 * signs and broadcasts, returning the tx hash; `gas: 'auto'` simulates first), and queries.
 */
export class WasmClient {
  readonly #client: LatticeClient;

  constructor(client: LatticeClient) {
    this.#client = client;
  }

  storeCode(signer: TxSigner, wasm: Uint8Array, opts: SendOptions = {}): Promise<string> {
    const msg = create(MsgStoreCodeSchema, { sender: signer.address, wasmByteCode: wasm });
    return this.#send(signer, packAny(MsgStoreCodeSchema, msg), opts);
  }

  instantiate(
    signer: TxSigner,
    codeId: bigint,
    msg: unknown,
    opts: SendOptions & { label?: string; admin?: string; funds?: Coin[] } = {},
  ): Promise<string> {
    const m = create(MsgInstantiateContractSchema, {
      sender: signer.address,
      codeId,
      label: opts.label ?? `contract-${codeId}`,
      admin: opts.admin ?? '',
      msg: json(msg),
      funds: coinMessages(opts.funds),
    });
    return this.#send(signer, packAny(MsgInstantiateContractSchema, m), opts);
  }

  execute(
    signer: TxSigner,
    contract: string,
    msg: unknown,
    opts: SendOptions & { funds?: Coin[] } = {},
  ): Promise<string> {
    const m = create(MsgExecuteContractSchema, {
      sender: signer.address,
      contract,
      msg: json(msg),
      funds: coinMessages(opts.funds),
    });
    return this.#send(signer, packAny(MsgExecuteContractSchema, m), opts);
  }

  migrate(
    signer: TxSigner,
    contract: string,
    codeId: bigint,
    msg: unknown,
    opts: SendOptions = {},
  ): Promise<string> {
    const m = create(MsgMigrateContractSchema, { sender: signer.address, contract, codeId, msg: json(msg) });
    return this.#send(signer, packAny(MsgMigrateContractSchema, m), opts);
  }

  updateAdmin(signer: TxSigner, contract: string, newAdmin: string, opts: SendOptions = {}): Promise<string> {
    const m = create(MsgUpdateAdminSchema, { sender: signer.address, contract, newAdmin });
    return this.#send(signer, packAny(MsgUpdateAdminSchema, m), opts);
  }

  clearAdmin(signer: TxSigner, contract: string, opts: SendOptions = {}): Promise<string> {
    const m = create(MsgClearAdminSchema, { sender: signer.address, contract });
    return this.#send(signer, packAny(MsgClearAdminSchema, m), opts);
  }

  async #send(signer: TxSigner, msg: ReturnType<typeof packAny>, opts: SendOptions): Promise<string> {
    return this.#client.broadcast(await this.#client.signTx(signer, [msg], opts));
  }

  codeInfo(codeId: bigint): Promise<CodeInfoJson | null> {
    return this.#client.rpc.call('lat_wasmCodeInfo', [codeId.toString()]);
  }

  contractInfo(address: string): Promise<ContractInfoJson | null> {
    return this.#client.rpc.call('lat_wasmContractInfo', [address]);
  }

  contractsByCode(codeId: bigint, opts: { startAfter?: string; limit?: number } = {}) {
    return this.#client.rpc.call<{ contracts: string[]; next: string | null }>('lat_wasmContractsByCode', [
      codeId.toString(),
      opts.startAfter ?? null,
      opts.limit ?? null,
    ]);
  }

  /** A contract's query entry point; a contract error rejects with its code. */
  async query<T = unknown>(contract: string, msg: unknown): Promise<T> {
    const r = await this.#client.rpc.call<{ data: T }>('lat_wasmSmartQuery', [contract, msg]);
    return r.data;
  }

  /**
   * One key of a contract's storage (hex), with its Merkle proof checked here against the app
   * hash committed in the next block's header: the value does not rest on the node's word alone.
   */
  async raw(contract: string, keyHex: string, opts: { waitMs?: number } = {}): Promise<VerifiedRawJson> {
    const p = await this.#client.rpc.call<ProofJson>('lat_wasmRawQuery', [contract, keyHex]);
    const header = await this.#nextHeader(Number(p.height), opts.waitMs ?? 10_000);
    const root = fromHex(p.root, 'root');
    if (header.appHash.toLowerCase() !== p.root.toLowerCase()) {
      throw new LatticeError(
        'STATE_CORRUPT',
        `proof root ${p.root} is not the app hash ${header.appHash} of block ${header.height}`,
      );
    }
    const value = p.value === null ? undefined : fromHex(p.value, 'value');
    if (!verifyStateProof(root, fromHex(p.key, 'key'), value, decodeProof(fromHex(p.proof, 'proof')))) {
      throw new LatticeError('STATE_CORRUPT', 'the Merkle proof does not verify');
    }
    return { ...p, verified: true, appHash: header.appHash };
  }

  async #nextHeader(height: number, waitMs: number) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const b = await this.#client.getBlock(height + 1);
      if (b !== null) return b;
      if (Date.now() > deadline) {
        throw new LatticeError('TIMEOUT', `block ${height + 1} (which commits the app hash) did not arrive`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
