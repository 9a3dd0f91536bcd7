// The host functions of ABI version 1 (packages/vm/ABI.md). Every pointer is a Region.

@external("env", "db_read")
export declare function db_read(key: usize): usize;
@external("env", "db_write")
export declare function db_write(key: usize, value: usize): void;
@external("env", "db_remove")
export declare function db_remove(key: usize): void;
@external("env", "db_scan")
export declare function db_scan(start: usize, end: usize, order: i32): u32;
@external("env", "db_next")
export declare function db_next(iterator: u32): usize;
@external("env", "addr_validate")
export declare function addr_validate(address: usize): i32;
@external("env", "addr_canonicalize")
export declare function addr_canonicalize(address: usize): usize;
@external("env", "addr_humanize")
export declare function addr_humanize(canonical: usize): usize;
@external("env", "sha256")
export declare function sha256(data: usize): usize;
@external("env", "mldsa_verify")
export declare function mldsa_verify(alg: i32, publicKey: usize, message: usize, signature: usize): i32;
@external("env", "query_chain")
export declare function query_chain(request: usize): usize;
@external("env", "abort")
export declare function host_abort(message: usize): void;
@external("env", "debug")
export declare function host_debug(message: usize): void;
