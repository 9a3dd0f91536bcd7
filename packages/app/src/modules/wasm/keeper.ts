import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  type CodeInfo,
  CodeInfoSchema,
  type ContractInfo,
  ContractInfoSchema,
  UploadAccess,
  type WasmParams,
  WasmParamsSchema,
} from '@lattice/codec';
import { formatAddress, parseAddress, SIGN_CONTEXT_MESSAGE, sha256, verifySignature } from '@lattice/crypto';
import {
  ADDRESS_BYTES,
  EVENTS_PER_TX_MAX,
  WASM_CALL_DEPTH_MAX,
  WASM_COST_TABLE_VERSION,
  WASM_GAS_MULTIPLIER,
  WASM_INSTRUMENTER_VERSION,
  WASM_QUERY_DEPTH_MAX,
} from '@lattice/params';
import { Overlay } from '@lattice/state';
import { ceilDiv, LatticeError, LruCache, minBigint, readU64be, toHex, u64be, utf8 } from '@lattice/utils';
import {
  CONTRACT_POLICY,
  type CompiledContract,
  type ContractBackend,
  compileContract,
  type EntryPoint,
  instrument,
  runEntryPoint,
  validateModule,
} from '@lattice/vm';
import type { Coin } from '../../amount.ts';
import type { AppEvent } from '../../events.ts';
import { event } from '../../events.ts';
import { GasKV, type GasMeter } from '../../gas.ts';
import {
  contractAddress,
  KEY_WASM_NEXT_CODE_ID,
  KEY_WASM_NEXT_INSTANCE,
  KEY_WASM_PARAMS,
  wasmCodeBytesKey,
  wasmCodeKey,
  wasmContractKey,
  wasmContractsByCodeKey,
  wasmContractsByCodePrefix,
  wasmInstrumentedKey,
} from '../../keys.ts';
import type { KVStore } from '../../kv.ts';
import type { BankKeeper } from '../bank.ts';
import { ContractStore, prefixEnd } from './contract-store.ts';
import {
  type ContractResponse,
  type CosmosMsg,
  parseResponse,
  responseEvents,
  type SubMessage,
} from './response.ts';

/** Compiled modules kept in memory, by instrumented-code key. */
const MODULE_CACHE_MAX = 64;
/** App gas charged per byte of uploaded code for validation and instrumentation. */
const STORE_CODE_GAS_PER_BYTE = 2n;

export interface BlockInfo {
  height: number;
  timeMs: bigint;
  chainId: string;
}

/** Where a contract call runs: the tx's state and gas meter, and how deep in sub-messages it is. */
export interface WasmCallContext {
  store: Overlay;
  meter: GasMeter;
  events: AppEvent[] | undefined;
  block: BlockInfo;
  depth: number;
  /** Simulations only: contract debug output. */
  debug?: (contract: string, message: string) => void;
}

