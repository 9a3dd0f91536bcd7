import { toHex } from '@lattice/utils';
import type { ContractBackend, ContractStorage, Order } from '@lattice/vm';

/** Contract storage in a Map, for tests of the ABI below the app. */
export class MemoryStorage implements ContractStorage {
  readonly entries = new Map<string, [Uint8Array, Uint8Array]>();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(toHex(key))?.[1];
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.entries.set(toHex(key), [key, value]);
  }

  remove(key: Uint8Array): void {
    this.entries.delete(toHex(key));
  }

  range(start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order) {
    const lo = start === undefined ? undefined : toHex(start);
    const hi = end === undefined ? undefined : toHex(end);
    const keys = [...this.entries.keys()]
      .filter((k) => (lo === undefined || k >= lo) && (hi === undefined || k < hi))
      .sort();
    if (order === 'descending') keys.reverse();
    return keys.map((k) => this.entries.get(k)!)[Symbol.iterator]();
  }
}

export function memoryBackend(storage = new MemoryStorage()): ContractBackend & { storage: MemoryStorage } {
  return {
    storage,
    readOnly: false,
    canonicalizeAddress: (text) =>
      text.startsWith('lat1') ? new TextEncoder().encode(text.padEnd(32).slice(0, 32)) : undefined,
    humanizeAddress: (bytes) => new TextDecoder().decode(bytes).trimEnd(),
    verifySignature: () => false,
    queryChain: () => ({ response: new TextEncoder().encode('{"error":"no chain"}'), gasUsed: 0n }),
  };
}
