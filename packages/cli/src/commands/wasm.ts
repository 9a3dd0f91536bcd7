import { readFileSync } from 'node:fs';
import { parseCoinString, receiptAttribute, Wallet } from '@lattice/sdk';
import { LatticeError, toHex, utf8 } from '@lattice/utils';
import type { Context } from '../context.ts';
import { awaitReceipt, receiptLines, sendOptions } from './tx.ts';

export const WASM_USAGE = `lattice wasm — contracts

  wasm store KEY FILE.wasm                         upload code; prints the code id
  wasm instantiate KEY CODE_ID MSG --label L [--admin ADDR|KEY] [--amount 100udrt]
                                                   create a contract; prints its address
  wasm execute KEY CONTRACT MSG [--amount 100udrt] call a contract
  wasm migrate KEY CONTRACT CODE_ID MSG            move a contract to new code (admin only)
  wasm set-admin KEY CONTRACT NEW_ADMIN | clear-admin KEY CONTRACT
  wasm query CONTRACT MSG                          a contract's query (read-only, free)
  wasm raw CONTRACT KEY_HEX | --utf8-key TEXT      one storage key, its Merkle proof checked
                                                   against the app hash of the next block
  wasm code-info CODE_ID | contract-info CONTRACT
  wasm list CODE_ID [--limit N] [--start-after ADDR]   contracts made from a code
      MSG is JSON text, or @FILE to read it from a file. Transactions take --gas auto|N
      (auto simulates first: a contract error shows before anything is sent), --fees,
      --gas-adjustment, --memo and --no-wait; receipts show gas used and events.`;

function message(arg: string | undefined, what: string): unknown {
  if (arg === undefined) throw new LatticeError('INVALID_ARGUMENT', `${what} is missing`);
  const text = arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg;
  try {
    return JSON.parse(text);
  } catch {
    throw new LatticeError('INVALID_ARGUMENT', `${what} is not valid JSON: ${text.slice(0, 80)}`);
  }
}

function codeId(arg: string | undefined): bigint {
  if (arg === undefined || !/^[1-9][0-9]*$/.test(arg)) {
    throw new LatticeError('INVALID_ARGUMENT', 'CODE_ID must be a positive integer');
  }
  return BigInt(arg);
}

/** A stored value as text too, when it is printable (contracts often store strings). */
function asText(hex: string | null): string[] {
  if (hex === null) return [];
  const text = Buffer.from(hex.slice(2), 'hex').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) ? [`as text:  ${text}`] : [];
}

function need(arg: string | undefined, what: string): string {
  if (arg === undefined) throw new LatticeError('INVALID_ARGUMENT', `${what} is missing`);
  return arg;
}

