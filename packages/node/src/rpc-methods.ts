import type { Genesis, LatticeApp } from '@lattice/app';
import { accountKey, balanceKey, decodeTx, wasmCodeKey, wasmContractKey } from '@lattice/app';
import { headerHash, timestampToMs, txHash } from '@lattice/codec';
import {
  addressFromPublicKey,
  formatAddress,
  generatePrivateKey,
  getScheme,
  listSchemes,
  schemeByName,
  verifySignature,
} from '@lattice/crypto';
import { encodeProof } from '@lattice/state';
import type { Store } from '@lattice/store';
import { equalBytes, LatticeError, to0x, toHex, utf8 } from '@lattice/utils';
import type { Chain, CommittedBlock } from './chain.ts';
import type { Faucet } from './faucet.ts';
import type { TxIngress } from './ingress.ts';
import type { Mempool } from './mempool.ts';
import { type RpcServer, readParams } from './rpc/index.ts';
import {
  addressParam,
  boolParam,
  heightParam,
  hexParam,
  invalid,
  optionalHeight,
  stringParam,
  txParam,
} from './rpc/param-types.ts';
import { codeIdParam, registerWasmMethods } from './rpc-wasm.ts';
import { commitView, eventsView, headerView, isoTime, receiptView, txView } from './views.ts';

export const NODE_VERSION = '0.1.0';

export interface RpcServices {
  genesis: Genesis;
  app: LatticeApp;
  chain: Chain;
  store: Store;
  ingress: TxIngress;
  mempool: Mempool;
  faucet: Faucet | undefined;
  devnet: boolean;
  moniker: string;
  minGasPrice: string;
  /** The BFT engine's view, on nodes that run it. */
  consensus?: () => { height: bigint; round: number; step: string; syncing: boolean; peers: number };
}

/** A state proof as JSON-RPC returns it. */
export function proofView(p: ReturnType<LatticeApp['prove']>, key: Uint8Array) {
  return {
    height: String(p.height),
    root: to0x(p.root),
    key: to0x(key),
    value: p.value === undefined ? null : to0x(p.value),
    exists: p.value !== undefined,
    proof: to0x(encodeProof(p.proof)),
  };
}

export function blockJson(s: RpcServices, height: number, fullTx: boolean) {
  const block = s.chain.blockAt(height);
  if (!block) return null;
  const header = headerView(headerHash(block.header!), block);
  const txs = block.data?.txs ?? [];
  return {
    ...header,
    // Hashes alone need no decoding: a full block holds thousands of txs.
    txs: txs.map((bytes, index) =>
      fullTx ? txView(decodeTx(bytes, s.genesis.chainId), { height, index }) : to0x(txHash(bytes)),
    ),
    lastCommit: block.lastCommit ? commitView(block.lastCommit) : null,
  };
}

/** The genesis name of a validator (its moniker in testnets), or null. */
function validatorName(s: RpcServices, publicKey: Uint8Array | undefined): string | null {
  if (publicKey === undefined) return null;
  return s.genesis.validators.find((v) => equalBytes(v.publicKey, publicKey))?.name ?? null;
}

