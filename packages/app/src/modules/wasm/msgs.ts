import type { DescMessage } from '@bufbuild/protobuf';
import {
  MsgClearAdminSchema,
  MsgExecuteContractSchema,
  MsgInstantiateContractSchema,
  MsgMigrateContractSchema,
  MsgStoreCodeSchema,
  MsgUpdateAdminSchema,
} from '@lattice/codec';
import { WASM_CODE_BYTES_MAX, WASM_MESSAGE_BYTES_MAX } from '@lattice/params';
import { LatticeError, toHex, utf8 } from '@lattice/utils';
import { type Coin, parseCoins } from '../../amount.ts';
import { event } from '../../events.ts';
import {
  type MsgContext,
  type MsgHandler,
  messageEvent,
  type ParsedAddress,
  parseMsgAddress,
  type ValidatedMsg,
} from '../../msg-handler.ts';
import type { WasmCallContext } from './keeper.ts';

const LABEL_BYTES_MAX = 128;

/** Contract messages are JSON objects; checked here so a malformed one never reaches a contract. */
function jsonMessage(bytes: Uint8Array, field: string): Uint8Array {
  if (bytes.length > WASM_MESSAGE_BYTES_MAX) {
    throw new LatticeError('TX_MALFORMED', `${field} is larger than ${WASM_MESSAGE_BYTES_MAX} bytes`);
  }
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new LatticeError('TX_MALFORMED', `${field} is not UTF-8 JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new LatticeError('TX_MALFORMED', `${field} must be a JSON object`);
  }
  return bytes;
}

function funds(coins: readonly { denom: string; amount: string }[]): Coin[] {
  return coins.length === 0 ? [] : parseCoins(coins, 'funds');
}

function callContext(ctx: MsgContext): WasmCallContext {
  return {
    store: ctx.store,
    meter: ctx.meter,
    events: ctx.events,
    block: ctx.block,
    depth: 0,
    ...(ctx.debug === undefined ? {} : { debug: ctx.debug }),
  };
}

/**
 * A validated wasm message: signed by `sender`, run only in blocks and simulations (see
 * ValidatedMsg.checkExecutes), with the `message` event every message emits before its own.
 */
function contractMsg(
  schema: DescMessage,
  sender: ParsedAddress,
  run: (ctx: MsgContext) => void,
): ValidatedMsg {
  const typeUrl = `/${schema.typeName}`;
  return {
    typeUrl,
    signer: sender.bytes,
    signerText: sender.text,
    checkExecutes: false,
    execute(ctx) {
      ctx.events?.push(messageEvent(typeUrl, 'wasm', sender.text));
      run(ctx);
    },
  };
}

const storeCode: MsgHandler<typeof MsgStoreCodeSchema> = {
  schema: MsgStoreCodeSchema,
  module: 'wasm',
  validate(msg) {
    const sender = parseMsgAddress(msg.sender, 'sender');
    if (msg.wasmByteCode.length === 0) throw new LatticeError('TX_MALFORMED', 'wasm_byte_code is empty');
    if (msg.wasmByteCode.length > WASM_CODE_BYTES_MAX) {
      throw new LatticeError('TX_MALFORMED', `wasm_byte_code is larger than ${WASM_CODE_BYTES_MAX} bytes`);
    }
    return contractMsg(MsgStoreCodeSchema, sender, (ctx) => {
      const { codeId, hash } = ctx.wasm.storeCode(ctx.kv, ctx.meter, sender.text, msg.wasmByteCode);
      ctx.events?.push(event('store_code', { code_id: codeId.toString(), code_checksum: toHex(hash) }));
    });
  },
};

const instantiate: MsgHandler<typeof MsgInstantiateContractSchema> = {
  schema: MsgInstantiateContractSchema,
  module: 'wasm',
  validate(msg) {
    const sender = parseMsgAddress(msg.sender, 'sender');
    const admin = msg.admin === '' ? '' : parseMsgAddress(msg.admin, 'admin').text;
    if (msg.label.length === 0 || utf8(msg.label).length > LABEL_BYTES_MAX) {
      throw new LatticeError('TX_MALFORMED', `label must be 1 to ${LABEL_BYTES_MAX} bytes`);
    }
    const body = jsonMessage(msg.msg, 'msg');
    const coins = funds(msg.funds);
    return contractMsg(MsgInstantiateContractSchema, sender, (ctx) => {
      ctx.wasm.instantiate(callContext(ctx), {
        sender: sender.text,
        codeId: msg.codeId,
        admin,
        label: msg.label,
        msg: body,
        funds: coins,
      });
    });
  },
};

const execute: MsgHandler<typeof MsgExecuteContractSchema> = {
  schema: MsgExecuteContractSchema,
  module: 'wasm',
  validate(msg) {
    const sender = parseMsgAddress(msg.sender, 'sender');
    const contract = parseMsgAddress(msg.contract, 'contract');
    const body = jsonMessage(msg.msg, 'msg');
    const coins = funds(msg.funds);
    return contractMsg(MsgExecuteContractSchema, sender, (ctx) => {
      ctx.wasm.execute(callContext(ctx), {
        sender: sender.text,
        contract: contract.bytes,
        msg: body,
        funds: coins,
      });
    });
  },
};

const migrate: MsgHandler<typeof MsgMigrateContractSchema> = {
  schema: MsgMigrateContractSchema,
  module: 'wasm',
  validate(msg) {
    const sender = parseMsgAddress(msg.sender, 'sender');
    const contract = parseMsgAddress(msg.contract, 'contract');
    const body = jsonMessage(msg.msg, 'msg');
    return contractMsg(MsgMigrateContractSchema, sender, (ctx) => {
      ctx.wasm.migrate(callContext(ctx), {
        sender: sender.text,
        contract: contract.bytes,
        codeId: msg.codeId,
        msg: body,
      });
    });
  },
};

const updateAdmin: MsgHandler<typeof MsgUpdateAdminSchema> = {
  schema: MsgUpdateAdminSchema,
  module: 'wasm',
  validate(msg) {
    const sender = parseMsgAddress(msg.sender, 'sender');
    const contract = parseMsgAddress(msg.contract, 'contract');
    const admin = parseMsgAddress(msg.newAdmin, 'new_admin');
    return contractMsg(MsgUpdateAdminSchema, sender, (ctx) => {
      ctx.wasm.setAdmin(callContext(ctx), {
        sender: sender.text,
        contract: contract.bytes,
        admin: admin.text,
      });
    });
  },
};

const clearAdmin: MsgHandler<typeof MsgClearAdminSchema> = {
  schema: MsgClearAdminSchema,
  module: 'wasm',
  validate(msg) {
    const sender = parseMsgAddress(msg.sender, 'sender');
    const contract = parseMsgAddress(msg.contract, 'contract');
    return contractMsg(MsgClearAdminSchema, sender, (ctx) => {
      ctx.wasm.setAdmin(callContext(ctx), { sender: sender.text, contract: contract.bytes, admin: '' });
    });
  },
};

export const WASM_HANDLERS = [storeCode, instantiate, execute, migrate, updateAdmin, clearAdmin];
