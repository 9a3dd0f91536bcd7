// Calls another contract as a sub-message and remembers how it went (reply).
//
// execute {"call": {"contract", "msg": {…}, "reply_on": "never"|"success"|"error"|"always"}}
// query   {"last_reply": {}} → {"id", "ok", "error"}   {"calls": {}} → {"calls": n}
import {
  Env,
  executeWith,
  fail,
  Info,
  instantiateWith,
  Item,
  Obj,
  queryWith,
  Reply,
  replyWith,
  requireAddress,
  Response,
  Value,
} from "@lattice/contract-sdk";

export { allocate, deallocate, interface_version_1 } from "@lattice/contract-sdk";

const CALLS = new Item<i64>("calls");
const LAST_ID = new Item<i64>("last_id");
const LAST_OK = new Item<bool>("last_ok");
const LAST_ERROR = new Item<string>("last_error");

function onInstantiate(env: Env, info: Info, msg: Value): Response {
  return new Response();
}

function onExecute(env: Env, info: Info, msg: Value): Response {
  if (msg.variant() != "call") fail("unknown message: " + msg.variant());
  const body = msg.body();
  const target = requireAddress(body.string("contract"), "contract");
  const inner = body.req("msg");
  // Re-serialise the inner message: it is an object of string or integer fields here.
  const o = new Obj();
  const v = inner.body();
  const fields = new Obj();
  for (let i = 0; i < v.keys.length; i++) {
    const f = v.items[i];
    if (f.kind == 2) fields.int(v.keys[i], f.i);
    else fields.str(v.keys[i], f.s);
  }
  o.obj(inner.variant(), fields);
  const id = CALLS.load(0) + 1;
  CALLS.save(id);
  return new Response().add("call", id.toString()).executeContract(target, o.toString(), [], id, body.stringOr("reply_on", "never"));
}

function onReply(env: Env, reply: Reply): Response {
  LAST_ID.save(reply.id);
  LAST_OK.save(reply.ok);
  LAST_ERROR.save(reply.error);
  return new Response().add("reply", reply.id.toString()).add("ok", reply.ok ? "true" : "false");
}

function onQuery(env: Env, msg: Value): string {
  if (msg.variant() == "calls") return new Obj().int("calls", CALLS.load(0)).toString();
  return new Obj()
    .int("id", LAST_ID.load(0))
    .bool("ok", LAST_OK.load(false))
    .str("error", LAST_ERROR.load(""))
    .toString();
}

export function instantiate(env: usize, info: usize, msg: usize): usize {
  return instantiateWith(env, info, msg, onInstantiate);
}

export function execute(env: usize, info: usize, msg: usize): usize {
  return executeWith(env, info, msg, onExecute);
}

export function reply(env: usize, msg: usize): usize {
  return replyWith(env, msg, onReply);
}

export function query(env: usize, msg: usize): usize {
  return queryWith(env, msg, onQuery);
}
