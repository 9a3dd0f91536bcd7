/** Contracts compute with integers only: i32 and i64 are the only value types. */
export type ValType = 'i32' | 'i64';

export interface FuncSig {
  params: readonly ValType[];
  results: readonly ValType[];
}

export function sig(params: readonly ValType[], results: readonly ValType[] = []): FuncSig {
  return { params, results };
}

export function sameSig(a: FuncSig, b: FuncSig): boolean {
  return (
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) &&
    a.results.every((t, i) => t === b.results[i])
  );
}

export function formatSig(s: FuncSig): string {
  return `(${s.params.join(', ')}) -> (${s.results.join(', ')})`;
}
