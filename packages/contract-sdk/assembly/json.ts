// JSON for contract messages, integers only: numbers are i64 (anything with a fraction or an
// exponent is refused), and amounts that may exceed i64 travel as strings, as in CosmWasm.

import { fail } from "./errors";

export const NULL: i32 = 0;
export const BOOL: i32 = 1;
export const INT: i32 = 2;
export const STR: i32 = 3;
export const ARR: i32 = 4;
export const OBJ: i32 = 5;

/** A parsed JSON value; object keys keep their order. */
export class Value {
  kind: i32 = NULL;
  b: bool = false;
  i: i64 = 0;
  s: string = "";
  items: Value[] = [];
  keys: string[] = [];

  static str(s: string): Value {
    const v = new Value();
    v.kind = STR;
    v.s = s;
    return v;
  }

  /** The member `key` of an object, or null. */
  get(key: string): Value | null {
    if (this.kind != OBJ) return null;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i];
    return null;
  }

  has(key: string): bool {
    return this.get(key) !== null;
  }

  /** The member `key`, which must exist. */
  req(key: string): Value {
    const v = this.get(key);
    if (v === null) fail("missing field `" + key + "`");
    return v!;
  }

  /** A required string member. */
  string(key: string): string {
    const v = this.req(key);
    if (v.kind != STR) fail("field `" + key + "` must be a string");
    return v.s;
  }

  /** An optional string member ("" when absent or null). */
  stringOr(key: string, fallback: string): string {
    const v = this.get(key);
    if (v === null || v.kind == NULL) return fallback;
    if (v.kind != STR) fail("field `" + key + "` must be a string");
    return v.s;
  }

  /** A required integer member; a decimal string is accepted too (amounts are strings). */
  int(key: string): i64 {
    const v = this.req(key);
    if (v.kind == INT) return v.i;
    if (v.kind == STR) return parseDecimal(v.s, key);
    fail("field `" + key + "` must be an integer");
    return 0;
  }

  /** A required non-negative amount up to u64, written as a decimal string or a number. */
  amount(key: string): u64 {
    const v = this.req(key);
    if (v.kind == STR) return parseUnsigned(v.s, key);
    if (v.kind == INT && v.i >= 0) return <u64>v.i;
    fail("field `" + key + "` must be a non-negative integer");
    return 0;
  }

  /** For messages shaped {"variant": {...}}: the one key. */
  variant(): string {
    if (this.kind != OBJ || this.keys.length != 1) fail("message must be an object with exactly one key");
    return this.keys[0];
  }

  /** For messages shaped {"variant": {...}}: the body. */
  body(): Value {
    this.variant();
    return this.items[0];
  }
}

export function parseDecimal(s: string, what: string): i64 {
  if (s.length == 0 || s.length > 19) fail("`" + what + "` is not a decimal integer in range");
  let n: i64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) fail("`" + what + "` is not a decimal integer");
    const next = n * 10 + <i64>(c - 48);
    if (next < n) fail("`" + what + "` is out of range");
    n = next;
  }
  return n;
}

/** A decimal string as u64 (up to 18446744073709551615); anything else aborts. */
export function parseUnsigned(s: string, what: string): u64 {
  if (s.length == 0 || s.length > 20) fail("`" + what + "` is not a decimal integer in the u64 range");
  let n: u64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) fail("`" + what + "` is not a decimal integer");
    const digit = <u64>(c - 48);
    if (n > (u64.MAX_VALUE - digit) / 10) fail("`" + what + "` is out of the u64 range");
    n = n * 10 + digit;
  }
  return n;
}

class Parser {
  pos: i32 = 0;
  constructor(public text: string) {}