export function registerMethods(server: RpcServer, s: RpcServices): void {
  const latest = () => s.chain.height;

  server.register('lat_sendRawTransaction', async (params) => {
    const [raw] = readParams(params, ['tx']);
    const { hash } = await s.ingress.submit(txParam(raw));
    return { hash: to0x(hash) };
  });

  server.register('lat_simulate', (params) => {
    const [raw] = readParams(params, ['tx']);
    const out = s.app.simulate(txParam(raw));
    return {
      success: out.error === undefined,
      code: out.error ? out.error.numericCode : 0,
      codeName: out.error ? out.error.code : 'OK',
      log: out.error ? out.error.message : '',
      gasUsed: out.gasUsed.toString(),
      events: out.events.map((e) => ({
        type: e.type,
        attributes: Object.fromEntries(e.attributes.map((a) => [a.key, a.value])),
      })),
      debug: out.debug ?? [],
    };
  });

  server.register('lat_getBlockByNumber', (params) => {
    const [h, full] = readParams(params, ['height', 'fullTx'], 0);
    return blockJson(s, heightParam(h, latest()), boolParam(full, 'fullTx'));
  });

  server.register('lat_getBlockByHash', (params) => {
    const [hash, full] = readParams(params, ['hash', 'fullTx'], 1);
    const height = s.store.blocks.heightOf(hexParam(hash, 'hash', 32));
    return height === undefined ? null : blockJson(s, height, boolParam(full, 'fullTx'));
  });

  server.register('lat_getCommit', (params) => {
    const [h] = readParams(params, ['height'], 0);
    const c = s.chain.commitAt(heightParam(h, latest()));
    return c ? commitView(c) : null;
  });

  server.register('lat_getBlockResults', (params) => {
    const [h] = readParams(params, ['height'], 0);
    const height = heightParam(h, latest());
    const r = s.chain.resultsAt(height);
    if (!r) return null;
    return {
      height: String(height),
      appHash: to0x(r.appHash),
      txResults: r.txResults.map((t) => ({
        code: t.code,
        log: t.log,
        gasWanted: t.gasWanted.toString(),
        gasUsed: t.gasUsed.toString(),
        events: eventsView(t.events),
      })),
    };
  });

  const locate = (hashParam: unknown) => {
    const hash = hexParam(hashParam, 'hash', 32);
    const loc = s.store.txIndex.get(hash);
    return { hash, loc };
  };

  server.register('lat_getTransactionByHash', (params) => {
    const [h] = readParams(params, ['hash']);
    const { hash, loc } = locate(h);
    if (!loc) {
      const pending = s.mempool.get(toHex(hash));
      return pending ? { ...txView(pending, undefined), status: 'pending' } : null;
    }
    const bytes = s.chain.blockAt(loc.height)?.data?.txs[loc.index];
    if (!bytes) throw new LatticeError('STATE_CORRUPT', 'indexed tx is missing from its block');
    return { ...txView(decodeTx(bytes, s.genesis.chainId), loc), status: 'committed' };
  });

  server.register('lat_getTransactionReceipt', (params) => {
    const [h] = readParams(params, ['hash']);
    const { hash, loc } = locate(h);
    if (!loc) return null;
    const result = s.chain.resultsAt(loc.height)?.txResults[loc.index];
    if (!result) throw new LatticeError('STATE_CORRUPT', 'indexed tx has no result');
    return receiptView(hash, loc, result);
  });

  server.register('lat_getBalance', (params) => {
    const [a, d, h] = readParams(params, ['address', 'denom', 'height'], 1);
    const address = addressParam(a);
    const height = optionalHeight(h, latest());
    const at = String(height ?? s.app.height);
    if (d !== undefined && d !== null) {
      const denom = stringParam(d, 'denom');
      return {
        address: formatAddress(address),
        height: at,
        denom,
        amount: s.app.balance(address, denom, height).toString(),
      };
    }
    return {
      address: formatAddress(address),
      height: at,
      balances: s.app.balances(address, height).map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
    };
  });

  server.register('lat_getAccount', (params) => {
    const [a, h] = readParams(params, ['address', 'height'], 1);
    const address = addressParam(a);
    const height = optionalHeight(h, latest());
    const acc = s.app.account(address, height);
    if (!acc) return null;
    const pending = height === undefined ? s.app.pendingAccount(address) : undefined;
    const pk = s.app.pubKey(address, height);
    return {
      address: formatAddress(address),
      accountNumber: acc.accountNumber.toString(),
      sequence: acc.sequence.toString(),
      pendingSequence: (pending ?? acc).sequence.toString(),
      publicKey: pk ? { algorithm: pk.alg, key: to0x(pk.key) } : null,
    };
  });

  server.register('lat_getSupply', (params) => {
    const [h] = readParams(params, ['height'], 0);
    return s.app
      .supply(optionalHeight(h, latest()))
      .map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
  });

  server.register('lat_getDenoms', () =>
    s.app.denoms().map((m) => ({
      base: m.base,
      display: m.display,
      name: m.name,
      symbol: m.symbol,
      description: m.description,
      exponent: m.denomUnits.find((u) => u.denom === m.display)?.exponent ?? 0,
    })),
  );

  server.register('lat_getStateRoot', (params) => {
    const [h] = readParams(params, ['height'], 0);
    const height = heightParam(h, s.app.height);
    const root = s.app.stateRootAt(height);
    if (!root) throw new LatticeError('NOT_FOUND', `no state root at height ${height}`);
    return { height: String(height), root: to0x(root) };
  });

  /** Proofs for a raw state key, an account record or a balance record. */
  server.register('lat_getProof', (params) => {
    const [q, h] = readParams(params, ['query', 'height'], 1);
    let key: Uint8Array;
    if (typeof q === 'string') key = hexParam(q, 'key');
    else if (typeof q === 'object' && q !== null) {
      const o = q as Record<string, unknown>;
      if (typeof o.key === 'string') key = hexParam(o.key, 'key');
      else if (typeof o.account === 'string') key = accountKey(addressParam(o.account));
      else if (o.wasmCode !== undefined) key = wasmCodeKey(codeIdParam(o.wasmCode));
      else if (typeof o.wasmContract === 'string') key = wasmContractKey(addressParam(o.wasmContract));
      else if (typeof o.balance === 'object' && o.balance !== null) {
        const b = o.balance as Record<string, unknown>;
        key = balanceKey(addressParam(b.address), stringParam(b.denom, 'denom'));
      } else
        invalid(
          'query must be a hex key or one of {key}, {account}, {balance: {address, denom}}, {wasmCode}, {wasmContract}',
        );
    } else invalid('query must be a hex key or an object');
    return proofView(s.app.prove(key, optionalHeight(h, latest())), key);
  });

  server.register('lat_status', () => {
    const h = s.chain.height;
    const block = h > 0 ? s.chain.blockAt(h) : undefined;
    const c = s.consensus?.();
    return {
      chainId: s.genesis.chainId,
      moniker: s.moniker,
      nodeVersion: NODE_VERSION,
      latestHeight: String(h),
      latestBlockHash: block ? to0x(headerHash(block.header!)) : null,
      latestBlockTime: block ? isoTime(timestampToMs(block.header!.time!)) : null,
      latestAppHash: to0x(s.app.appHash),
      catchingUp: c?.syncing ?? false,
      minGasPrice: s.minGasPrice,
      devnet: s.devnet,
      faucet: s.faucet ? s.faucet.address : null,
      mempool: { size: s.mempool.size, bytes: s.mempool.bytes },
      validators: s.chain.validators.map((x) => ({
        name: validatorName(s, x.pubKey?.key),
        address: to0x(x.address),
        algorithm: x.pubKey ? getScheme(x.pubKey.algorithm).name : null,
        votingPower: x.votingPower.toString(),
      })),
      isValidator: s.chain.isValidator,
      proposer: block ? to0x(block.header!.proposerAddress) : null,
      consensus: c ? { height: c.height.toString(), round: c.round, step: c.step, peers: c.peers } : null,
    };
  });

  server.register('lat_getMempool', () => ({ size: s.mempool.size, bytes: s.mempool.bytes }));

  server.register('lat_faucet', async (params) => {
    const [a] = readParams(params, ['address']);
    if (!s.faucet) throw new LatticeError('FAUCET_DISABLED', 'this node has no faucet (devnet only)');
    const r = await s.faucet.fund(addressParam(a));
    return { hash: to0x(r.hash), amount: r.amount };
  });

  server.register('pqc_verifySignature', (params) => {
    const [alg, pk, msg, sig, ctx] = readParams(
      params,
      ['algorithm', 'publicKey', 'message', 'signature', 'context'],
      4,
    );
    const scheme = typeof alg === 'number' ? getScheme(alg) : schemeByName(stringParam(alg, 'algorithm'));
    const context = ctx === undefined || ctx === null ? '' : stringParam(ctx, 'context');
    const valid = verifySignature(
      scheme.id,
      hexParam(pk, 'publicKey'),
      typeof msg === 'string' && msg.startsWith('0x')
        ? hexParam(msg, 'message')
        : utf8(stringParam(msg, 'message')),
      hexParam(sig, 'signature'),
      context,
    );
    return { valid, algorithm: scheme.name };
  });

  server.register('pqc_listAlgorithms', () =>
    listSchemes().map((x) => ({
      id: x.id,
      name: x.name,
      publicKeyBytes: x.publicKeyBytes,
      signatureBytes: x.signatureBytes,
    })),
  );

  server.register('pqc_generateKey', (params) => {
    if (!s.devnet) throw new LatticeError('RPC_UNAVAILABLE', 'pqc_generateKey is available on devnets only');
    const [alg] = readParams(params, ['algorithm'], 0);
    const scheme =
      alg === undefined || alg === null
        ? getScheme(1)
        : typeof alg === 'number'
          ? getScheme(alg)
          : schemeByName(stringParam(alg, 'algorithm'));
    const key = generatePrivateKey(scheme.id);
    return {
      algorithm: scheme.name,
      seed: to0x(key.seed),
      publicKey: to0x(key.publicKey),
      address: addressFromPublicKey(key.alg, key.publicKey),
    };
  });

  registerWasmMethods(server, s);
}

