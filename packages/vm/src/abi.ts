import { sig } from './types.ts';
import type { RequiredExport, ValidationPolicy } from './validate.ts';

/**
 * The contract ABI, version 1 (CosmWasm's shape): entry points take pointers to regions holding
 * JSON (env, info, message) and return a pointer to a region holding the JSON result,
 * `{"ok": …}` or `{"error": "…"}`. The exact formats are in packages/vm/ABI.md.
 */
export const ABI_VERSION_EXPORT = 'interface_version_1';
/**
 * Run on every fresh instance before the entry point, if exported (WASI's reactor convention):
 * module-level initialisation, which a start function would do but may not (it would run
 * unmetered at instantiation). AssemblyScript emits it with --exportStart.
 */
export const INITIALIZE_EXPORT = '_initialize';

export type EntryPoint = 'instantiate' | 'execute' | 'query' | 'migrate' | 'reply';

/** Entry points with (env, info, msg); the others take (env, msg). */
export const ENTRY_ARITY: Readonly<Record<EntryPoint, 2 | 3>> = {
  instantiate: 3,
  execute: 3,
  query: 2,
  migrate: 2,
  reply: 2,
};

const i32 = 'i32' as const;

/** Host functions a contract may import from "env", with their exact signatures. */
export const HOST_SIGNATURES = new Map([
  ['env.db_read', sig([i32], [i32])],
  ['env.db_write', sig([i32, i32])],
  ['env.db_remove', sig([i32])],
  ['env.db_scan', sig([i32, i32, i32], [i32])],
  ['env.db_next', sig([i32], [i32])],
  ['env.addr_validate', sig([i32], [i32])],
  ['env.addr_canonicalize', sig([i32], [i32])],
  ['env.addr_humanize', sig([i32], [i32])],
  ['env.sha256', sig([i32], [i32])],
  ['env.mldsa_verify', sig([i32, i32, i32, i32], [i32])],
  ['env.query_chain', sig([i32], [i32])],
  ['env.abort', sig([i32])],
  ['env.debug', sig([i32])],
]);

const REQUIRED: RequiredExport[] = [
  { name: 'memory', kind: 'memory' },
  { name: INITIALIZE_EXPORT, kind: 'func', sig: sig([]), optional: true },
  { name: ABI_VERSION_EXPORT, kind: 'func', sig: sig([]) },
  { name: 'allocate', kind: 'func', sig: sig([i32], [i32]) },
  { name: 'deallocate', kind: 'func', sig: sig([i32]) },
];

/** What upload validation demands of a contract: the ABI exports (instantiate required) and host imports. */
export const CONTRACT_POLICY: ValidationPolicy = {
  imports: HOST_SIGNATURES,
  requiredExports: [
    ...REQUIRED,
    ...(Object.entries(ENTRY_ARITY) as [EntryPoint, number][]).map(([name, n]) => ({
      name,
      kind: 'func' as const,
      sig: sig(Array(n).fill(i32), [i32]),
      optional: name !== 'instantiate',
    })),
  ],
};
