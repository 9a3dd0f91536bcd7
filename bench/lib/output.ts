/** Progress and log lines go to stderr, so stdout carries only the report (or its JSON). */
export const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** Whether progress lines are shown: callers in hot loops check it before formatting one. */
export const showsProgress = process.stderr.isTTY === true;

export const progress = (s: string): void => {
  if (showsProgress) process.stderr.write(`\r${s}\x1b[K`);
};

/** The report: JSON on --json, otherwise the human lines. */
export function printReport(asJson: boolean, data: object, lines: string[]): void {
  if (asJson) process.stdout.write(`${JSON.stringify(data)}\n`);
  else process.stdout.write(['', ...lines, ''].join('\n'));
}
