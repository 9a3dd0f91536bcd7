import { WASM_GAS_MULTIPLIER, WASM_HOST_BYTE_GAS } from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import type { ContractInstance } from './runtime.ts';

/**
 * A Region (CosmWasm's name) describes bytes in contract memory: three little-endian u32s,
 * offset, capacity and length. Contracts hand the host pointers to regions; the host answers
 * with regions it obtained from the contract's own `allocate` export.
 */
export const REGION_BYTES = 12;

function badRegion(why: string): LatticeError {
  return new LatticeError('WASM_TRAP', `contract trapped: invalid region (${why})`);
}

function view(mem: Uint8Array): DataView {
  return new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
}

/** The bytes a region points at (copied), at most `max`; each byte costs gas. */
export function readRegion(instance: ContractInstance, ptr: number, max: number, what: string): Uint8Array {
  const mem = instance.memory;
  if (ptr <= 0 || ptr + REGION_BYTES > mem.length) throw badRegion(`${what} pointer out of bounds`);
  const v = view(mem);
  const offset = v.getUint32(ptr, true);
  const capacity = v.getUint32(ptr + 4, true);
  const length = v.getUint32(ptr + 8, true);
  if (length > capacity) throw badRegion(`${what} length exceeds capacity`);
  if (offset + capacity > mem.length) throw badRegion(`${what} data out of bounds`);
  if (length > max) {
    throw new LatticeError('WASM_HOST_ERROR', `${what} is ${length} bytes, at most ${max}`);
  }
  instance.charge(BigInt(length) * WASM_HOST_BYTE_GAS * WASM_GAS_MULTIPLIER);
  return mem.slice(offset, offset + length);
}

/** Copies bytes into a fresh region from the contract's allocator; returns the region pointer. */
export function writeRegion(instance: ContractInstance, data: Uint8Array): number {
  instance.charge(BigInt(data.length) * WASM_HOST_BYTE_GAS * WASM_GAS_MULTIPLIER);
  const ptr = Number(instance.call('allocate', [data.length]));
  const mem = instance.memory;
  if (ptr <= 0 || ptr + REGION_BYTES > mem.length) throw badRegion('allocate returned a bad pointer');
  const v = view(mem);
  const offset = v.getUint32(ptr, true);
  const capacity = v.getUint32(ptr + 4, true);
  if (capacity < data.length || offset + data.length > mem.length) {
    throw badRegion('allocate returned a region too small');
  }
  mem.set(data, offset);
  v.setUint32(ptr + 8, data.length, true);
  return ptr;
}
