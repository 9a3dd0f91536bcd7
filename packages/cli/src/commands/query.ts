import { LatticeError } from '@lattice/utils';
import type { Context } from '../context.ts';
import { formatCoin, formatEvents } from '../format.ts';
import { table } from '../output.ts';

export const QUERY_USAGE = `lattice query — read chain state

  query balance ADDRESS|KEY [--denom udrt] [--height H]
  query account ADDRESS|KEY [--height H]
  query block [HEIGHT]           (latest by default)
  query tx HASH                  the transaction and its receipt
  query supply                   total supply per denomination`;

function heightFlag(flags: Record<string, unknown>): number | undefined {
  if (flags.height === undefined) return undefined;
  const h = Number(flags.height);
  if (!Number.isSafeInteger(h) || h < 0)
    throw new LatticeError('INVALID_ARGUMENT', '--height must be a non-negative integer');
  return h;
}

export async function queryCommand(
  ctx: Context,
  args: string[],
  flags: Record<string, unknown>,
): Promise<void> {
  const [sub, arg] = args;
  const c = ctx.client;
  switch (sub) {
    case 'balance': {
      if (!arg) throw new LatticeError('INVALID_ARGUMENT', 'query balance needs an ADDRESS or key name');
      const address = ctx.resolveAddress(arg);
      const height = heightFlag(flags);
      if (flags.denom) {
        const amount = await c.getBalance(address, String(flags.denom), height);
        ctx.out.result({ address, denom: flags.denom, amount: amount.toString() }, () =>
          formatCoin(String(flags.denom), amount),
        );
        return;
      }
      const balances = await c.getBalances(address, height);
      ctx.out.result({ address, balances }, () =>
        balances.length === 0
          ? `${address} has no funds`
          : [`${address}`, ...balances.map((b) => `  ${formatCoin(b.denom, b.amount)}`)].join('\n'),
      );
      return;
    }
    case 'account': {
      if (!arg) throw new LatticeError('INVALID_ARGUMENT', 'query account needs an ADDRESS or key name');
      const address = ctx.resolveAddress(arg);
      const acc = await c.getAccount(address, heightFlag(flags));
      if (!acc)
        throw new LatticeError(
          'NOT_FOUND',
          `${address} does not exist on chain (it has never received funds)`,
        );
      ctx.out.result(acc, () =>
        [
          `address:        ${acc.address}`,
          `account number: ${acc.accountNumber}`,
          `sequence:       ${acc.sequence}${acc.pendingSequence !== acc.sequence ? ` (next with pending txs: ${acc.pendingSequence})` : ''}`,
          `public key:     ${acc.publicKey ? `algorithm ${acc.publicKey.algorithm}, ${(acc.publicKey.key.length - 2) / 2} bytes` : 'not yet on chain (sent with the first tx)'}`,
        ].join('\n'),
      );
      return;
    }
    case 'block': {
      const height = arg === undefined ? 'latest' : Number(arg);
      if (height !== 'latest' && (!Number.isSafeInteger(height) || height < 0)) {
        throw new LatticeError('INVALID_ARGUMENT', 'HEIGHT must be a non-negative integer');
      }
      const b = await c.getBlock(height, false);
      if (!b) throw new LatticeError('NOT_FOUND', `no block at height ${arg}`);
      ctx.out.result(b, () =>
        [
          `height:   ${b.height}`,
          `hash:     ${b.hash}`,
          `time:     ${b.time}`,
          `proposer: ${b.proposer}`,
          `app hash: ${b.appHash} (state after block ${Number(b.height) - 1})`,
          `txs:      ${b.txCount}`,
          ...(b.txs as string[]).slice(0, 20).map((t) => `  ${t}`),
          ...(b.txs.length > 20 ? [`  … and ${b.txs.length - 20} more`] : []),
        ].join('\n'),
      );
      return;
    }
    case 'tx': {
      if (!arg) throw new LatticeError('INVALID_ARGUMENT', 'query tx needs a HASH');
      const [tx, receipt] = await Promise.all([c.getTransaction(arg), c.getReceipt(arg)]);
      if (!tx) throw new LatticeError('NOT_FOUND', `no transaction ${arg}`);
      ctx.out.result({ tx, receipt }, () =>
        [
          `hash:      ${tx.hash}`,
          `status:    ${receipt ? (receipt.success ? 'committed, success' : `committed, FAILED [${receipt.codeName}] ${receipt.log}`) : 'pending'}`,
          ...(tx.height ? [`height:    ${tx.height} (index ${tx.index})`] : []),
          `sender:    ${tx.sender} (sequence ${tx.sequence})`,
          `fee:       ${formatCoin('udrt', tx.fee)}, gas limit ${tx.gasLimit}`,
          ...(receipt ? [`gas used:  ${receipt.gasUsed}`] : []),
          ...(tx.memo ? [`memo:      ${tx.memo}`] : []),
          'messages:',
          ...tx.messages.map((m) => `  ${m.typeUrl} ${JSON.stringify(m.value)}`),
          ...(receipt ? ['events:', ...formatEvents(receipt.events)] : []),
        ].join('\n'),
      );
      return;
    }
    case 'supply': {
      const supply = await c.getSupply();
      ctx.out.result(supply, () =>
        table([['DENOM', 'TOTAL SUPPLY'], ...supply.map((s) => [s.denom, formatCoin(s.denom, s.amount)])]),
      );
      return;
    }
    default:
      process.stdout.write(`${QUERY_USAGE}\n`);
  }
}
