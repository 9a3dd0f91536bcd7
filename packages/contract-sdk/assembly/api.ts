import {
  addr_canonicalize,
  addr_humanize,
  addr_validate,
  host_debug,
  mldsa_verify,
  query_chain,
  sha256 as host_sha256,
} from "./host";
import { parse, Obj, Value } from "./json";
import { readRegion, regionString, stringRegion, writeRegion } from "./region";
import { fail } from "./errors";

/** Whether `address` is a valid account or contract address in canonical (lower-case) form. */
export function isValidAddress(address: string): bool {
  return addr_validate(stringRegion(address)) == 1;
}

/** Aborts the call unless `address` is valid; returns it for chaining. */
export function requireAddress(address: string, what: string): string {
  if (!isValidAddress(address)) fail(what + " is not a valid address: " + address);
  return address;
}

/** The 32 address bytes, or null for an invalid address. */
export function canonicalAddress(address: string): Uint8Array | null {
  const r = addr_canonicalize(stringRegion(address));
  return r == 0 ? null : readRegion(r);
}

export function humanAddress(bytes: Uint8Array): string | null {
  const r = addr_humanize(writeRegion(bytes));
  return r == 0 ? null : regionString(r);
}

export function sha256(data: Uint8Array): Uint8Array {
  return readRegion(host_sha256(writeRegion(data)));
}

/** Verifies an ML-DSA signature (alg 1 = ML-DSA-44, 2 = ML-DSA-65, 3 = ML-DSA-87; empty context). */
export function verifyMlDsa(alg: i32, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): bool {
  return mldsa_verify(alg, writeRegion(publicKey), writeRegion(message), writeRegion(signature)) == 1;
}

/** Printed by simulations (gas estimation, the test harness); costs gas but does nothing on chain. */
export function debug(message: string): void {
  host_debug(stringRegion(message));
}

function query(request: string): Value {
  const res = parse(regionString(query_chain(stringRegion(request))));
  const err = res.get("error");
  if (err !== null) fail("query failed: " + err.s);
  return res.req("ok");
}

/** The bank balance of `address` in `denom`. */
export function queryBalance(address: string, denom: string): u64 {
  const balance = new Obj().str("address", address).str("denom", denom);
  return query(new Obj().obj("bank", new Obj().obj("balance", balance)).toString()).amount("amount");
}

/** A smart query into another contract; `msgJson` is its query message. */
export function queryContract(contract: string, msgJson: string): Value {
  const smart = new Obj().str("contract_addr", contract).raw("msg", msgJson);
  return query(new Obj().obj("wasm", new Obj().obj("smart", smart)).toString());
}
