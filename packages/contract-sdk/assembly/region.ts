// Regions: { offset: u32, capacity: u32, length: u32 } in linear memory (CosmWasm's layout).

/** ABI export: a region of `size` bytes for the host to fill. */
export function allocate(size: usize): usize {
  const data = heap.alloc(size);
  const region = heap.alloc(12);
  store<u32>(region, <u32>data);
  store<u32>(region, <u32>size, 4);
  store<u32>(region, 0, 8);
  return region;
}

/** ABI export: releases a region and its bytes (the stub runtime reclaims only the latest). */
export function deallocate(region: usize): void {
  heap.free(<usize>load<u32>(region));
  heap.free(region);
}

/** ABI export: marks the module as speaking ABI version 1. */
export function interface_version_1(): void {}

/** The bytes a region holds, copied into a new array. */
export function readRegion(region: usize): Uint8Array {
  const offset = <usize>load<u32>(region);
  const length = <i32>load<u32>(region, 8);
  const out = new Uint8Array(length);
  memory.copy(out.dataStart, offset, length);
  return out;
}

/** A region over a copy of `data`, for the host to read. */
export function writeRegion(data: Uint8Array): usize {
  const region = allocate(data.length);
  memory.copy(<usize>load<u32>(region), data.dataStart, data.length);
  store<u32>(region, <u32>data.length, 8);
  return region;
}

export function stringRegion(s: string): usize {
  return writeRegion(Uint8Array.wrap(String.UTF8.encode(s)));
}

export function regionString(region: usize): string {
  return String.UTF8.decode(readRegion(region).buffer);
}
