import { createInterface } from 'node:readline';
import { LatticeError } from '@lattice/utils';

/** Reads all of stdin (for piped mnemonics and passwords). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal; input is hidden for secrets. Fails clearly when there is no terminal. */
export async function ask(question: string, opts: { secret?: boolean } = {}): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `${question.replace(/:\s*$/, '')} is needed but there is no terminal to ask on`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (opts.secret) {
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    out._writeToOutput = (s: string) => {
      if (s.includes(question)) out.output.write(s);
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    if (opts.secret) process.stderr.write('\n');
    rl.close();
  }
}
