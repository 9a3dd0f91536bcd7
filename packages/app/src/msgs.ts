import { fromBinary } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import { MsgMultiSendSchema, MsgSendSchema } from '@lattice/codec';
import { MULTISEND_IO_MAX } from '@lattice/params';
import { LatticeError } from '@lattice/utils';
import { addAmounts, type Coin, formatCoins, parseCoins } from './amount.ts';
import { event } from './events.ts';
import { WASM_HANDLERS } from './modules/wasm/msgs.ts';
import { type MsgHandler, messageEvent, parseMsgAddress, type ValidatedMsg } from './msg-handler.ts';

export type { MsgContext, ValidatedMsg } from './msg-handler.ts';
export { parseMsgAddress } from './msg-handler.ts';

const msgSend: MsgHandler<typeof MsgSendSchema> = {
  schema: MsgSendSchema,
  module: 'bank',
  validate(msg) {
    const from = parseMsgAddress(msg.fromAddress, 'from_address');
    const to = parseMsgAddress(msg.toAddress, 'to_address');
    const coins = parseCoins(msg.amount);
    const typeUrl = `/${MsgSendSchema.typeName}`;
    return {
      typeUrl,
      signer: from.bytes,
      signerText: from.text,
      execute(ctx) {
        ctx.bank.send(ctx.kv, from.bytes, to.bytes, coins);
        if (!ctx.events) return;
        const amount = formatCoins(coins);
        ctx.events.push(
          messageEvent(typeUrl, 'bank', from.text),
          event('coin_spent', { spender: from.text, amount }),
          event('coin_received', { receiver: to.text, amount }),
          event('transfer', { recipient: to.text, sender: from.text, amount }),
        );
      },
    };
  },
};

function sumCoins(groups: readonly Coin[][]): Map<string, bigint> {
  const total = new Map<string, bigint>();
  for (const coins of groups) {
    for (const c of coins)
      total.set(c.denom, addAmounts(total.get(c.denom) ?? 0n, c.amount, 'multi-send total'));
  }
  return total;
}

const msgMultiSend: MsgHandler<typeof MsgMultiSendSchema> = {
  schema: MsgMultiSendSchema,
  module: 'bank',
  validate(msg) {
    // One input only (as Cosmos SDK ≥ 0.47): one signer, and the sums are checked exactly.
    if (msg.inputs.length !== 1) {
      throw new LatticeError('TX_MALFORMED', `multi-send needs exactly one input, got ${msg.inputs.length}`);
    }
    if (msg.outputs.length === 0 || msg.outputs.length > MULTISEND_IO_MAX) {
      throw new LatticeError('TX_MALFORMED', `multi-send needs 1 to ${MULTISEND_IO_MAX} outputs`);
    }
    const input = msg.inputs[0]!;
    const from = parseMsgAddress(input.address, 'inputs[0].address');
    const inCoins = parseCoins(input.coins, 'input');
    const outputs = msg.outputs.map((o, i) => ({
      to: parseMsgAddress(o.address, `outputs[${i}].address`),
      coins: parseCoins(o.coins, `outputs[${i}]`),
    }));
    const inTotal = sumCoins([inCoins]);
    const outTotal = sumCoins(outputs.map((o) => o.coins));
    const balanced =
      inTotal.size === outTotal.size && [...inTotal].every(([denom, amt]) => outTotal.get(denom) === amt);
    if (!balanced) throw new LatticeError('TX_INVALID_AMOUNT', 'multi-send inputs and outputs do not add up');
    const typeUrl = `/${MsgMultiSendSchema.typeName}`;
    return {
      typeUrl,
      signer: from.bytes,
      signerText: from.text,
      execute(ctx) {
        for (const c of inCoins) ctx.bank.requireKnownDenom(ctx.kv, c.denom);
        ctx.bank.subtract(ctx.kv, from.bytes, inCoins);
        for (const o of outputs) ctx.bank.add(ctx.kv, o.to.bytes, o.coins);
        if (!ctx.events) return;
        ctx.events.push(
          messageEvent(typeUrl, 'bank', from.text),
          event('coin_spent', { spender: from.text, amount: formatCoins(inCoins) }),
        );
        for (const o of outputs) {
          const amount = formatCoins(o.coins);
          ctx.events.push(
            event('coin_received', { receiver: o.to.text, amount }),
            event('transfer', { recipient: o.to.text, sender: from.text, amount }),
          );
        }
      },
    };
  },
};

// biome-ignore lint/suspicious/noExplicitAny: the registry holds handlers of different message types
const HANDLERS = new Map<string, MsgHandler<any>>(
  [msgSend, msgMultiSend, ...WASM_HANDLERS].map((h) => [`/${h.schema.typeName}`, h]),
);

export function knownMessageTypes(): string[] {
  return [...HANDLERS.keys()];
}

/** Unpacks and validates one Any-typed message: unknown types and bad fields are typed errors. */
export function validateMessage(any: Any): ValidatedMsg {
  const handler = HANDLERS.get(any.typeUrl);
  if (!handler) {
    throw new LatticeError('TX_UNKNOWN_MESSAGE', `unknown message type "${any.typeUrl.slice(0, 120)}"`, {
      typeUrl: any.typeUrl.slice(0, 120),
    });
  }
  let msg: ReturnType<typeof fromBinary>;
  try {
    msg = fromBinary(handler.schema, any.value);
  } catch (e) {
    throw new LatticeError('TX_MALFORMED', `message ${any.typeUrl} is undecodable: ${(e as Error).message}`);
  }
  return handler.validate(msg);
}
