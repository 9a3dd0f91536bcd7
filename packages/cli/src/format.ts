import { DENOM_EXPONENT } from '@lattice/params';
import { formatDecimal } from '@lattice/utils';

const DISPLAY: Record<string, string> = { udgt: 'DGT', udrt: 'DRT' };

/** "1500000udrt (1.5 DRT)": the exact base amount first, the display amount for people. */
export function formatCoin(denom: string, amount: string | bigint): string {
  const display = DISPLAY[denom];
  const base = `${amount}${denom}`;
  return display ? `${base} (${formatDecimal(BigInt(amount), DENOM_EXPONENT)} ${display})` : base;
}

/** Receipt events as indented `type: key=value …` lines. */
export function formatEvents(
  events: readonly { type: string; attributes: Record<string, string> }[],
): string[] {
  return events.map(
    (e) =>
      `  ${e.type}: ${Object.entries(e.attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
  );
}
