// Compute kernels for bench:wasm's metering overhead: run plain and instrumented in one process.
// Built like a contract (the SDK supplies the allocator exports and the abort handler).
export { allocate, deallocate, interface_version_1 } from "@lattice/contract-sdk";

/** Loop-heavy: fill n i32 with a xorshift sequence, insertion-sort them, return a checksum. */
export function loop_heavy(n: i32): i32 {
  const base = heap.alloc(<usize>n << 2);
  let x: u32 = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    store<u32>(base + (<usize>i << 2), x);
  }
  for (let i = 1; i < n; i++) {
    const v = load<u32>(base + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0 && load<u32>(base + (<usize>j << 2)) > v) {
      store<u32>(base + (<usize>(j + 1) << 2), load<u32>(base + (<usize>j << 2)));
      j--;
    }
    store<u32>(base + (<usize>(j + 1) << 2), v);
  }
  let h: u32 = 2166136261;
  for (let i = 0; i < n; i++) h = (h ^ load<u32>(base + (<usize>i << 2))) * 16777619;
  return <i32>h;
}

/** Call-heavy: naive recursive Fibonacci. */
export function call_heavy(n: i32): i32 {
  return n < 2 ? n : call_heavy(n - 1) + call_heavy(n - 2);
}
