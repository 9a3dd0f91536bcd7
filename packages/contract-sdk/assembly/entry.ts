// Entry point plumbing: a contract's exported instantiate/execute/query/migrate call these with
// its handler, which gets parsed inputs and returns a Response (or, for query, JSON text).

import { Env, Info } from "./context";
import { parse, Value } from "./json";
import { regionString, stringRegion } from "./region";
import { Response } from "./response";

export type Handler = (env: Env, info: Info, msg: Value) => Response;
export type EnvHandler = (env: Env, msg: Value) => Response;
export type QueryHandler = (env: Env, msg: Value) => string;

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
