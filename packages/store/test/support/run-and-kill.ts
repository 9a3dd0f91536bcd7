import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Runs a writer script (which prints each durable height on its own line) until it has reported
 * `target` heights past `from`, then SIGKILLs it. The kill lands wherever the writer happens to
 * be (usually inside a transaction or its fsync), since it keeps writing while the parent reads
 * its output. Returns the last height it reported.
 */
export async function runAndKill(
  writer: string,
  path: string,
  from: number,
  target: number,
): Promise<number> {
  const child = spawn(process.execPath, [writer, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let reported = from;
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) reported = Number(line);
    if (reported >= from + target && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, 'SIGKILL', `writer exited on its own (code ${code})`);
  return reported;
}