/** Subscription topics and what the node publishes on them after every committed block. */
export function defineTopics(server: RpcServer): void {
  server.defineTopic('newBlocks');
  server.defineTopic('newTxs', {
    validateFilter: (f) => {
      if (f === undefined || f === null) return {};
      if (typeof f !== 'object') invalid('newTxs filter must be an object');
      const o = f as Record<string, unknown>;
      const out: { sender?: string; recipient?: string; hash?: string } = {};
      for (const k of ['sender', 'recipient', 'hash'] as const) {
        if (o[k] !== undefined) out[k] = stringParam(o[k], k).toLowerCase();
      }
      return out;
    },
    match: (filter, ev) => {
      const f = filter as { sender?: string; recipient?: string; hash?: string };
      const e = ev as { hash: string; sender: string; recipients: string[] };
      return (
        (f.hash === undefined || f.hash === e.hash) &&
        (f.sender === undefined || f.sender === e.sender) &&
        (f.recipient === undefined || e.recipients.includes(f.recipient))
      );
    },
  });
  server.defineTopic('events', {
    validateFilter: (f) => {
      if (typeof f !== 'object' || f === null) invalid('events filter must be {type, attributes?}');
      const o = f as Record<string, unknown>;
      return {
        type: stringParam(o.type, 'type'),
        attributes: (o.attributes ?? {}) as Record<string, string>,
      };
    },
    match: (filter, ev) => {
      const f = filter as { type: string; attributes: Record<string, string> };
      const e = ev as { type: string; attributes: Record<string, string> };
      return e.type === f.type && Object.entries(f.attributes).every(([k, v]) => e.attributes[k] === v);
    },
  });
}

