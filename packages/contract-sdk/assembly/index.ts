// @lattice/contract-sdk: write Lattice contracts in AssemblyScript (ABI version 1).
//
// A contract re-exports the ABI plumbing and exports its entry points:
//   export { allocate, deallocate, interface_version_1 } from "@lattice/contract-sdk";
//   export function instantiate(env: usize, info: usize, msg: usize): usize {
//     return instantiateWith(env, info, msg, onInstantiate);
//   }

export { allocate, deallocate, interface_version_1 } from "./region";
export { contractAbort, fail } from "./errors";
export { Coin, Env, Info } from "./context";
export { Attribute, Event, Response } from "./response";
export { Entry, Item, StorageMap } from "./storage";
export * from "./api";
export { array, ARR, BOOL, INT, NULL, OBJ, Obj, parse, parseBytes, quote, STR, Value } from "./json";
export { executeWith, instantiateWith, migrateWith, queryWith, Reply, replyWith } from "./entry";
export { storageGet, storageRemove, storageSet } from "./storage";