  ws(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c != 32 && c != 9 && c != 10 && c != 13) break;
      this.pos++;
    }
  }

  peek(): i32 {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  expect(c: i32): void {
    if (this.peek() != c) fail("invalid JSON at offset " + this.pos.toString());
    this.pos++;
  }

  literal(word: string): void {
    if (this.text.substr(this.pos, word.length) != word) fail("invalid JSON at offset " + this.pos.toString());
    this.pos += word.length;
  }

  value(depth: i32): Value {
    if (depth > 64) fail("JSON nests too deep");
    this.ws();
    const c = this.peek();
    const v = new Value();
    if (c == 123) {
      v.kind = OBJ;
      this.pos++;
      this.ws();
      if (this.peek() == 125) {
        this.pos++;
        return v;
      }
      for (;;) {
        this.ws();
        v.keys.push(this.string());
        this.ws();
        this.expect(58);
        v.items.push(this.value(depth + 1));
        this.ws();
        if (this.peek() == 44) {
          this.pos++;
          continue;
        }
        this.expect(125);
        return v;
      }
    }
    if (c == 91) {
      v.kind = ARR;
      this.pos++;
      this.ws();
      if (this.peek() == 93) {
        this.pos++;
        return v;
      }
      for (;;) {
        v.items.push(this.value(depth + 1));
        this.ws();
        if (this.peek() == 44) {
          this.pos++;
          continue;
        }
        this.expect(93);
        return v;
      }
    }
    if (c == 34) {
      v.kind = STR;
      v.s = this.string();
      return v;
    }
    if (c == 116) {
      this.literal("true");
      v.kind = BOOL;
      v.b = true;
      return v;
    }
    if (c == 102) {
      this.literal("false");
      v.kind = BOOL;
      return v;
    }
    if (c == 110) {
      this.literal("null");
      return v;
    }
    v.kind = INT;
    v.i = this.integer();
    return v;
  }

  integer(): i64 {
    const negative = this.peek() == 45;
    if (negative) this.pos++;
    const start = this.pos;
    let n: i64 = 0;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c < 48 || c > 57) break;
      const next = n * 10 - <i64>(c - 48);
      if (next > n) fail("JSON number out of the i64 range");
      n = next;
      this.pos++;
    }
    if (this.pos == start) fail("invalid JSON at offset " + start.toString());
    const c = this.peek();
    if (c == 46 || c == 101 || c == 69) fail("JSON numbers must be integers (send amounts as strings)");
    if (negative) return n;
    if (n == i64.MIN_VALUE) fail("JSON number out of the i64 range");
    return -n;
  }

  string(): string {
    this.expect(34);
    const parts: string[] = [];
    let start = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) fail("unterminated JSON string");
      const c = this.text.charCodeAt(this.pos);
      if (c == 34) {
        parts.push(this.text.substring(start, this.pos));
        this.pos++;
        return parts.join("");
      }
      if (c < 32) fail("control character in a JSON string");
      if (c != 92) {
        this.pos++;
        continue;
      }
      parts.push(this.text.substring(start, this.pos));
      this.pos++;
      const e = this.peek();
      this.pos++;
      if (e == 34) parts.push("\"");
      else if (e == 92) parts.push("\\");
      else if (e == 47) parts.push("/");
      else if (e == 98) parts.push("\b");
      else if (e == 102) parts.push("\f");
      else if (e == 110) parts.push("\n");
      else if (e == 114) parts.push("\r");
      else if (e == 116) parts.push("\t");
      else if (e == 117) {
        const hex = this.text.substr(this.pos, 4);
        if (hex.length != 4) fail("bad \\u escape in a JSON string");
        let code: i32 = 0;
        for (let i = 0; i < 4; i++) {
          const h = hex.charCodeAt(i);
          code <<= 4;
          if (h >= 48 && h <= 57) code |= h - 48;
          else if (h >= 97 && h <= 102) code |= h - 87;
          else if (h >= 65 && h <= 70) code |= h - 55;
          else fail("bad \\u escape in a JSON string");
        }
        parts.push(String.fromCharCode(code));
        this.pos += 4;
      } else fail("bad escape in a JSON string");
      start = this.pos;
    }
    return "";
  }
}

/** Parses JSON text; anything malformed (or a non-integer number) aborts the call. */
export function parse(text: string): Value {
  const p = new Parser(text);
  const v = p.value(0);
  p.ws();
  if (p.pos != text.length) fail("trailing characters after JSON");
  return v;
}

export function parseBytes(bytes: Uint8Array): Value {
  return parse(String.UTF8.decode(bytes.buffer));
}

/** Quotes a string as a JSON string literal. */
export function quote(s: string): string {
  const parts: string[] = ["\""];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc = "";
    if (c == 34) esc = "\\\"";
    else if (c == 92) esc = "\\\\";
    else if (c == 10) esc = "\\n";
    else if (c == 13) esc = "\\r";
    else if (c == 9) esc = "\\t";
    else if (c < 32) esc = "\\u00" + (c < 16 ? "0" : "") + c.toString(16);
    else continue;
    parts.push(s.substring(start, i));
    parts.push(esc);
    start = i + 1;
  }
  parts.push(s.substring(start));
  parts.push("\"");
  return parts.join("");
}

/**
 * Builds JSON text: `new Obj().str("a", "x").int("n", 5).toString()`. Keys are written in the
 * order they are set.
 */
export class Obj {
  parts: string[] = [];

  private key(k: string): void {
    if (this.parts.length > 0) this.parts.push(",");
    this.parts.push(quote(k));
    this.parts.push(":");
  }

  str(k: string, v: string): Obj {
    this.key(k);
    this.parts.push(quote(v));
    return this;
  }

  int(k: string, v: i64): Obj {
    this.key(k);
    this.parts.push(v.toString());
    return this;
  }

  /** An unsigned amount, as a decimal string (CosmWasm's Uint convention). */
  amount(k: string, v: u64): Obj {
    this.key(k);
    this.parts.push(quote(v.toString()));
    return this;
  }

  bool(k: string, v: bool): Obj {
    this.key(k);
    this.parts.push(v ? "true" : "false");
    return this;
  }

  null(k: string): Obj {
    this.key(k);
    this.parts.push("null");
    return this;
  }

  /** A member whose value is already JSON text. */
  raw(k: string, json: string): Obj {
    this.key(k);
    this.parts.push(json);
    return this;
  }

  obj(k: string, v: Obj): Obj {
    return this.raw(k, v.toString());
  }

  toString(): string {
    return "{" + this.parts.join("") + "}";
  }
}

/** A JSON array of already-encoded values. */
export function array(items: string[]): string {
  return "[" + items.join(",") + "]";
}
