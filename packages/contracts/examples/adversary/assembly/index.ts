// A contract that misbehaves on request, for the vm's defences: each execute message attacks
// one limit (gas, stack, memory, storage, call depth, query depth).
import {
  debug,
  Env,
  Event,
  executeWith,
  fail,
  Info,
  instantiateWith,
  Item,
  Obj,
  queryContract,
  queryWith,
  Response,
  storageSet,
  Value,
} from "@lattice/contract-sdk";

export { allocate, deallocate, interface_version_1 } from "@lattice/contract-sdk";

const SPINS = new Item<i64>("spins");
let counter: i64 = 0;

function deep(n: i32): i32 {
  return deep(n + 1) + 1;
}

/** Recurses `n` levels, then queries itself to do it again: stacks several contracts' frames. */
function deepThenQuery(env: Env, n: i32): i32 {
  if (n == 0) {
    queryContract(env.contract, "{\"deep_query\":{}}");
    return 0;
  }
  return deepThenQuery(env, n - 1) + 1;
}

function onInstantiate(env: Env, info: Info, msg: Value): Response {
  return new Response();
}

function onExecute(env: Env, info: Info, msg: Value): Response {
  const attack = msg.variant();
  if (attack == "loop") {
    while (true) counter++;
  }
  if (attack == "recurse") {
    return new Response().add("depth", deep(0).toString());
  }
  if (attack == "grow") {
    let pages = 0;
    while (memory.grow(1) != -1) pages++;
    return new Response().add("pages", pages.toString());
  }
  if (attack == "write") {
    const value = new Uint8Array(100_000);
    for (let i = 0; i < 1_000; i++) {
      const key = new Uint8Array(4);
      store<u32>(key.dataStart, i);
      storageSet(key, value);
    }
    return new Response();
  }
  if (attack == "self") {
    SPINS.save(SPINS.load(0) + 1);
    return new Response().executeContract(env.contract, "{\"self\":{}}");
  }
  if (attack == "spam" || attack == "burst") {
    // spam fans out to 16 bursts; each call emits 16 events: past the per-tx bound.
    const r = new Response();
    for (let i = 0; i < 16; i++) r.event(new Event(attack).add("i", i.toString()));
    if (attack == "spam") for (let i = 0; i < 16; i++) r.executeContract(env.contract, "{\"burst\":{}}");
    return r;
  }
  if (attack == "ask_height") {
    // Not an attack: what a contract queried mid-call sees of the block.
    return new Response().add("height", queryContract(env.contract, "{\"height\":{}}").int("height").toString());
  }
  if (attack == "debug") {
    debug("hello from " + env.contract);
    return new Response();
  }
  fail("unknown attack: " + attack);
  return new Response();
}

function onQuery(env: Env, msg: Value): string {
  if (msg.variant() == "height") return new Obj().int("height", env.height).toString();
  if (msg.variant() == "deep_query") {
    deepThenQuery(env, 2_000);
    return new Obj().toString();
  }
  if (msg.variant() == "self") {
    queryContract(env.contract, "{\"self\":{}}");
    return new Obj().toString();
  }
  return new Obj().int("spins", SPINS.load(0)).toString();
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
