// A counter: instantiate with {"count": n}; execute {"increment": {}}, {"reset": {"count": n}}
// (owner only); query {"count": {}} → {"count": n}.
import { Env, Event, executeWith, fail, Info, instantiateWith, Item, Obj, queryWith, Response, Value } from "@lattice/contract-sdk";

export { allocate, deallocate, interface_version_1 } from "@lattice/contract-sdk";

const COUNT = new Item<i64>("count");
const OWNER = new Item<string>("owner");

function onInstantiate(env: Env, info: Info, msg: Value): Response {
  COUNT.save(msg.int("count"));
  OWNER.save(info.sender);
  return new Response().add("action", "instantiate").add("owner", info.sender);
}

function onExecute(env: Env, info: Info, msg: Value): Response {
  const action = msg.variant();
  if (action == "increment") {
    const count = COUNT.load(0) + 1;
    COUNT.save(count);
    return new Response()
      .add("action", "increment")
      .event(new Event("counter").add("count", count.toString()));
  }
  if (action == "reset") {
    if (info.sender != OWNER.load("")) fail("only the owner can reset");
    COUNT.save(msg.body().int("count"));
    return new Response().add("action", "reset");
  }
  fail("unknown message: " + action);
  return new Response();
}

function onQuery(env: Env, msg: Value): string {
  if (msg.variant() == "count") return new Obj().int("count", COUNT.load(0)).toString();
  fail("unknown query: " + msg.variant());
  return "";
}

export function instantiate(env: usize, info: usize, msg: usize): usize {
  return instantiateWith(env, info, msg, onInstantiate);
}

export function execute(env: usize, info: usize, msg: usize): usize {
  return executeWith(env, info, msg, onExecute);
}

export function query(env: usize, msg: usize): usize {
  return queryWith(env, msg, onQuery);
}
