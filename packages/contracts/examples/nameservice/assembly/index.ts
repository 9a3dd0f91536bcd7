// A name service: register a name for a fee, point it at an address, hand it to someone else,
// and list the names an owner holds (prefix iteration over "owner/name" keys).
//
// instantiate {"price":{"denom","amount"}}
// execute     {"register":{"name"}} (with the price)  {"set_address":{"name","address"}}
//             {"transfer":{"name","to"}}
// query       {"resolve":{"name"}} → {"owner","address"}   {"names_of":{"owner","start_after"?,"limit"?}}
import {
  Env,
  executeWith,
  fail,
  Info,
  instantiateWith,
  Item,
  Obj,
  queryWith,
  quote,
  array,
  requireAddress,
  Response,
  StorageMap,
  Value,
} from "@lattice/contract-sdk";

export { allocate, deallocate, interface_version_1 } from "@lattice/contract-sdk";

const PRICE_DENOM = new Item<string>("price_denom");
const PRICE_AMOUNT = new Item<u64>("price_amount");
const OWNER = new StorageMap<string>("owner");
const TARGET = new StorageMap<string>("target");
/** "owner/name" → true: an owner's names are one key range. */
const OWNED = new StorageMap<bool>("owned");

function validName(name: string): void {
  if (name.length < 3 || name.length > 64) fail("names are 3 to 64 characters");
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45;
    if (!ok) fail("names use a-z, 0-9 and '-'");
  }
}

function requireOwner(name: string, sender: string): void {
  const owner = OWNER.load(name, "");
  if (owner.length == 0) fail("name " + name + " is not registered");
  if (owner != sender) fail("only the owner of " + name + " can change it");
}

function onInstantiate(env: Env, info: Info, msg: Value): Response {
  const price = msg.req("price");
  PRICE_DENOM.save(price.string("denom"));
  PRICE_AMOUNT.save(price.amount("amount"));
  return new Response().add("action", "instantiate");
}

function onExecute(env: Env, info: Info, msg: Value): Response {
  const action = msg.variant();
  const body = msg.body();
  const name = body.string("name");
  validName(name);
  if (action == "register") {
    if (OWNER.has(name)) fail("name " + name + " is taken");
    const paid = info.sent(PRICE_DENOM.load(""));
    if (paid < PRICE_AMOUNT.load(0)) fail("registering costs " + PRICE_AMOUNT.load(0).toString() + PRICE_DENOM.load(""));
    OWNER.save(name, info.sender);
    TARGET.save(name, info.sender);
    OWNED.save(info.sender + "/" + name, true);
    return new Response().add("action", "register").add("name", name).add("owner", info.sender);
  }
  if (action == "set_address") {
    requireOwner(name, info.sender);
    const address = requireAddress(body.string("address"), "address");
    TARGET.save(name, address);
    return new Response().add("action", "set_address").add("name", name).add("address", address);
  }
  if (action == "transfer") {
    requireOwner(name, info.sender);
    const to = requireAddress(body.string("to"), "to");
    OWNER.save(name, to);
    OWNED.remove(info.sender + "/" + name);
    OWNED.save(to + "/" + name, true);
    return new Response().add("action", "transfer").add("name", name).add("to", to);
  }
  fail("unknown message: " + action);
  return new Response();
}

function onQuery(env: Env, msg: Value): string {
  const q = msg.variant();
  const body = msg.body();
  if (q == "resolve") {
    const name = body.string("name");
    const owner = OWNER.load(name, "");
    if (owner.length == 0) return new Obj().null("owner").null("address").toString();
    return new Obj().str("owner", owner).str("address", TARGET.load(name, "")).toString();
  }
  if (q == "names_of") {
    const owner = body.string("owner");
    const after = body.stringOr("start_after", "");
    const limit = body.has("limit") ? <i32>body.int("limit") : 30;
    if (limit < 1 || limit > 100) fail("limit must be 1 to 100");
    const prefix = owner + "/";
    const entries = OWNED.range(prefix, after.length > 0 ? prefix + after : "", limit);
    const names: string[] = [];
    for (let i = 0; i < entries.length; i++) names.push(quote(entries[i].key.substring(prefix.length)));
    return new Obj().raw("names", array(names)).toString();
  }
  fail("unknown query: " + q);
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
