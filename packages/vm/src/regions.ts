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

/** The region header at `ptr`, checked to lie inside memory. */
function regionAt(mem: Uint8Array, ptr: number, what: string) {
  if (ptr <= 0 || ptr + REGION_BYTES > mem.length) throw badRegion(`${what} pointer out of bounds`);
  const view = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  return {
    view,
    offset: view.getUint32(ptr, true),
    capacity: view.getUint32(ptr + 4, true),
    length: view.getUint32(ptr + 8, true),
  };
}

function chargeBytes(instance: ContractInstance, n: number): void {
  instance.charge(BigInt(n) * WASM_HOST_BYTE_GAS * WASM_GAS_MULTIPLIER);
}

/** The bytes a region points at (copied), at most `max`; each byte costs gas. */
export function readRegion(instance: ContractInstance, ptr: number, max: number, what: string): Uint8Array {
  const mem = instance.memory;
  const { offset, capacity, length } = regionAt(mem, ptr, what);
  if (length > capacity) throw badRegion(`${what} length exceeds capacity`);
  if (offset + capacity > mem.length) throw badRegion(`${what} data out of bounds`);
  if (length > max) {
    throw new LatticeError('WASM_HOST_ERROR', `${what} is ${length} bytes, at most ${max}`);
  }
  chargeBytes(instance, length);
  return mem.slice(offset, offset + length);
}

/** Copies bytes into a fresh region from the contract's allocator; returns the region pointer. */
export function writeRegion(instance: ContractInstance, data: Uint8Array): number {
  chargeBytes(instance, data.length);
  const ptr = Number(instance.call('allocate', [data.length]));
  const mem = instance.memory;
  const { view, offset, capacity } = regionAt(mem, ptr, 'allocated region');
  if (capacity < data.length || offset + data.length > mem.length) {
    throw badRegion('allocate returned a region too small');
  }
  mem.set(data, offset);
  view.setUint32(ptr + 8, data.length, true);
  return ptr;
}
