import { isLatticeError } from '@lattice/utils';

/** Human output by default, JSON with --json; errors always carry a code and a plain sentence. */
export class Output {
  readonly json: boolean;

  constructor(json: boolean) {
    this.json = json;
  }

  result(data: unknown, human: () => string): void {
    if (this.json) process.stdout.write(`${JSON.stringify(data, replacer, 2)}\n`);
    else process.stdout.write(`${human()}\n`);
  }

  /** Progress goes to stderr so stdout stays clean for pipes and --json. */
  progress(text: string): void {
    if (!this.json && process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
  }

  endProgress(): void {
    if (!this.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  }

  error(e: unknown): void {
    const code = isLatticeError(e) ? e.code : 'INTERNAL';
    const message = e instanceof Error ? e.message : String(e);
    if (this.json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else process.stderr.write(`error [${code}]: ${message}\n`);
  }
}

function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  return v;
}

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
