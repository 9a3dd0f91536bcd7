import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '@lattice/store';
import { sha256 } from '@noble/hashes/sha2.js';
import { AuthenticatedState, type StateWrite } from '../src/index.ts';

export { mulberry32 as prng } from '../../utils/test/support/prng.ts';

export function randomBytes(random: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}

export interface TempState {
  path: string;
  store: Store;
  state: AuthenticatedState;
  reopen(): Promise<TempState>;
  close(): Promise<void>;
}

const cleanups: string[] = [];
export function cleanupTempDirs(): void {
  for (const p of cleanups.splice(0)) rmSync(p, { recursive: true, force: true });
}

export function openState(path?: string, nodeCacheSize?: number): TempState {
  const dir = path ?? mkdtempSync(join(tmpdir(), 'lattice-state-'));
  if (path === undefined) cleanups.push(dir);
  const store = Store.open({ path: dir, noSync: true });
  const state = new AuthenticatedState(nodeCacheSize === undefined ? { store } : { store, nodeCacheSize });
  const t: TempState = {
    path: dir,
    store,
    state,
    async reopen() {
      await store.close();
      return openState(dir, nodeCacheSize);
    },
    close: () => store.close(),
  };
  return t;
}

/** stage + commit in one store transaction, returning the committed root. */
export function commitBlock(t: TempState, height: number, writes: StateWrite[]): Uint8Array {
  const staged = t.state.stage(height, writes);
  t.store.transaction(() => t.state.commit(staged));
  return staged.root;
}

// An independent reference: builds the whole tree from scratch from the key set, with noble's
// SHA-256, straight from the format's definition.
function nibble(h: Uint8Array, d: number): number {
  const b = h[d >> 1]!;
  return d & 1 ? b & 15 : b >> 4;
}

export function referenceRoot(entries: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const leaves: { kh: Uint8Array; hash: Uint8Array }[] = [];
  for (const [k, v] of entries) {
    const kh = sha256(k);
    leaves.push({ kh, hash: sha256(Uint8Array.from([0, ...kh, ...sha256(v)])) });
  }
  const sub = (list: typeof leaves, depth: number): Uint8Array | undefined => {
    if (list.length === 0) return undefined;
    if (list.length === 1) return list[0]!.hash;
    let mask = 0;
    const parts: number[] = [];
    for (let n = 0; n < 16; n++) {
      const h = sub(
        list.filter((l) => nibble(l.kh, depth) === n),
        depth + 1,
      );
      if (h === undefined) continue;
      mask |= 1 << n;
      parts.push(...h);
    }
    return sha256(Uint8Array.from([1, mask >> 8, mask & 0xff, ...parts]));
  };
  return sub(leaves, 0) ?? new Uint8Array(32);
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
