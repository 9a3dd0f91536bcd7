import { parseAddress } from '@lattice/crypto';
import { LatticeError, utf8 } from '@lattice/utils';
import { type Coin, parseCoins } from '../../amount.ts';
import { type AppEvent, attribute, eventOf } from '../../events.ts';

/** Limits on what one contract response may carry. */
const ATTRIBUTES_MAX = 64;
const EVENTS_MAX = 16;
const MESSAGES_MAX = 16;
const ATTRIBUTE_KEY_BYTES_MAX = 128;
const ATTRIBUTE_VALUE_BYTES_MAX = 4_096;
const EVENT_TYPE_RE = /^[a-zA-Z0-9_-]{1,64}$/;

export type CosmosMsg =
  | { kind: 'bank_send'; to: Uint8Array; amount: Coin[] }
  | { kind: 'wasm_execute'; contract: Uint8Array; msg: Uint8Array; funds: Coin[] };

export type ReplyOn = 'never' | 'success' | 'error' | 'always';

/**
 * A message a response asks to run after the call. With reply_on other than "never" (a
 * CosmWasm SubMsg), the contract's `reply` entry point hears how it went; with "error" or
 * "always", a failure reverts only the message, not the call.
 */
export interface SubMessage {
  msg: CosmosMsg;
  id: bigint;
  replyOn: ReplyOn;
}

const REPLY_ON: readonly ReplyOn[] = ['never', 'success', 'error', 'always'];

export interface ContractResponse {
  attributes: { key: string; value: string }[];
  events: { type: string; attributes: { key: string; value: string }[] }[];
  messages: SubMessage[];
  data: string | undefined;
}

function bad(why: string): LatticeError {
  return new LatticeError('WASM_CONTRACT_ERROR', `invalid contract response: ${why}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown, what: string, max: number): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad(`${what} must be an array`);
  if (v.length > max) throw bad(`more than ${max} ${what}`);
  return v;
}

function attributes(v: unknown, what: string): { key: string; value: string }[] {
  return list(v, what, ATTRIBUTES_MAX).map((a) => {
    if (!isObject(a) || typeof a.key !== 'string' || typeof a.value !== 'string') {
      throw bad(`${what} must be {key, value} strings`);
    }
    if (a.key.length === 0 || utf8(a.key).length > ATTRIBUTE_KEY_BYTES_MAX)
      throw bad(`attribute key "${a.key}" is empty or too long`);
    if (a.key.startsWith('_')) throw bad(`attribute keys starting with "_" are reserved (${a.key})`);
    if (utf8(a.value).length > ATTRIBUTE_VALUE_BYTES_MAX) throw bad(`attribute ${a.key} is too long`);
    return { key: a.key, value: a.value };
  });
}

function address(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string') throw bad(`${what} must be an address string`);
  try {
    return parseAddress(v);
  } catch {
    throw bad(`${what} is not a valid address`);
  }
}

function coins(v: unknown, what: string, allowEmpty = false): Coin[] {
  const items = list(v, what, 16);
  if (items.length === 0 && allowEmpty) return [];
  try {
    return parseCoins(items as { denom: string; amount: string }[], what);
  } catch (e) {
    throw bad((e as Error).message);
  }
}

/** A plain message (reply_on never), or `{"id", "msg", "reply_on"}`. */
function subMessage(m: unknown): SubMessage {
  if (isObject(m) && m.msg !== undefined) {
    const id = m.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
      throw bad('a sub-message id is a non-negative integer');
    const replyOn = (m.reply_on ?? 'never') as ReplyOn;
    if (!REPLY_ON.includes(replyOn)) throw bad(`reply_on must be one of ${REPLY_ON.join(', ')}`);
    return { msg: cosmosMsg(m.msg), id: BigInt(id), replyOn };
  }
  return { msg: cosmosMsg(m), id: 0n, replyOn: 'never' };
}

function cosmosMsg(m: unknown): CosmosMsg {
  if (isObject(m) && isObject(m.bank) && isObject(m.bank.send)) {
    const s = m.bank.send;
    return {
      kind: 'bank_send',
      to: address(s.to_address, 'bank send to_address'),
      amount: coins(s.amount, 'bank send amount'),
    };
  }
  if (isObject(m) && isObject(m.wasm) && isObject(m.wasm.execute)) {
    const e = m.wasm.execute;
    if (e.msg === undefined) throw bad('wasm execute needs a msg');
    return {
      kind: 'wasm_execute',
      contract: address(e.contract_addr, 'wasm execute contract_addr'),
      msg: utf8(JSON.stringify(e.msg)),
      funds: coins(e.funds, 'wasm execute funds', true),
    };
  }
  throw bad('messages must be {"bank":{"send":…}} or {"wasm":{"execute":…}}');
}

/** Checks a contract's `ok` value against the Response schema and the limits. */
export function parseResponse(v: unknown): ContractResponse {
  if (!isObject(v)) throw bad('expected an object');
  const events = list(v.events, 'events', EVENTS_MAX).map((e) => {
    if (!isObject(e) || typeof e.type !== 'string' || !EVENT_TYPE_RE.test(e.type)) {
      throw bad('event types are 1–64 letters, digits, "_" or "-"');
    }
    return { type: e.type, attributes: attributes(e.attributes, `event ${e.type} attributes`) };
  });
  if (v.data !== undefined && typeof v.data !== 'string') throw bad('data must be a string');
  return {
    attributes: attributes(v.attributes, 'attributes'),
    events,
    messages: list(v.messages, 'messages', MESSAGES_MAX).map(subMessage),
    data: v.data as string | undefined,
  };
}

/** The `wasm` event (with the contract's attributes) and its custom `wasm-<type>` events. */
export function responseEvents(contract: string, r: ContractResponse): AppEvent[] {
  const head = attribute('_contract_address', contract);
  return [
    eventOf('wasm', [head, ...r.attributes.map((a) => attribute(a.key, a.value))]),
    ...r.events.map((e) =>
      eventOf(`wasm-${e.type}`, [head, ...e.attributes.map((a) => attribute(a.key, a.value))]),
    ),
  ];
}
