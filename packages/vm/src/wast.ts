// A reader for the WebAssembly spec's .wast scripts: S-expressions, with the commands kept as
// trees and each module's source text cut out verbatim (an assembler turns it into bytes).

export type Atom = { atom: string; string?: false } | { atom: string; string: true; bytes: Uint8Array };
/** A parenthesised list, with its exact source text. */
export interface SList {
  items: SExpr[];
  text: string;
}
export type SExpr = Atom | SList;

export function isList(e: SExpr | undefined): e is SList {
  return e !== undefined && 'items' in e;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

/** Decodes a wast string literal's escapes to bytes (\\n, \\t, \\\\, \\', \\", \\hh, \\u{…}). */
function stringBytes(raw: string): Uint8Array {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out.push(...enc.encode(c));
      continue;
    }
    const n = raw[++i]!;
    if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === 'r') out.push(13);
    else if (n === '\\' || n === "'" || n === '"') out.push(n.charCodeAt(0));
    else if (n === 'u') {
      const end = raw.indexOf('}', i);
      out.push(...enc.encode(String.fromCodePoint(Number.parseInt(raw.slice(i + 2, end), 16))));
      i = end;
    } else {
      out.push(Number.parseInt(raw.slice(i, i + 2), 16));
      i++;
    }
  }
  return new Uint8Array(out);
}

/** Splits a script into its top-level expressions. */
export function parseScript(src: string): SList[] {
  let i = 0;
  const skip = () => {
    for (;;) {
      while (i < src.length && isSpace(src[i]!)) i++;
      if (src.startsWith(';;', i)) {
        while (i < src.length && src[i] !== '\n') i++;
      } else if (src.startsWith('(;', i)) {
        let depth = 0;
        do {
          if (src.startsWith('(;', i)) {
            depth++;
            i += 2;
          } else if (src.startsWith(';)', i)) {
            depth--;
            i += 2;
          } else i++;
        } while (depth > 0 && i < src.length);
      } else return;
    }
  };
  const expr = (): SExpr => {
    skip();
    if (src[i] === '(') {
      const start = i++;
      const list: SExpr[] = [];
      for (;;) {
        skip();
        if (src[i] === ')') {
          i++;
          return { items: list, text: src.slice(start, i) };
        }
        if (i >= src.length) throw new Error('unbalanced parentheses in wast script');
        list.push(expr());
      }
    }
    if (src[i] === '"') {
      const start = ++i;
      while (src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      const raw = src.slice(start, i++);
      return { atom: raw, string: true, bytes: stringBytes(raw) };
    }
    const start = i;
    while (i < src.length && !isSpace(src[i]!) && src[i] !== '(' && src[i] !== ')' && src[i] !== ';') i++;
    return { atom: src.slice(start, i) };
  };
  const out: SList[] = [];
  for (;;) {
    skip();
    if (i >= src.length) return out;
    const e = expr();
    if (isList(e)) out.push(e);
  }
}

/** The keyword a list starts with. */
export function head(e: SExpr | undefined): string | undefined {
  const first = isList(e) ? e.items[0] : undefined;
  return first !== undefined && !isList(first) ? first.atom : undefined;
}
