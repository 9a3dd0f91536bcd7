import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContract } from '@lattice/contract-sdk';
import { LatticeError } from '@lattice/utils';
import { CONTRACT_POLICY, validateModule } from '@lattice/vm';
import type { Context } from '../context.ts';

export const CONTRACT_USAGE = `lattice contract — write contracts in AssemblyScript

  contract new NAME [--dir PARENT]   scaffold PARENT/NAME: a contract, its test, and
                                     "npm run build" / "npm test" that work right away
  contract build [DIR]               compile DIR/assembly/index.ts to DIR/build/NAME.wasm and
                                     check it as an upload would be checked
  contract test [DIR]                build, then run DIR/test/ against the real app (no node)`;

const CLI_BIN = fileURLToPath(new URL('../../bin/lattice.ts', import.meta.url));
const RESOLVE_HOOK = fileURLToPath(new URL('../../../contract-sdk/src/resolve-hook.ts', import.meta.url));

function projectName(dir: string): string {
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
    if (name) return name;
  }
  return basename(resolve(dir));
}

/** The template is the counter example itself, so it is built and tested with the others. */
const TEMPLATE = fileURLToPath(
  new URL('../../../contracts/examples/counter/assembly/index.ts', import.meta.url),
);

const testTemplate = (name: string) => `import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ContractHarness } from '@lattice/contract-sdk';

// Runs against the real Lattice app and vm in-process: no node needed.
describe('${name}', () => {
  let h;
  let counter;
  before(() => {
    h = ContractHarness.create(['alice', 'bob']);
    const codeId = h.storeCode('alice', readFileSync(new URL('../build/${name}.wasm', import.meta.url)));
    counter = h.instantiate('alice', codeId, { count: 1 });
  });
  after(() => h.close());

  test('increments and answers queries', () => {
    const receipt = h.execute('bob', counter, { increment: {} });
    assert.equal(receipt.events.find((e) => e.type === 'wasm-counter').attributes.count, '2');
    assert.deepEqual(h.query(counter, { count: {} }), { count: 2 });
  });

  test('only the owner resets', () => {
    assert.throws(() => h.execute('bob', counter, { reset: { count: 0 } }), /only the owner/);
    h.execute('alice', counter, { reset: { count: 0 } });
    assert.deepEqual(h.query(counter, { count: {} }), { count: 0 });
  });
});
`;

function scaffold(ctx: Context, name: string | undefined, parent: string): void {
  if (name === undefined || !/^[a-z][a-z0-9-]{0,63}$/.test(name)) {
    throw new LatticeError('INVALID_ARGUMENT', 'NAME must be lower-case letters, digits and "-" (a-z first)');
  }
  const dir = resolve(parent, name);
  if (existsSync(dir)) throw new LatticeError('INVALID_ARGUMENT', `${dir} already exists`);
  const cli = `"${process.execPath}" "${CLI_BIN}"`;
  mkdirSync(join(dir, 'assembly'), { recursive: true });
  mkdirSync(join(dir, 'test'));
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(
      {
        name,
        private: true,
        type: 'module',
        scripts: { build: `${cli} contract build`, test: `${cli} contract test` },
      },
      null,
      2,
    )}\n`,
    'assembly/index.ts': readFileSync(TEMPLATE, 'utf8'),
    [`test/${name}.test.js`]: testTemplate(name),
    '.gitignore': 'build/\n',
    'README.md': `# ${name}\n\nA Lattice contract in AssemblyScript.\n\n    npm run build   # build/${name}.wasm, checked as an upload would be\n    npm test        # test/ against the real app, no node needed\n\nDeploy: \`lattice wasm store KEY build/${name}.wasm --gas auto\`, then \`lattice wasm instantiate KEY CODE_ID '{"count":0}' --label ${name}\`.\n`,
  };
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  ctx.out.result({ dir, files: Object.keys(files) }, () =>
    [
      `created ${dir}`,
      ...Object.keys(files).map((f) => `  ${f}`),
      '',
      `cd ${dir} && npm run build && npm test`,
    ].join('\n'),
  );
}

async function build(ctx: Context, dir: string): Promise<string> {
  const name = projectName(dir);
  const entry = join(dir, 'assembly', 'index.ts');
  if (!existsSync(entry)) throw new LatticeError('NOT_FOUND', `${entry} does not exist`);
  ctx.out.progress(`compiling ${entry}…`);
  const wasm = await buildContract(entry);
  const summary = validateModule(wasm, CONTRACT_POLICY);
  mkdirSync(join(dir, 'build'), { recursive: true });
  const out = join(dir, 'build', `${name}.wasm`);
  writeFileSync(out, wasm);
  ctx.out.endProgress();
  const checksum = createHash('sha256').update(wasm).digest('hex');
  ctx.out.result(
    { file: out, bytes: wasm.length, checksum, exports: summary.exports.map((e) => e.name) },
    () =>
      [
        `built ${out} (${wasm.length} bytes, sha256 ${checksum})`,
        `exports: ${summary.exports.map((e) => e.name).join(', ')}`,
        'it passes upload validation',
      ].join('\n'),
  );
  return out;
}

function runTests(dir: string): Promise<number> {
  // A test runner above us (this CLI run from a test) must not make node:test skip the files.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', RESOLVE_HOOK, '--test', 'test/**/*.test.*'], {
      cwd: dir,
      env,
      stdio: 'inherit',
    });
    child.on('error', fail);
    child.on('close', (code) => done(code ?? 1));
  });
}

export async function contractCommand(
  ctx: Context,
  args: string[],
  flags: Record<string, unknown>,
): Promise<void> {
  const [sub, arg] = args;
  switch (sub) {
    case 'new':
      scaffold(ctx, arg, flags.dir === undefined ? '.' : String(flags.dir));
      return;
    case 'build':
      await build(ctx, arg ?? '.');
      return;
    case 'test': {
      const dir = arg ?? '.';
      await build(ctx, dir);
      const code = await runTests(dir);
      if (code !== 0) throw new LatticeError('INTERNAL', `contract tests failed (exit ${code})`);
      return;
    }
    default:
      process.stdout.write(`${CONTRACT_USAGE}\n`);
  }
}
