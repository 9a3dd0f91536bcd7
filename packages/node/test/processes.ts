import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** Real `latticed` processes for end-to-end tests, and a small JSON-RPC client for them. */

export const LATTICED = fileURLToPath(new URL('../bin/latticed.ts', import.meta.url));
const OUTPUT_TAIL_CHARS = 8_000;
const RPC_CHUNK = 1_000;
const POLL_MS = 200;
/** Shown from each process when a wait fails, so a CI log says why without a rerun. */
const FAILURE_TAIL_CHARS = 3_000;

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC results are checked field by field.
export type Json = any;

export { freePort, freePortRange } from '../src/ports.ts';

/** One `latticed start` child; its output is always drained and the tail kept for failure messages. */
export class NodeProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #tail = '';

  constructor(home: string) {
    this.child = spawn(process.execPath, [LATTICED, 'start', '--home', home], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => {
      this.#tail = (this.#tail + d.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get output(): string {
    return this.#tail;
  }

  async kill(
    signal: NodeJS.Signals = 'SIGKILL',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }
}

export class Rpc {
  readonly url: string;
  #id = 1;

  constructor(url: string) {
    this.url = url;
  }

  async #post(body: unknown): Promise<Json> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return res.json();
  }

  async call<T = Json>(method: string, params: unknown[] = []): Promise<T> {
    const r = await this.#post({ jsonrpc: '2.0', id: this.#id++, method, params });
    if (r.error) throw new Error(`${method}: ${r.error.data?.code} ${r.error.message}`);
    return r.result as T;
  }

  /** Responses in request order, each {result} or {error}. */
  async batch(calls: [string, unknown[]][]): Promise<{ result?: Json; error?: Json }[]> {
    const out: { result?: Json; error?: Json }[] = [];
    for (let i = 0; i < calls.length; i += RPC_CHUNK) {
      const chunk = calls.slice(i, i + RPC_CHUNK);
      const first = this.#id;
      this.#id += chunk.length;
      const body = chunk.map(([method, params], j) => ({ jsonrpc: '2.0', id: first + j, method, params }));
      const res = (await this.#post(body)) as { id: number; result?: Json; error?: Json }[];
      assert.ok(Array.isArray(res) && res.length === chunk.length, 'one response per batch entry');
      res.sort((a, b) => a.id - b.id);
      out.push(...res);
    }
    return out;
  }
}

/**
 * Polls `check` until it holds; on timeout fails with the output tail of `procs`. Startup on a
 * loaded two-core CI machine (several test files spawning nodes at once) is the slow part, so
 * callers give generous deadlines: a wait that passes returns as soon as the check holds.
 */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  ms: number,
  procs: readonly NodeProcess[] = [],
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await delay(POLL_MS);
  }
  const tails = procs.map(
    (p, i) => `--- process ${i}${p.alive ? '' : ' (exited)'}\n${p.output.slice(-FAILURE_TAIL_CHARS)}`,
  );
  assert.fail([`timed out after ${ms} ms waiting for ${what}`, ...tails].join('\n'));
}
