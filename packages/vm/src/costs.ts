import binaryen from 'binaryen';

/**
 * The wasm gas cost of one instruction (cost table version WASM_COST_TABLE_VERSION): 1 for the
 * plain ones, more for what V8 turns into slower code (division, memory access, calls, which
 * also pay at the callee's entry). memory.grow pays per page on top (WASM_GAS_PER_PAGE).
 */
export function expressionCost(info: { id: number; op?: unknown }): bigint {
  switch (info.id) {
    case binaryen.BinaryId:
      return DEAR_BINARY_OPS.get(info.op as number) ?? 1n;
    case binaryen.LoadId:
    case binaryen.StoreId:
      return 2n;
    case binaryen.CallId:
      return 4n;
    case binaryen.CallIndirectId:
    case binaryen.SwitchId:
      return 8n;
    case binaryen.MemoryGrowId:
      return 16n;
    case binaryen.BlockId:
    case binaryen.NopId:
      return 0n;
    default:
      return 1n;
  }
}

const DEAR_BINARY_OPS = new Map<number, bigint>([
  [binaryen.MulInt32, 2n],
  [binaryen.MulInt64, 2n],
  [binaryen.DivSInt32, 8n],
  [binaryen.DivUInt32, 8n],
  [binaryen.RemSInt32, 8n],
  [binaryen.RemUInt32, 8n],
  [binaryen.DivSInt64, 16n],
  [binaryen.DivUInt64, 16n],
  [binaryen.RemSInt64, 16n],
  [binaryen.RemUInt64, 16n],
]);
