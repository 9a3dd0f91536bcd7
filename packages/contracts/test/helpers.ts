import { fileURLToPath } from 'node:url';
import { buildContract } from '@lattice/contract-sdk';
import { isLatticeError } from '@lattice/utils';

const built = new Map<string, Promise<Uint8Array>>();

/** The example contract `name`, compiled once per test process. */
export function example(name: string): Promise<Uint8Array> {
  let p = built.get(name);
  if (p === undefined) {
    p = buildContract(fileURLToPath(new URL(`../examples/${name}/assembly/index.ts`, import.meta.url)));
    built.set(name, p);
  }
  return p;
}

/** For assert.throws: the contract aborted with a message matching `pattern`. */
export const aborted = (pattern: RegExp) => (e: unknown) =>
  isLatticeError(e, 'WASM_ABORTED') && pattern.test(e.message);
