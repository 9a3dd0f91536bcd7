import { parseCoinString, type ReceiptJson, type SendOptions, Wallet } from '@lattice/sdk';
import { isErrorCode, LatticeError } from '@lattice/utils';
import type { Context } from '../context.ts';
import { formatCoin, formatEvents } from '../format.ts';

export const TX_USAGE = `lattice tx — sign and broadcast transactions

  tx send FROM_KEY TO AMOUNT [--fees 2000udrt] [--gas auto|N] [--gas-adjustment 1.3]
                             [--memo TEXT] [--no-wait]
      AMOUNT is like 1000000udrt or 5udgt,100udrt; TO is an address or a key name.
      Waits for the tx to be committed and prints its receipt unless --no-wait.`;

export async function txCommand(ctx: Context, args: string[], flags: Record<string, unknown>): Promise<void> {
  const [sub, from, to, amount] = args;
  if (sub !== 'send') {
    process.stdout.write(`${TX_USAGE}\n`);
    return;
  }
  if (!from || !to || !amount) throw new LatticeError('INVALID_ARGUMENT', 'tx send needs FROM_KEY TO AMOUNT');
  const opts = sendOptions(flags);
  const recipient = ctx.resolveAddress(to);
  const coins = parseCoinString(amount);
  const wallet = new Wallet(await ctx.keyring.load(from));
  ctx.out.progress('signing and broadcasting…');
  const hash = await ctx.client.send(wallet, recipient, coins, opts);
  const receipt = await awaitReceipt(ctx, hash, flags);
  if (receipt === undefined) return;
  ctx.out.result(receipt, () =>
    [
      `sent ${coins.map((c) => formatCoin(c.denom, c.amount)).join(', ')} from ${wallet.address} to ${recipient}`,
      ...receiptLines(hash, receipt),
    ].join('\n'),
  );
}

/** Hash, height, gas, fee and events of a committed tx, for human output. */
export function receiptLines(hash: string, receipt: ReceiptJson): string[] {
  return [
    `tx hash:  ${hash}`,
    `height:   ${receipt.height}`,
    `gas used: ${receipt.gasUsed} of ${receipt.gasWanted}`,
    `fee:      ${receipt.events.find((e) => e.type === 'tx')?.attributes.fee ?? '0udrt'}`,
    'events:',
    ...formatEvents(receipt.events),
  ];
}

/** The fee and gas flags every transaction command takes. */
export function sendOptions(flags: Record<string, unknown>): SendOptions {
  const opts: SendOptions = {};
  if (flags.fees !== undefined) {
    const fees = parseCoinString(String(flags.fees));
    if (fees.length !== 1 || fees[0]!.denom !== 'udrt')
      throw new LatticeError('TX_INVALID_FEE', '--fees must be an amount of udrt, e.g. 2000udrt');
    opts.fee = fees[0]!.amount;
  }
  if (flags.gas !== undefined && flags.gas !== 'auto') {
    if (!/^[0-9]+$/.test(String(flags.gas)))
      throw new LatticeError('INVALID_ARGUMENT', '--gas must be "auto" or a number');
    opts.gas = BigInt(String(flags.gas));
  }
  if (flags['gas-adjustment'] !== undefined) {
    const adj = Number(flags['gas-adjustment']);
    if (!(adj >= 1 && adj <= 10))
      throw new LatticeError('INVALID_ARGUMENT', '--gas-adjustment must be between 1 and 10');
    opts.gasAdjustmentPercent = BigInt(Math.round(adj * 100));
  }
  if (flags.memo !== undefined) opts.memo = String(flags.memo);
  return opts;
}

/**
 * Waits for a broadcast tx to commit (with progress) and returns its receipt; a failed tx
 * throws its error code. With --no-wait, prints the hash and returns undefined.
 */
export async function awaitReceipt(
  ctx: Context,
  hash: string,
  flags: Record<string, unknown>,
): Promise<ReceiptJson | undefined> {
  if (flags['no-wait']) {
    ctx.out.endProgress();
    ctx.out.result({ hash }, () => `broadcast ${hash}`);
    return undefined;
  }
  const receipt = await ctx.client.waitForTx(hash, {
    onProgress: (ms) =>
      ctx.out.progress(`waiting for ${hash.slice(0, 12)}… to be committed (${(ms / 1000).toFixed(1)} s)`),
  });
  ctx.out.endProgress();
  if (!receipt.success) {
    throw new LatticeError(
      isErrorCode(receipt.codeName) ? receipt.codeName : 'INTERNAL',
      `tx ${hash} was committed at height ${receipt.height} but failed: [${receipt.codeName}] ${receipt.log}`,
      { gasUsed: receipt.gasUsed, gasWanted: receipt.gasWanted },
    );
  }
  return receipt;
}
