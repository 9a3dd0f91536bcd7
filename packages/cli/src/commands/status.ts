import { LatticeError } from '@lattice/utils';
import type { Context } from '../context.ts';
import { formatCoin } from '../format.ts';

export async function statusCommand(ctx: Context): Promise<void> {
  const s = await ctx.client.status();
  ctx.out.result(s, () =>
    [
      `chain id:      ${s.chainId}`,
      `node:          ${s.moniker} (v${s.nodeVersion}) at ${ctx.opts.node}`,
      `height:        ${s.latestHeight}${s.latestBlockTime ? ` (${s.latestBlockTime})` : ''}${s.catchingUp ? ', catching up' : ''}`,
      ...(s.consensus
        ? [
            `consensus:     deciding height ${s.consensus.height}, round ${s.consensus.round}, step ${s.consensus.step}`,
            `peers:         ${s.consensus.peers}`,
          ]
        : ['consensus:     single validator producing blocks on its own (no peers)']),
      `block hash:    ${s.latestBlockHash ?? '-'}`,
      `app hash:      ${s.latestAppHash}`,
      `mempool:       ${s.mempool.size} txs, ${s.mempool.bytes} bytes`,
      `min gas price: ${s.minGasPrice} udrt`,
      ...(s.faucet ? [`faucet:        ${s.faucet}`] : []),
      `validators:    ${s.validators.length}, total power ${totalPower(s.validators)}${s.isValidator ? ' (this node is one)' : ''}`,
      ...s.validators.map(
        (v) =>
          `  ${(v.name ?? '').padEnd(10)} ${v.address} ${v.algorithm ?? ''} power ${v.votingPower}${v.address === s.proposer ? '  ← proposed the latest block' : ''}`,
      ),
    ].join('\n'),
  );
}

function totalPower(validators: { votingPower: string }[]): bigint {
  return validators.reduce((sum, v) => sum + BigInt(v.votingPower), 0n);
}

export async function faucetCommand(ctx: Context, target: string | undefined): Promise<void> {
  if (!target) throw new LatticeError('INVALID_ARGUMENT', 'faucet needs an ADDRESS or key name');
  const address = ctx.resolveAddress(target);
  const r = await ctx.client.faucet(address);
  ctx.out.progress('waiting for the faucet transfer to be committed…');
  const receipt = await ctx.client.waitForTx(r.hash);
  ctx.out.endProgress();
  ctx.out.result(
    { ...r, height: receipt.height },
    () =>
      `funded ${address} with ${r.amount.map((c) => formatCoin(c.denom, c.amount)).join(' and ')} (tx ${r.hash}, height ${receipt.height})`,
  );
}