const json = (v: unknown) => utf8(JSON.stringify(v));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function coinsJson(coins: readonly Coin[]) {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

/**
 * The wasm module (CosmWasm's x/wasm): code upload, contract instances, their calls with gas,
 * sub-messages and events, and queries. Contract storage lives in the app state under each
 * contract's own prefix; instrumented code is stored next to the code, keyed by the instrumenter
 * and cost-table versions.
 */
export class WasmKeeper {
  readonly #bank: BankKeeper;
  readonly #modules = new LruCache<string, CompiledContract>(MODULE_CACHE_MAX);

  constructor(bank: BankKeeper) {
    this.#bank = bank;
  }

  // ---- params and code ---------------------------------------------------------------------

  params(kv: KVStore): WasmParams {
    const raw = kv.get(KEY_WASM_PARAMS);
    return raw === undefined
      ? create(WasmParamsSchema, { uploadAccess: UploadAccess.EVERYBODY, allowlist: [] })
      : fromBinary(WasmParamsSchema, raw);
  }

  setParams(kv: KVStore, p: WasmParams): void {
    kv.set(KEY_WASM_PARAMS, toBinary(WasmParamsSchema, p));
  }

  #mayUpload(kv: KVStore, sender: string): boolean {
    const p = this.params(kv);
    if (p.uploadAccess === UploadAccess.EVERYBODY || p.uploadAccess === UploadAccess.UNSPECIFIED) return true;
    if (p.uploadAccess === UploadAccess.ALLOWLIST) return p.allowlist.includes(sender);
    return false;
  }

  /** Validates, instruments and stores a module; returns its new code id. */
  storeCode(
    kv: KVStore,
    meter: GasMeter,
    sender: string,
    wasm: Uint8Array,
  ): { codeId: bigint; hash: Uint8Array } {
    if (!this.#mayUpload(kv, sender)) {
      throw new LatticeError('TX_UNAUTHORIZED', `${sender} may not store code (upload access is restricted)`);
    }
    meter.consume(BigInt(wasm.length) * STORE_CODE_GAS_PER_BYTE, 'code validation');
    validateModule(wasm, CONTRACT_POLICY);
    const hash = sha256(wasm);
    if (kv.get(wasmCodeBytesKey(hash)) === undefined) {
      kv.set(wasmCodeBytesKey(hash), wasm);
      kv.set(this.#instrumentedKey(hash), instrument(wasm));
    }
    const codeId = this.#next(kv, KEY_WASM_NEXT_CODE_ID, 1n);
    const info = create(CodeInfoSchema, { codeHash: hash, creator: sender, size: BigInt(wasm.length) });
    kv.set(wasmCodeKey(codeId), toBinary(CodeInfoSchema, info));
    return { codeId, hash };
  }

  #instrumentedKey(hash: Uint8Array): Uint8Array {
    return wasmInstrumentedKey(hash, WASM_INSTRUMENTER_VERSION, WASM_COST_TABLE_VERSION);
  }

  #next(kv: KVStore, key: Uint8Array, first: bigint): bigint {
    const raw = kv.get(key);
    const n = raw === undefined ? first : readU64be(raw);
    kv.set(key, u64be(n + 1n));
    return n;
  }

  codeInfo(kv: KVStore, codeId: bigint): CodeInfo | undefined {
    const raw = kv.get(wasmCodeKey(codeId));
    return raw === undefined ? undefined : fromBinary(CodeInfoSchema, raw);
  }

  #requireCode(kv: KVStore, codeId: bigint): CodeInfo {
    const info = this.codeInfo(kv, codeId);
    if (info === undefined)
      throw new LatticeError('NOT_FOUND', `no code with id ${codeId}`, { codeId: codeId.toString() });
    return info;
  }

  codeBytes(kv: KVStore, codeId: bigint): Uint8Array | undefined {
    const info = this.codeInfo(kv, codeId);
    return info === undefined ? undefined : kv.get(wasmCodeBytesKey(info.codeHash));
  }

  /**
   * The compiled instrumented module of a code. It only reads state: whether a node has the
   * module in its cache must never change what a tx writes. Code stored under an older
   * instrumenter or cost version is instrumented again in memory (a version bump's migration
   * is what stores the new bytes).
   */
  #module(kv: KVStore, code: CodeInfo): CompiledContract {
    const key = this.#instrumentedKey(code.codeHash);
    const cacheKey = toHex(key);
    const hit = this.#modules.get(cacheKey);
    if (hit !== undefined) return hit;
    let instrumented = kv.get(key);
    if (instrumented === undefined) {
      const wasm = kv.get(wasmCodeBytesKey(code.codeHash));
      if (wasm === undefined) throw new LatticeError('STATE_CORRUPT', 'stored code bytes are missing');
      instrumented = instrument(wasm);
    }
    const module = compileContract(instrumented);
    this.#modules.set(cacheKey, module);
    return module;
  }

  // ---- contracts ---------------------------------------------------------------------------

  contractInfo(kv: KVStore, address: Uint8Array): ContractInfo | undefined {
    const raw = kv.get(wasmContractKey(address));
    return raw === undefined ? undefined : fromBinary(ContractInfoSchema, raw);
  }

  #requireContract(kv: KVStore, address: Uint8Array): ContractInfo {
    const info = this.contractInfo(kv, address);
    if (info === undefined) {
      throw new LatticeError('NOT_FOUND', `no contract at ${formatAddress(address)}`, {
        contract: formatAddress(address),
      });
    }
    return info;
  }

  /** Contract addresses created from a code, in address order, after `startAfter`. */
  contractsByCode(kv: Overlay, codeId: bigint, startAfter: Uint8Array | undefined, limit: number): string[] {
    const prefix = wasmContractsByCodePrefix(codeId);
    const start =
      startAfter === undefined ? prefix : wasmContractsByCodeKey(codeId, new Uint8Array([...startAfter, 0]));
    const end = prefixEnd(prefix);
    const out: string[] = [];
    for (const [k] of kv.range({ start, ...(end === undefined ? {} : { end }) })) {
      if (out.length >= limit) break;
      out.push(formatAddress(k.subarray(prefix.length)));
    }
    return out;
  }

  instantiate(
    ctx: WasmCallContext,
    a: {
      sender: string;
      codeId: bigint;
      admin: string;
      label: string;
      msg: Uint8Array;
      funds: readonly Coin[];
    },
  ): Uint8Array {
    const code = this.#requireCode(ctx.store, a.codeId);
    const instance = this.#next(ctx.store, KEY_WASM_NEXT_INSTANCE, 0n);
    const address = contractAddress(a.codeId, instance);
    const info = create(ContractInfoSchema, {
      codeId: a.codeId,
      creator: a.sender,
      admin: a.admin,
      label: a.label,
      createdHeight: BigInt(ctx.block.height),
    });
    ctx.store.set(wasmContractKey(address), toBinary(ContractInfoSchema, info));
    ctx.store.set(wasmContractsByCodeKey(a.codeId, address), new Uint8Array(0));
    this.#transferFunds(ctx, a.sender, address, a.funds);
    ctx.events?.push(
      event('instantiate', { _contract_address: formatAddress(address), code_id: a.codeId.toString() }),
    );
    const infoJson = json({ sender: a.sender, funds: coinsJson(a.funds) });
    this.#call(ctx, address, code, 'instantiate', [this.#env(ctx.block, address), infoJson, a.msg]);
    return address;
  }

  execute(
    ctx: WasmCallContext,
    a: { sender: string; contract: Uint8Array; msg: Uint8Array; funds: readonly Coin[] },
  ): void {
    const info = this.#requireContract(ctx.store, a.contract);
    const code = this.#requireCode(ctx.store, info.codeId);
    this.#transferFunds(ctx, a.sender, a.contract, a.funds);
    ctx.events?.push(event('execute', { _contract_address: formatAddress(a.contract) }));
    const infoJson = json({ sender: a.sender, funds: coinsJson(a.funds) });
    this.#call(ctx, a.contract, code, 'execute', [this.#env(ctx.block, a.contract), infoJson, a.msg]);
  }

  migrate(
    ctx: WasmCallContext,
    a: { sender: string; contract: Uint8Array; codeId: bigint; msg: Uint8Array },
  ): void {
    const info = this.#requireContract(ctx.store, a.contract);
    this.#requireAdmin(info, a.sender, a.contract);
    const code = this.#requireCode(ctx.store, a.codeId);
    ctx.store.delete(wasmContractsByCodeKey(info.codeId, a.contract));
    ctx.store.set(wasmContractsByCodeKey(a.codeId, a.contract), new Uint8Array(0));
    const updated: ContractInfo = { ...info, codeId: a.codeId };
    ctx.store.set(wasmContractKey(a.contract), toBinary(ContractInfoSchema, updated));
    ctx.events?.push(
      event('migrate', { _contract_address: formatAddress(a.contract), code_id: a.codeId.toString() }),
    );
    this.#call(ctx, a.contract, code, 'migrate', [this.#env(ctx.block, a.contract), a.msg]);
  }

  /** Sets (or, with "", clears) a contract's admin; only the current admin may. */
  setAdmin(ctx: WasmCallContext, a: { sender: string; contract: Uint8Array; admin: string }): void {
    const info = this.#requireContract(ctx.store, a.contract);
    this.#requireAdmin(info, a.sender, a.contract);
    ctx.store.set(wasmContractKey(a.contract), toBinary(ContractInfoSchema, { ...info, admin: a.admin }));
    ctx.events?.push(
      event(a.admin === '' ? 'clear_admin' : 'update_admin', {
        _contract_address: formatAddress(a.contract),
        admin: a.admin,
      }),
    );
  }

  #requireAdmin(info: ContractInfo, sender: string, contract: Uint8Array): void {
    if (info.admin === '' || info.admin !== sender) {
      throw new LatticeError(
        'TX_UNAUTHORIZED',
        `only the admin may change contract ${formatAddress(contract)}`,
      );
    }
  }

  #transferFunds(ctx: WasmCallContext, sender: string, contract: Uint8Array, funds: readonly Coin[]): void {
    if (funds.length === 0) return;
    this.#bank.send(new GasKV(ctx.store, ctx.meter), parseAddress(sender), contract, funds);
  }

  #env(block: BlockInfo, contract: Uint8Array): Uint8Array {
    return json({
      block: { height: String(block.height), time_ms: block.timeMs.toString(), chain_id: block.chainId },
      contract: { address: formatAddress(contract) },
    });
  }

  /**
   * Runs an entry point against the tx's state with the tx's remaining gas, then turns its
   * response into events and runs its messages. Any failure fails the whole message: the tx
   * pipeline drops the message's writes.
   */
  #call(
    ctx: WasmCallContext,
    contract: Uint8Array,
    code: CodeInfo,
    entry: EntryPoint,
    inputs: Uint8Array[],
  ): void {
    if (ctx.depth >= WASM_CALL_DEPTH_MAX) {
      throw new LatticeError('WASM_CALL_DEPTH', `contract calls nest deeper than ${WASM_CALL_DEPTH_MAX}`);
    }
    const backend = this.#backend(ctx.store, contract, ctx.block, {
      readOnly: false,
      queryDepth: 0,
      debug: ctx.debug,
    });
    const value = this.#metered(ctx.meter, () =>
      runEntryPoint(this.#module(ctx.store, code), entry, inputs, backend, this.#vmGas(ctx.meter)),
    );
    const response = parseResponse(value);
    ctx.events?.push(...responseEvents(formatAddress(contract), response));
    // Sub-calls multiply events; a receipt stays bounded whatever the contracts emit.
    if (ctx.events !== undefined && ctx.events.length > EVENTS_PER_TX_MAX) {
      throw new LatticeError('WASM_CONTRACT_ERROR', `the call emitted more than ${EVENTS_PER_TX_MAX} events`);
    }
    this.#dispatch(ctx, contract, response);
  }

  #vmGas(meter: GasMeter): bigint {
    return (meter.limit - meter.used) * WASM_GAS_MULTIPLIER;
  }

  /** Charges the tx meter for a vm run (all that was left when it ran out), errors included. */
  #metered<T>(meter: GasMeter, run: () => { value: T; gasUsed: bigint }): T {
    const left = meter.limit - meter.used;
    try {
      const r = run();
      meter.consume(minBigint(appGas(r.gasUsed), left), 'contract execution');
      return r.value;
    } catch (e) {
      if (e instanceof LatticeError && e.meta.gasUsed !== undefined) {
        const used =
          e.code === 'TX_OUT_OF_GAS' ? left : minBigint(appGas(BigInt(e.meta.gasUsed as string)), left);
        meter.consume(used, 'contract execution');
      }
      throw e;
    }
  }

  #dispatch(ctx: WasmCallContext, contract: Uint8Array, response: ContractResponse): void {
    for (const m of response.messages) this.#runSubMessage(ctx, contract, m);
  }

  /**
   * Runs one message of a response. Plain messages (reply_on never) share the call's fate. A
   * sub-message that replies runs on its own overlay with its own events: on success they join
   * the call; on a failure the contract asked to hear about, they are dropped and the call goes
   * on. Running out of gas always ends the tx: nothing would be left to pay for the reply.
   */
  #runSubMessage(ctx: WasmCallContext, contract: Uint8Array, m: SubMessage): void {
    if (m.replyOn === 'never') {
      this.#runMsg(ctx, contract, m.msg);
      return;
    }
    const child = new Overlay(ctx.store);
    const events: AppEvent[] = [];
    const sub: WasmCallContext = {
      ...ctx,
      store: child,
      events: ctx.events === undefined ? undefined : events,
    };
    let result: { ok: { events: unknown[] } } | { error: string };
    try {
      this.#runMsg(sub, contract, m.msg);
      child.commitToParent();
      ctx.events?.push(...events);
      if (m.replyOn === 'error') return;
      result = { ok: { events: events.map(eventJson) } };
    } catch (e) {
      child.discard();
      if (!(e instanceof LatticeError) || e.code === 'TX_OUT_OF_GAS' || m.replyOn === 'success') throw e;
      result = { error: `[${e.code}] ${e.message}` };
    }
    const info = this.#requireContract(ctx.store, contract);
    const code = this.#requireCode(ctx.store, info.codeId);
    this.#call({ ...ctx, depth: ctx.depth + 1 }, contract, code, 'reply', [
      this.#env(ctx.block, contract),
      json({ id: Number(m.id), result }),
    ]);
  }

  #runMsg(ctx: WasmCallContext, contract: Uint8Array, msg: CosmosMsg): void {
    const sender = formatAddress(contract);
    if (msg.kind === 'bank_send') {
      this.#bank.send(new GasKV(ctx.store, ctx.meter), contract, msg.to, msg.amount);
      ctx.events?.push(
        event('transfer', {
          recipient: formatAddress(msg.to),
          sender,
          amount: msg.amount.map((c) => `${c.amount}${c.denom}`).join(','),
        }),
      );
      return;
    }
    this.execute(
      { ...ctx, depth: ctx.depth + 1 },
      { sender, contract: msg.contract, msg: msg.msg, funds: msg.funds },
    );
  }

  // ---- queries -----------------------------------------------------------------------------

  /** A read-only smart query against `view` (writes are refused), within `gasLimit` app gas. */
  smartQuery(
    view: Overlay,
    contract: Uint8Array,
    msg: Uint8Array,
    gasLimit: bigint,
    block: BlockInfo,
  ): { value: unknown; gasUsed: bigint } {
    const r = this.#query(view, contract, msg, gasLimit * WASM_GAS_MULTIPLIER, block, 0, 0);
    return { value: r.value, gasUsed: appGas(r.gasUsed) };
  }

  /**
   * Runs a contract's query entry point, read-only, within `vmGas`; `queryDepth` counts nested
   * queries and `stackDepth` is the caller's stack counter (a query runs on its native stack).
   */
  #query(
    store: Overlay,
    contract: Uint8Array,
    msg: Uint8Array,
    vmGas: bigint,
    block: BlockInfo,
    queryDepth: number,
    stackDepth: number,
  ): { value: unknown; gasUsed: bigint } {
    const info = this.#requireContract(store, contract);
    const code = this.#requireCode(store, info.codeId);
    const backend = this.#backend(store, contract, block, { readOnly: true, queryDepth });
    const inputs = [this.#env(block, contract), msg];
    return runEntryPoint(this.#module(store, code), 'query', inputs, backend, vmGas, stackDepth);
  }

  rawQuery(view: Overlay, contract: Uint8Array, key: Uint8Array): Uint8Array | undefined {
    this.#requireContract(view, contract);
    return new ContractStore(view, contract).get(key);
  }

  #backend(
    store: Overlay,
    contract: Uint8Array,
    block: BlockInfo,
    o: {
      readOnly: boolean;
      queryDepth: number;
      debug?: ((contract: string, message: string) => void) | undefined;
    },
  ): ContractBackend {
    const { readOnly, queryDepth, debug } = o;
    const self = formatAddress(contract);
    return {
      storage: new ContractStore(store, contract),
      readOnly,
      canonicalizeAddress: (t) => {
        try {
          return parseAddress(t);
        } catch {
          return undefined;
        }
      },
      humanizeAddress: (b) => (b.length === ADDRESS_BYTES ? formatAddress(b) : undefined),
      verifySignature: (alg, pk, message, signature) => {
        try {
          return verifySignature(alg, pk, message, signature, SIGN_CONTEXT_MESSAGE);
        } catch {
          return false;
        }
      },
      queryChain: (request, gasLimit, stackDepth) =>
        this.#queryChain(store, request, gasLimit, queryDepth + 1, stackDepth, block),
      ...(debug === undefined ? {} : { debug: (message: string) => debug(self, message) }),
    };
  }

  /** Answers a contract's query_chain: JSON in, `{"ok": …}` / `{"error": "…"}` out, gas in vm units. */
  #queryChain(
    store: Overlay,
    request: Uint8Array,
    vmGas: bigint,
    depth: number,
    stackDepth: number,
    block: BlockInfo,
  ): { response: Uint8Array; gasUsed: bigint } {
    const answer = (v: unknown, gasUsed = 0n) => ({ response: json(v), gasUsed });
    let req: {
      bank?: { balance?: { address: string; denom: string } };
      wasm?: {
        smart?: { contract_addr: string; msg: unknown };
        raw?: { contract_addr: string; key: string };
      };
    };
    try {
      req = JSON.parse(text(request));
    } catch {
      return answer({ error: 'query request is not JSON' });
    }
    try {
      if (req.bank?.balance) {
        const b = req.bank.balance;
        return answer({
          ok: { amount: this.#bank.getBalance(store, parseAddress(b.address), b.denom).toString() },
        });
      }
      if (req.wasm?.smart) {
        if (depth > WASM_QUERY_DEPTH_MAX)
          return answer({ error: `queries nest deeper than ${WASM_QUERY_DEPTH_MAX}` });
        const s = req.wasm.smart;
        try {
          const r = this.#query(
            store,
            parseAddress(s.contract_addr),
            json(s.msg),
            vmGas,
            block,
            depth,
            stackDepth,
          );
          return answer({ ok: r.value }, r.gasUsed);
        } catch (e) {
          // The querying contract sees the failure (and pays for it); running out of gas still
          // ends it, as the gas charged is all it had.
          if (e instanceof LatticeError && e.meta.gasUsed !== undefined) {
            return answer({ error: e.message }, BigInt(e.meta.gasUsed as string));
          }
          throw e;
        }
      }
      if (req.wasm?.raw) {
        const r = req.wasm.raw;
        const v = this.rawQuery(store, parseAddress(r.contract_addr), Buffer.from(r.key, 'base64'));
        return answer({ ok: v === undefined ? null : Buffer.from(v).toString('base64') });
      }
      return answer({ error: 'unknown query request' });
    } catch (e) {
      if (e instanceof LatticeError && (e.code === 'NOT_FOUND' || e.code === 'ADDRESS_INVALID')) {
        return answer({ error: e.message });
      }
      throw e;
    }
  }
}

/** App gas for wasm gas, rounded up. */
function appGas(vmGas: bigint): bigint {
  return ceilDiv(vmGas, WASM_GAS_MULTIPLIER);
}

/** An event as a reply shows it to the contract. */
function eventJson(e: AppEvent) {
  return { type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) };
}
