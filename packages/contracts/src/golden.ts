import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ContractHarness } from '@lattice/contract-sdk';
import { isLatticeError } from '@lattice/utils';

/**
 * The golden corpus: checked-in modules and scripted calls with their exact outcomes (result
 * code, gas used, events, query answers). Any change in validation, instrumentation, costs, host
 * functions or the app's gas accounting shows up here; a deliberate one bumps
 * WASM_INSTRUMENTER_VERSION or WASM_COST_TABLE_VERSION and regenerates the corpus
 * (npm run golden:update).
 */
export interface GoldenStep {
  /** store: `module` is a file in golden/; the code id is remembered under `as`. */
  op: 'store' | 'instantiate' | 'execute' | 'query';
  sender?: string;
  module?: string;
  /** For instantiate: the code id's name; for execute/query: the contract's name. */
  target?: string;
  as?: string;
  msg?: unknown;
  funds?: { denom: string; amount: string }[];
  gas?: string;
}

export interface GoldenOutcome {
  code: string;
  gasUsed?: string;
  events?: { type: string; attributes: Record<string, string> }[];
  data?: unknown;
}

export interface GoldenCase {
  name: string;
  modules: Record<string, string>;
  steps: (GoldenStep & { expect: GoldenOutcome })[];
}

export function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Runs a case's steps on a fresh harness and returns each outcome (the caller compares or records). */
export function runCase(c: GoldenCase, readModule: (file: string) => Uint8Array): GoldenOutcome[] {
  const h = ContractHarness.create(['alice', 'bob', 'carol']);
  const names = new Map<string, string>();
  const resolve = (v: unknown): unknown =>
    typeof v === 'string' && v.startsWith('$') ? (names.get(v.slice(1)) ?? h.address(v.slice(1))) : v;
  const deep = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(deep)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
        : resolve(v);
  const out: GoldenOutcome[] = [];
  try {
    for (const s of c.steps) {
      const sender = s.sender ?? 'alice';
      const funds = (s.funds ?? []).map((f) => ({ denom: f.denom, amount: BigInt(f.amount) }));
      const gas = s.gas === undefined ? {} : { gas: BigInt(s.gas) };
      try {
        if (s.op === 'store') {
          const id = h.storeCode(sender, readModule(s.module!));
          names.set(s.as!, id.toString());
          out.push({ code: 'OK', data: id.toString() });
        } else if (s.op === 'instantiate') {
          const addr = h.instantiate(sender, BigInt(names.get(s.target!)!), deep(s.msg), { funds, ...gas });
          names.set(s.as!, addr);
          out.push({ code: 'OK', data: addr });
        } else if (s.op === 'execute') {
          const r = h.execute(sender, names.get(s.target!)!, deep(s.msg), { funds, ...gas });
          out.push({
            code: 'OK',
            gasUsed: r.gasUsed.toString(),
            events: r.events.filter((e) => e.type.startsWith('wasm')),
          });
        } else {
          out.push({ code: 'OK', data: h.query(names.get(s.target!)!, deep(s.msg)) });
        }
      } catch (e) {
        if (!isLatticeError(e)) throw e;
        out.push({
          code: e.code,
          ...(e.meta.gasUsed === undefined ? {} : { gasUsed: String(e.meta.gasUsed) }),
        });
      }
    }
  } finally {
    h.close();
  }
  return out;
}

export function readGoldenModule(dir: string, file: string, expectedSha: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(`${dir}/${file}`));
  if (sha256Hex(bytes) !== expectedSha)
    throw new Error(`golden module ${file} changed (sha256 ${sha256Hex(bytes)})`);
  return bytes;
}
