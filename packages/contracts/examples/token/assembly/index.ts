// A fungible token (CW20's shape). Amounts are u64, sent and returned as decimal strings.
//
// instantiate {"name","symbol","decimals","initial_balances":[{"address","amount"}],"minter"?}
// execute     {"transfer":{"recipient","amount"}}  {"approve":{"spender","amount"}}
//             {"transfer_from":{"owner","recipient","amount"}}  {"mint":{"recipient","amount"}}
//             {"burn":{"amount"}}
// query       {"balance":{"address"}}  {"allowance":{"owner","spender"}}  {"token_info":{}}
//             {"minter":{}}
import {
  Env,
  Event,
  executeWith,
  fail,
  Info,
  instantiateWith,
  Item,
  Obj,
  queryWith,
  requireAddress,
  Response,
  StorageMap,
  Value,
} from "@lattice/contract-sdk";

export { allocate, deallocate, interface_version_1 } from "@lattice/contract-sdk";

const NAME = new Item<string>("name");
const SYMBOL = new Item<string>("symbol");
const DECIMALS = new Item<i64>("decimals");
const MINTER = new Item<string>("minter");
const TOTAL_SUPPLY = new Item<u64>("total_supply");
const BALANCES = new StorageMap<u64>("balance");
const ALLOWANCES = new StorageMap<u64>("allowance");

function add(a: u64, b: u64): u64 {
  const c = a + b;
  if (c < a) fail("amount overflows");
  return c;
}

function credit(address: string, amount: u64): void {
  BALANCES.save(address, add(BALANCES.load(address, 0), amount));
}

function debit(address: string, amount: u64): void {
  const have = BALANCES.load(address, 0);
  if (have < amount) fail("insufficient balance: " + address + " has " + have.toString() + ", needs " + amount.toString());
  if (have == amount) BALANCES.remove(address);
  else BALANCES.save(address, have - amount);
}

function allowanceKey(owner: string, spender: string): string {
  return owner + "/" + spender;
}

function positive(v: Value, key: string): u64 {
  const amount = v.amount(key);
  if (amount == 0) fail("amount must be positive");
  return amount;
}

function transferEvent(action: string, from: string, to: string, amount: u64): Response {
  return new Response()
    .add("action", action)
    .add("from", from)
    .add("to", to)
    .add("amount", amount.toString());
}

function onInstantiate(env: Env, info: Info, msg: Value): Response {
  const name = msg.string("name");
  const symbol = msg.string("symbol");
  if (name.length < 1 || name.length > 50) fail("name must be 1 to 50 characters");
  if (symbol.length < 2 || symbol.length > 12) fail("symbol must be 2 to 12 characters");
  const decimals = msg.int("decimals");
  if (decimals < 0 || decimals > 18) fail("decimals must be 0 to 18");
  NAME.save(name);
  SYMBOL.save(symbol);
  DECIMALS.save(decimals);
  const minter = msg.stringOr("minter", "");
  if (minter.length > 0) MINTER.save(requireAddress(minter, "minter"));
  let supply: u64 = 0;
  const initial = msg.get("initial_balances");
  if (initial !== null) {
    for (let i = 0; i < initial.items.length; i++) {
      const entry = initial.items[i];
      const amount = entry.amount("amount");
      credit(requireAddress(entry.string("address"), "initial balance address"), amount);
      supply = add(supply, amount);
    }
  }
  TOTAL_SUPPLY.save(supply);
  return new Response().add("action", "instantiate").add("name", name).add("symbol", symbol).add("total_supply", supply.toString());
}

function onExecute(env: Env, info: Info, msg: Value): Response {
  const action = msg.variant();
  const body = msg.body();
  if (action == "transfer") {
    const recipient = requireAddress(body.string("recipient"), "recipient");
    const amount = positive(body, "amount");
    debit(info.sender, amount);
    credit(recipient, amount);
    return transferEvent("transfer", info.sender, recipient, amount);
  }
  if (action == "approve") {
    const spender = requireAddress(body.string("spender"), "spender");
    const amount = body.amount("amount");
    if (amount == 0) ALLOWANCES.remove(allowanceKey(info.sender, spender));
    else ALLOWANCES.save(allowanceKey(info.sender, spender), amount);
    return new Response()
      .add("action", "approve")
      .add("owner", info.sender)
      .add("spender", spender)
      .add("amount", amount.toString());
  }
  if (action == "transfer_from") {
    const owner = requireAddress(body.string("owner"), "owner");
    const recipient = requireAddress(body.string("recipient"), "recipient");
    const amount = positive(body, "amount");
    const key = allowanceKey(owner, info.sender);
    const allowed = ALLOWANCES.load(key, 0);
    if (allowed < amount) fail("allowance of " + info.sender + " is " + allowed.toString() + ", needs " + amount.toString());
    if (allowed == amount) ALLOWANCES.remove(key);
    else ALLOWANCES.save(key, allowed - amount);
    debit(owner, amount);
    credit(recipient, amount);
    return transferEvent("transfer_from", owner, recipient, amount).add("by", info.sender);
  }
  if (action == "mint") {
    const minter = MINTER.load("");
    if (minter.length == 0 || info.sender != minter) fail("only the minter can mint");
    const recipient = requireAddress(body.string("recipient"), "recipient");
    const amount = positive(body, "amount");
    TOTAL_SUPPLY.save(add(TOTAL_SUPPLY.load(0), amount));
    credit(recipient, amount);
    return new Response()
      .add("action", "mint")
      .add("to", recipient)
      .add("amount", amount.toString())
      .event(new Event("supply").add("total_supply", TOTAL_SUPPLY.load(0).toString()));
  }
  if (action == "burn") {
    const amount = positive(body, "amount");
    debit(info.sender, amount);
    TOTAL_SUPPLY.save(TOTAL_SUPPLY.load(0) - amount);
    return new Response().add("action", "burn").add("from", info.sender).add("amount", amount.toString());
  }
  fail("unknown message: " + action);
  return new Response();
}

function onQuery(env: Env, msg: Value): string {
  const q = msg.variant();
  const body = msg.body();
  if (q == "balance") {
    return new Obj().amount("balance", BALANCES.load(body.string("address"), 0)).toString();
  }
  if (q == "allowance") {
    const key = allowanceKey(body.string("owner"), body.string("spender"));
    return new Obj().amount("allowance", ALLOWANCES.load(key, 0)).toString();
  }
  if (q == "token_info") {
    return new Obj()
      .str("name", NAME.load(""))
      .str("symbol", SYMBOL.load(""))
      .int("decimals", DECIMALS.load(0))
      .amount("total_supply", TOTAL_SUPPLY.load(0))
      .toString();
  }
  if (q == "minter") {
    const minter = MINTER.load("");
    return minter.length == 0 ? new Obj().null("minter").toString() : new Obj().str("minter", minter).toString();
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
