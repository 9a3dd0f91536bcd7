/** A small structured logger: one line per record to stderr, JSON or human readable. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'json' | 'text';
  write?: (line: string) => void;
}

function render(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Error) return v.message;
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

export function createLogger(opts: LoggerOptions = {}, bindings: LogFields = {}): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const format = opts.format ?? 'text';
  const log = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    const all = { ...bindings, ...fields };
    if (format === 'json') {
      write(
        JSON.stringify({ level, time: new Date().toISOString(), msg, ...all }, (_k, x) =>
          typeof x === 'bigint' ? x.toString() : x,
        ),
      );
    } else {
      const kv = Object.entries(all)
        .map(([k, v]) => `${k}=${render(v)}`)
        .join(' ');
      write(
        `${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${kv ? ` ${kv}` : ''}`,
      );
    }
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (b) => createLogger(opts, { ...bindings, ...b }),
  };
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
