import { create } from '@bufbuild/protobuf';
import { CoinSchema } from '@lattice/codec';
import { LatticeError } from '@lattice/utils';

export interface Coin {
  denom: string;
  amount: bigint;
}

/** Coins as the protobuf messages transactions carry. */
export function coinMessages(coins: readonly Coin[] | undefined) {
  return (coins ?? []).map((c) => create(CoinSchema, { denom: c.denom, amount: c.amount.toString() }));
}

/** Parses "100udrt" or "100udrt,5udgt" into coins. */
export function parseCoinString(s: string): Coin[] {
  return s.split(',').map((part) => {
    const m = /^\s*([0-9]+)\s*([a-z][a-z0-9/:._-]{1,63})\s*$/.exec(part);
    if (!m) throw new LatticeError('TX_INVALID_AMOUNT', `"${part}" is not an amount like 100udrt`);
    return { denom: m[2]!, amount: BigInt(m[1]!) };
  });
}
