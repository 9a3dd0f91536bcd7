import { LatticeError } from '@lattice/utils';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Normalises JSON-RPC params, given by position (`[a, b]`) or by name (`{x: a, y: b}`), to an
 * array in the order of `names`. The first `required` names must be present (not undefined);
 * extra positions or unknown names are RPC_INVALID_PARAMS, so typos do not pass silently.
 */
export function readParams(params: unknown, names: readonly string[], required = names.length): unknown[] {
  let values: unknown[];
  if (params === undefined) {
    values = [];
  } else if (Array.isArray(params)) {
    if (params.length > names.length) {
      throw new LatticeError('RPC_INVALID_PARAMS', `expected at most ${names.length} params`, {
        given: params.length,
        max: names.length,
      });
    }
    values = params;
  } else if (isRecord(params)) {
    for (const k of Object.keys(params)) {
      if (!names.includes(k)) {
        throw new LatticeError('RPC_INVALID_PARAMS', `unknown param: ${k.slice(0, 64)}`, {
          param: k.slice(0, 64),
        });
      }
    }
    values = names.map((n) => params[n]);
  } else {
    throw new LatticeError('RPC_INVALID_PARAMS', 'params must be an array or an object');
  }
  for (let i = 0; i < required; i++) {
    if (values[i] === undefined || values[i] === null) {
      throw new LatticeError('RPC_INVALID_PARAMS', `missing param: ${names[i]}`, {
        param: names[i],
        index: i,
      });
    }
  }
  return names.map((_, i) => values[i]);
}
