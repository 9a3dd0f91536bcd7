// A time-locked escrow: coins sent with instantiate are held until `release_height`; from then
// anyone may release them to the recipient. Until it is released the arbiter may refund them to
// whoever funded it.
//
// instantiate {"arbiter","recipient","release_height"} (with funds)
// execute     {"release":{}}  {"refund":{}}
// query       {"config":{}} → {"arbiter","recipient","source","release_height","state"}
import {
  Coin,
  Env,
  executeWith,
  fail,
  Info,
  instantiateWith,
  Item,
  Obj,
  queryWith,
  queryBalance,
  requireAddress,
  Response,
  StorageMap,
  Value,
} from "@lattice/contract-sdk";

export { allocate, deallocate, interface_version_1 } from "@lattice/contract-sdk";

const ARBITER = new Item<string>("arbiter");
const RECIPIENT = new Item<string>("recipient");
const SOURCE = new Item<string>("source");
const RELEASE_HEIGHT = new Item<i64>("release_height");
/** "open" until released or refunded. */
const STATE = new Item<string>("state");
/** The denominations funded (the amounts are whatever the contract holds when it pays out). */
const DENOMS = new StorageMap<bool>("denoms");

function onInstantiate(env: Env, info: Info, msg: Value): Response {
  if (info.funds.length == 0) fail("an escrow must be funded when it is created");
  ARBITER.save(requireAddress(msg.string("arbiter"), "arbiter"));
  RECIPIENT.save(requireAddress(msg.string("recipient"), "recipient"));
  SOURCE.save(info.sender);
  const height = msg.int("release_height");
  if (height <= env.height) fail("release_height must be in the future");
  RELEASE_HEIGHT.save(height);
  STATE.save("open");
  for (let i = 0; i < info.funds.length; i++) DENOMS.save(info.funds[i].denom, true);
  return new Response().add("action", "fund").add("release_height", height.toString());
}

/** Everything the contract holds in the funded denominations. */
function holdings(env: Env): Coin[] {
  const denoms = DENOMS.range("", "", 16);
  const out: Coin[] = [];
  for (let i = 0; i < denoms.length; i++) {
    const amount = queryBalance(env.contract, denoms[i].key);
    if (amount > 0) out.push(new Coin(denoms[i].key, amount));
  }
  return out;
}

function payOut(env: Env, to: string, action: string): Response {
  if (STATE.load("") != "open") fail("the escrow is already " + STATE.load(""));
  STATE.save(action == "release" ? "released" : "refunded");
  const coins = holdings(env);
  const r = new Response().add("action", action).add("to", to);
  if (coins.length > 0) r.bankSend(to, coins);
  return r;
}

function onExecute(env: Env, info: Info, msg: Value): Response {
  const action = msg.variant();
  if (action == "release") {
    const height = RELEASE_HEIGHT.load(0);
    if (env.height < height) fail("locked until height " + height.toString());
    return payOut(env, RECIPIENT.load(""), "release");
  }
  if (action == "refund") {
    if (info.sender != ARBITER.load("")) fail("only the arbiter can refund");
    return payOut(env, SOURCE.load(""), "refund");
  }
  fail("unknown message: " + action);
  return new Response();
}

function onQuery(env: Env, msg: Value): string {
  if (msg.variant() != "config") fail("unknown query: " + msg.variant());
  return new Obj()
    .str("arbiter", ARBITER.load(""))
    .str("recipient", RECIPIENT.load(""))
    .str("source", SOURCE.load(""))
    .int("release_height", RELEASE_HEIGHT.load(0))
    .str("state", STATE.load(""))
    .toString();
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
