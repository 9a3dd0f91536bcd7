import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { parseAddress } from '@lattice/crypto';
import { ADDRESS_PARSE_CACHE_SIZE } from '@lattice/params';
import type { Overlay } from '@lattice/state';
import { GenerationalCache, isLatticeError, LatticeError } from '@lattice/utils';
import type { AppEvent } from './events.ts';
import { event } from './events.ts';
import type { GasMeter } from './gas.ts';
import type { KVStore } from './kv.ts';
import type { BankKeeper } from './modules/bank.ts';
import type { BlockInfo, WasmKeeper } from './modules/wasm/keeper.ts';

export interface MsgContext {
  /** The tx's state, metered: reads and writes cost gas. */
  kv: KVStore;
  /** Undefined when nobody will read them (checkTx): building events is not free. */
  events: AppEvent[] | undefined;
  bank: BankKeeper;
  /** The same state unmetered, for contract calls (their host functions charge the meter). */
  store: Overlay;
  meter: GasMeter;
  block: BlockInfo;
  wasm: WasmKeeper;
  /** Simulations only: contract debug output. */
  debug?: (contract: string, message: string) => void;
}

/** A message after stateless validation: parsed addresses and amounts, ready to execute. */
export interface ValidatedMsg {
  typeUrl: string;
  signer: Uint8Array;
  /** The signer's canonical bech32m string, for events. */
  signerText: string;
  execute(ctx: MsgContext): void;
  /**
   * False for messages admission must not run (contract calls): a call that fails in the
   * mempool would cost every node its execution and its sender nothing, so such messages are
   * checked statelessly at admission and run only in blocks (and simulations), where gas is paid.
   */
  readonly checkExecutes?: boolean;
}

export interface MsgHandler<S extends DescMessage> {
  schema: S;
  module: string;
  validate(msg: MessageShape<S>): ValidatedMsg;
}

export interface ParsedAddress {
  readonly bytes: Uint8Array;
  readonly text: string;
}

/**
 * A bech32m checksum costs microseconds and the same accounts appear in tx after tx. Parsing is a
 * pure function of the string, so a hit is exactly what parsing again would give; the bytes are
 * shared, and nothing writes into address bytes.
 */
const parsedAddresses = new GenerationalCache<string, ParsedAddress>(ADDRESS_PARSE_CACHE_SIZE);

/**
 * Parses an address inside a message; a malformed one is the sender's fault, not a key error.
 * Returns the bytes and the canonical (lower-case) string, which events reuse.
 */
export function parseMsgAddress(address: string, field: string): ParsedAddress {
  const hit = parsedAddresses.get(address);
  if (hit !== undefined) return hit;
  try {
    const parsed: ParsedAddress = Object.freeze({
      bytes: parseAddress(address),
      text: address.toLowerCase(),
    });
    parsedAddresses.set(address, parsed);
    return parsed;
  } catch (e) {
    if (isLatticeError(e, 'ADDRESS_INVALID')) {
      throw new LatticeError('TX_INVALID_ADDRESS', `${field}: ${e.message}`, { field });
    }
    throw e;
  }
}

export function messageEvent(typeUrl: string, module: string, sender: string): AppEvent {
  return event('message', { action: typeUrl, module, sender });
}
