import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lattice } from './run-cli.ts';

function npm(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('lattice contract new', () => {
  const parent = mkdtempSync(join(tmpdir(), 'lattice-scaffold-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('scaffolds a project outside the repository that builds and tests with one command each', async () => {
    const created = await lattice(['contract', 'new', 'my-counter', '--dir', parent], {});
    assert.equal(created.code, 0, created.stderr);
    const dir = join(parent, 'my-counter');
    const build = await npm(['run', 'build'], dir);
    assert.equal(build.code, 0, build.out);
    assert.match(build.out, /passes upload validation/);
    assert.ok(existsSync(join(dir, 'build', 'my-counter.wasm')));
    const test = await npm(['test'], dir);
    assert.equal(test.code, 0, test.out);
    assert.match(test.out, /pass 2/);
  });

  it('refuses a bad name or an existing directory', async () => {
    assert.notEqual((await lattice(['contract', 'new', 'Bad Name', '--dir', parent], {})).code, 0);
    assert.notEqual((await lattice(['contract', 'new', 'my-counter', '--dir', parent], {})).code, 0);
  });
});
