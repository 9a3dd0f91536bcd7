import type { Overlay } from '@lattice/state';
import { concatBytes } from '@lattice/utils';
import type { ContractStorage, Order } from '@lattice/vm';
import { wasmStorePrefix } from '../../keys.ts';

/** The first key after every key that starts with `p` (undefined if p is all 0xff). */
export function prefixEnd(p: Uint8Array): Uint8Array | undefined {
  const out = p.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}

/**
 * One contract's key space inside the state, under PREFIX_WASM_STORE ‖ address. Reads and writes
 * go to an overlay the caller keeps only if the call succeeds; storage gas is charged by the vm's
 * host functions, so this store does not meter.
 */
export class ContractStore implements ContractStorage {
  readonly #kv: Overlay;
  readonly #prefix: Uint8Array;

  constructor(kv: Overlay, contract: Uint8Array) {
    this.#kv = kv;
    this.#prefix = wasmStorePrefix(contract);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#kv.get(concatBytes(this.#prefix, key));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#kv.set(concatBytes(this.#prefix, key), value);
  }

  remove(key: Uint8Array): void {
    this.#kv.delete(concatBytes(this.#prefix, key));
  }

  *range(
    start: Uint8Array | undefined,
    end: Uint8Array | undefined,
    order: Order,
  ): Generator<[Uint8Array, Uint8Array]> {
    const n = this.#prefix.length;
    const from = concatBytes(this.#prefix, start ?? new Uint8Array(0));
    const to = end === undefined ? prefixEnd(this.#prefix) : concatBytes(this.#prefix, end);
    for (const [k, v] of this.#kv.range({
      start: from,
      ...(to === undefined ? {} : { end: to }),
      reverse: order === 'descending',
    })) {
      yield [k.subarray(n), v];
    }
  }
}
