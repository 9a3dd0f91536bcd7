// Regenerates the golden corpus: builds the example contracts, writes their modules and the
// outcomes of the scripted calls to packages/contracts/golden/. Review the diff before committing.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildContract } from '@lattice/contract-sdk';
import { type GoldenCase, type GoldenStep, runCase, sha256Hex } from '../src/golden.ts';

const dir = fileURLToPath(new URL('../golden', import.meta.url));
const src = (name: string) =>
  fileURLToPath(new URL(`../examples/${name}/assembly/index.ts`, import.meta.url));

const SCRIPTS: { name: string; modules: string[]; steps: GoldenStep[] }[] = [
  {
    name: 'token',
    modules: ['token'],
    steps: [
      { op: 'store', module: 'token.wasm', as: 'code' },
      {
        op: 'instantiate',
        target: 'code',
        as: 'tok',
        msg: {
          name: 'Golden',
          symbol: 'GLD',
          decimals: 6,
          initial_balances: [{ address: '$alice', amount: '1000' }],
          minter: '$alice',
        },
      },
      { op: 'execute', target: 'tok', msg: { transfer: { recipient: '$bob', amount: '300' } } },
      { op: 'execute', target: 'tok', msg: { approve: { spender: '$carol', amount: '50' } } },
      {
        op: 'execute',
        sender: 'carol',
        target: 'tok',
        msg: { transfer_from: { owner: '$alice', recipient: '$carol', amount: '20' } },
      },
      {
        op: 'execute',
        sender: 'bob',
        target: 'tok',
        msg: { transfer: { recipient: '$alice', amount: '301' } },
      },
      { op: 'execute', target: 'tok', msg: { mint: { recipient: '$bob', amount: '5' } } },
      { op: 'query', target: 'tok', msg: { balance: { address: '$bob' } } },
      { op: 'query', target: 'tok', msg: { token_info: {} } },
    ],
  },
  {
    name: 'limits',
    modules: ['adversary', 'counter'],
    steps: [
      { op: 'store', module: 'adversary.wasm', as: 'adv' },
      { op: 'instantiate', target: 'adv', as: 'bad', msg: {} },
      { op: 'execute', target: 'bad', msg: { loop: {} }, gas: '1000000' },
      { op: 'execute', target: 'bad', msg: { recurse: {} } },
      { op: 'execute', target: 'bad', msg: { grow: {} }, gas: '20000000' },
      { op: 'execute', target: 'bad', msg: { self: {} }, gas: '50000000' },
      { op: 'store', module: 'counter.wasm', as: 'ctr' },
      { op: 'instantiate', target: 'ctr', as: 'c', msg: { count: 7 } },
      { op: 'execute', sender: 'bob', target: 'c', msg: { increment: {} } },
      { op: 'execute', sender: 'bob', target: 'c', msg: { reset: { count: 0 } } },
      { op: 'query', target: 'c', msg: { count: {} } },
    ],
  },
];

const modules = new Map<string, Uint8Array>();
for (const name of new Set(SCRIPTS.flatMap((s) => s.modules))) {
  const wasm = await buildContract(src(name));
  writeFileSync(`${dir}/${name}.wasm`, wasm);
  modules.set(`${name}.wasm`, wasm);
}
const cases: GoldenCase[] = [];
for (const s of SCRIPTS) {
  const c: GoldenCase = {
    name: s.name,
    modules: Object.fromEntries(s.modules.map((m) => [`${m}.wasm`, sha256Hex(modules.get(`${m}.wasm`)!)])),
    steps: [],
  };
  const outcomes = runCase(
    { ...c, steps: s.steps.map((st) => ({ ...st, expect: { code: '' } })) },
    (f) => modules.get(f)!,
  );
  c.steps = s.steps.map((st, i) => ({ ...st, expect: outcomes[i]! }));
  cases.push(c);
}
writeFileSync(`${dir}/corpus.json`, `${JSON.stringify(cases, null, 2)}\n`);
process.stderr.write(`wrote ${cases.length} cases and ${modules.size} modules to ${dir}\n`);
