// Entry point plumbing: a contract's exported instantiate/execute/query/migrate call these with
// its handler, which gets parsed inputs and returns a Response (or, for query, JSON text).

import { Env, Info } from "./context";
import { parse, Value } from "./json";
import { regionString, stringRegion } from "./region";
import { Response } from "./response";

export type Handler = (env: Env, info: Info, msg: Value) => Response;
export type EnvHandler = (env: Env, msg: Value) => Response;
export type QueryHandler = (env: Env, msg: Value) => string;
export type ReplyHandler = (env: Env, reply: Reply) => Response;

/** How a sub-message went, as the `reply` entry point hears it. */
export class Reply {
  id: i64 = 0;
  ok: bool = false;
  /** The failure, when !ok. */
  error: string = "";
  /** The sub-message's events, when ok: [{"type", "attributes": [{"key", "value"}]}]. */
  events: Value = new Value();
}

function ok(json: string): usize {
  return stringRegion("{\"ok\":" + json + "}");
}

export function instantiateWith(env: usize, info: usize, msg: usize, handler: Handler): usize {
  return ok(handler(Env.fromJson(regionString(env)), Info.fromJson(regionString(info)), parse(regionString(msg))).toJson());
}

export function executeWith(env: usize, info: usize, msg: usize, handler: Handler): usize {
  return instantiateWith(env, info, msg, handler);
}

export function migrateWith(env: usize, msg: usize, handler: EnvHandler): usize {
  return ok(handler(Env.fromJson(regionString(env)), parse(regionString(msg))).toJson());
}

/** A query answers JSON text (built with Obj, quote, array …). */
export function queryWith(env: usize, msg: usize, handler: QueryHandler): usize {
  return ok(handler(Env.fromJson(regionString(env)), parse(regionString(msg))));
}

export function replyWith(env: usize, msg: usize, handler: ReplyHandler): usize {
  const v = parse(regionString(msg));
  const r = new Reply();
  r.id = v.int("id");
  const result = v.req("result");
  const success = result.get("ok");
  if (success !== null) {
    r.ok = true;
    r.events = success.req("events");
  } else r.error = result.string("error");
  return ok(handler(Env.fromJson(regionString(env)), r).toJson());
}