export function publishBlock(server: RpcServer, b: CommittedBlock): void {
  // Receipts are only built for topics someone listens to: a block can carry thousands of txs.
  if (server.subscriberCount('newBlocks') > 0) {
    const header = headerView(b.hash, b.block);
    server.publish('newBlocks', { ...header, txs: b.txHashes.map(to0x), appHashAfter: to0x(b.appHash) });
  }
  const wantTxs = server.subscriberCount('newTxs') > 0;
  const wantEvents = server.subscriberCount('events') > 0;
  if (!wantTxs && !wantEvents) return;
  b.txHashes.forEach((hash, index) => {
    const receipt = receiptView(hash, { height: b.height, index }, b.results[index]!);
    if (wantTxs) {
      const transfers = receipt.events.filter((e) => e.type === 'transfer' || e.type === 'coin_received');
      const recipients = [
        ...new Set(transfers.map((e) => e.attributes.recipient ?? e.attributes.receiver).filter(Boolean)),
      ];
      const sender = receipt.events.find((e) => e.type === 'tx')?.attributes.fee_payer ?? '';
      server.publish('newTxs', { ...receipt, sender, recipients });
    }
    if (wantEvents) {
      for (const e of receipt.events)
        server.publish('events', { ...e, txHash: receipt.hash, height: receipt.height });
    }
  });
}