export async function wasmCommand(
  ctx: Context,
  args: string[],
  flags: Record<string, unknown>,
): Promise<void> {
  const [sub, ...rest] = args;
  const w = ctx.client.wasm;
  const funds = flags.amount === undefined ? [] : parseCoinString(String(flags.amount));
  const wallet = async (key: string | undefined) => new Wallet(await ctx.keyring.load(need(key, 'KEY')));
  /** Broadcast, wait, print the receipt with `lines` in front (and `extra` in --json). */
  const transact = async (
    hash: Promise<string>,
    summary: (r: Awaited<ReturnType<typeof awaitReceipt>> & object) => { extra: object; lines: string[] },
  ) => {
    ctx.out.progress('signing and broadcasting…');
    const h = await hash;
    const receipt = await awaitReceipt(ctx, h, flags);
    if (receipt === undefined) return;
    const { extra, lines } = summary(receipt);
    ctx.out.result({ ...extra, ...receipt }, () => [...lines, ...receiptLines(h, receipt)].join('\n'));
  };
  switch (sub) {
    case 'store': {
      const [key, file] = rest;
      const bytes = new Uint8Array(readFileSync(need(file, 'FILE.wasm')));
      const signer = await wallet(key);
      await transact(w.storeCode(signer, bytes, sendOptions(flags)), (r) => {
        const id = receiptAttribute(r, 'store_code', 'code_id');
        return { extra: { codeId: id }, lines: [`stored ${bytes.length} bytes as code ${id}`] };
      });
      return;
    }
    case 'instantiate': {
      const [key, id, msg] = rest;
      if (flags.label === undefined) throw new LatticeError('INVALID_ARGUMENT', '--label is required');
      const signer = await wallet(key);
      const admin = flags.admin === undefined ? undefined : ctx.resolveAddress(String(flags.admin));
      const opts = { ...sendOptions(flags), label: String(flags.label), funds, ...(admin ? { admin } : {}) };
      await transact(w.instantiate(signer, codeId(id), message(msg, 'MSG'), opts), (r) => {
        const address = receiptAttribute(r, 'instantiate', '_contract_address');
        return { extra: { contract: address }, lines: [`instantiated contract ${address}`] };
      });
      return;
    }
    case 'execute': {
      const [key, contract, msg] = rest;
      const signer = await wallet(key);
      const target = ctx.resolveAddress(need(contract, 'CONTRACT'));
      await transact(
        w.execute(signer, target, message(msg, 'MSG'), { ...sendOptions(flags), funds }),
        () => ({
          extra: {},
          lines: [`executed ${target}`],
        }),
      );
      return;
    }
    case 'migrate': {
      const [key, contract, id, msg] = rest;
      const signer = await wallet(key);
      const target = need(contract, 'CONTRACT');
      await transact(w.migrate(signer, target, codeId(id), message(msg, 'MSG'), sendOptions(flags)), () => ({
        extra: {},
        lines: [`migrated ${target} to code ${id}`],
      }));
      return;
    }
    case 'set-admin': {
      const [key, contract, admin] = rest;
      const signer = await wallet(key);
      const next = ctx.resolveAddress(need(admin, 'NEW_ADMIN'));
      await transact(w.updateAdmin(signer, need(contract, 'CONTRACT'), next, sendOptions(flags)), () => ({
        extra: {},
        lines: [`admin is now ${next}`],
      }));
      return;
    }
    case 'clear-admin': {
      const [key, contract] = rest;
      const signer = await wallet(key);
      await transact(w.clearAdmin(signer, need(contract, 'CONTRACT'), sendOptions(flags)), () => ({
        extra: {},
        lines: ['the contract has no admin now: it can never be migrated'],
      }));
      return;
    }
    case 'query': {
      const [contract, msg] = rest;
      const data = await w.query(need(contract, 'CONTRACT'), message(msg, 'MSG'));
      ctx.out.result({ data }, () => JSON.stringify(data, null, 2));
      return;
    }
    case 'raw': {
      const [contract, keyHex] = rest;
      const key =
        flags['utf8-key'] !== undefined ? toHex(utf8(String(flags['utf8-key']))) : need(keyHex, 'KEY_HEX');
      ctx.out.progress('reading and checking the proof…');
      const r = await w.raw(need(contract, 'CONTRACT'), key.startsWith('0x') ? key : `0x${key}`);
      ctx.out.endProgress();
      ctx.out.result(r, () =>
        [
          `value:    ${r.value === null ? '(none)' : r.value}`,
          ...asText(r.value),
          `height:   ${r.height}`,
          `proof:    verified against app hash ${r.appHash}`,
        ].join('\n'),
      );
      return;
    }
    case 'code-info': {
      const info = await w.codeInfo(codeId(rest[0]));
      if (info === null) throw new LatticeError('NOT_FOUND', `no code with id ${rest[0]}`);
      ctx.out.result(info, () =>
        [
          `code id:  ${info.codeId}`,
          `checksum: ${info.codeHash}`,
          `creator:  ${info.creator}`,
          `size:     ${info.size} bytes`,
        ].join('\n'),
      );
      return;
    }
    case 'contract-info': {
      const info = await w.contractInfo(ctx.resolveAddress(need(rest[0], 'CONTRACT')));
      if (info === null) throw new LatticeError('NOT_FOUND', `no contract at ${rest[0]}`);
      ctx.out.result(info, () =>
        [
          `address:  ${info.address}`,
          `code id:  ${info.codeId}`,
          `label:    ${info.label}`,
          `creator:  ${info.creator}`,
          `admin:    ${info.admin ?? '(none)'}`,
          `created:  height ${info.createdHeight}`,
        ].join('\n'),
      );
      return;
    }
    case 'list': {
      const limit = flags.limit === undefined ? undefined : Number(flags.limit);
      const r = await w.contractsByCode(codeId(rest[0]), {
        ...(limit === undefined ? {} : { limit }),
        ...(flags['start-after'] === undefined ? {} : { startAfter: String(flags['start-after']) }),
      });
      ctx.out.result(r, () =>
        r.contracts.length === 0
          ? `no contracts from code ${rest[0]}`
          : [...r.contracts, ...(r.next ? [`(more: --start-after ${r.next})`] : [])].join('\n'),
      );
      return;
    }
    default:
      process.stdout.write(`${WASM_USAGE}\n`);
  }
}
