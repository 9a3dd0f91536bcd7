import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import {
  BlockIDSchema,
  BlockIdFlag,
  buildSignedTx,
  CoinSchema,
  type Commit,
  CommitSchema,
  CommitSigSchema,
  MsgSendSchema,
  packAny,
  SignedMsgType,
  timestampFromMs,
  type UnsignedTx,
  voteSignBytes,
} from '@lattice/codec';
import {
  ALG_ML_DSA_44,
  addressFromPublicKey,
  type PrivateKey,
  privateKeyFromSeed,
  SIGN_CONTEXT_TX,
  SIGN_CONTEXT_VOTE,
} from '@lattice/crypto';
import { AuthenticatedState } from '@lattice/state';
import { Store } from '@lattice/store';
import { silentLogger, toHex } from '@lattice/utils';
import { homePaths } from '../src/config.ts';
import { type InitResult, initHome } from '../src/init.ts';
import { readKeyFile } from '../src/keyfile.ts';
import { LatticeNode } from '../src/node.ts';

export interface TestAccount {
  key: PrivateKey;
  address: string;
}

/** Deterministic test keys: seed i is 32 bytes of i. */
export function testAccount(i: number, alg = ALG_ML_DSA_44): TestAccount {
  const key = privateKeyFromSeed(alg, new Uint8Array(32).fill(i));
  return { key, address: addressFromPublicKey(alg, key.publicKey) };
}

export interface TestNet {
  home: string;
  node: LatticeNode;
  init: InitResult;
  accounts: TestAccount[];
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  rpcRaw(
    method: string,
    params?: unknown[],
  ): Promise<{ result?: unknown; error?: { code: number; message: string; data?: { code: string } } }>;
  stop(): Promise<void>;
}

export const FUNDED_UDRT = 1_000_000_000_000n;
export const FUNDED_UDGT = 1_000_000_000n;

/** Genesis entries giving each account FUNDED_UDRT and FUNDED_UDGT. */
export function fundedGenesisAccounts(accounts: readonly TestAccount[]) {
  return accounts.map((a) => ({
    address: a.address,
    coins: [
      { denom: 'udrt', amount: FUNDED_UDRT },
      { denom: 'udgt', amount: FUNDED_UDGT },
    ],
  }));
}

/** A single-validator node on an ephemeral port with `n` funded accounts; blocks on demand. */
export async function startTestNet(
  opts: { accounts?: number; manualBlocks?: boolean; faucet?: boolean } = {},
): Promise<TestNet> {
  const home = mkdtempSync(join(tmpdir(), 'lattice-test-'));
  const accounts = Array.from({ length: opts.accounts ?? 3 }, (_, i) => testAccount(i + 1));
  const init = await initHome({
    home,
    chainId: 'lattice-test-1',
    faucet: opts.faucet ?? false,
    accounts: fundedGenesisAccounts(accounts),
    config: (c) => {
      c.rpc.port = 0;
      c.verifier.threads = 1;
    },
  });
  const node = await LatticeNode.start({
    home,
    logger: silentLogger,
    manualBlocks: opts.manualBlocks ?? true,
    checkInvariants: true,
    noSync: true,
  });
  let id = 1;
  const rpcRaw = async (method: string, params: unknown[] = []) => {
    const res = await fetch(node.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }),
    });
    return (await res.json()) as {
      result?: unknown;
      error?: { code: number; message: string; data?: { code: string } };
    };
  };
  return {
    home,
    node,
    init,
    accounts,
    rpcRaw,
    async rpc<T>(method: string, params: unknown[] = []) {
      const r = await rpcRaw(method, params);
      if (r.error) throw new Error(`${method}: ${r.error.data?.code} ${r.error.message}`);
      return r.result as T;
    },
    async stop() {
      await node.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface SendTxOptions {
  from: TestAccount;
  to: string;
  amount?: { denom: string; amount: string }[];
  sequence: bigint;
  accountNumber: bigint;
  chainId?: string;
  fee?: bigint;
  gasLimit?: bigint;
  withPubKey?: boolean;
  signer?: PrivateKey;
  memo?: string;
}

/** A signed MsgSend; every field can be bent to build the bad inputs the tests need. */
export function sendTx(o: SendTxOptions, tweak?: (u: UnsignedTx) => void): Uint8Array {
  const msg = create(MsgSendSchema, {
    fromAddress: o.from.address,
    toAddress: o.to,
    amount: (o.amount ?? [{ denom: 'udrt', amount: '1000' }]).map((c) => create(CoinSchema, c)),
  });
  const unsigned: UnsignedTx = {
    chainId: o.chainId ?? 'lattice-test-1',
    messages: [packAny(MsgSendSchema, msg)],
    memo: o.memo,
    fee: { denom: 'udrt', amount: o.fee ?? 2_000n },
    gasLimit: o.gasLimit ?? 200_000n,
    sequence: o.sequence,
    accountNumber: o.accountNumber,
    publicKey: o.withPubKey === false ? undefined : { algorithm: o.from.key.alg, key: o.from.key.publicKey },
  };
  tweak?.(unsigned);
  const signer = o.signer ?? o.from.key;
  return buildSignedTx(unsigned, (b) => signer.sign(b, SIGN_CONTEXT_TX)).bytes;
}

export function hex(b: Uint8Array): string {
  return `0x${Buffer.from(b).toString('hex')}`;
}

/** App hash of every height 0..tip from a store holding a committed state. */
export async function rootsOf(dataDir: string, tip: number): Promise<string[]> {
  const store = Store.open({ path: dataDir, noSync: true });
  try {
    const state = new AuthenticatedState({ store });
    const out: string[] = [];
    for (let h = 0; h <= tip; h++) {
      const root = state.rootAt(h);
      assert.ok(root, `no state root at height ${h} in ${dataDir}`);
      out.push(toHex(root));
    }
    return out;
  } finally {
    await store.close();
  }
}

/** The lone validator's commit (its precommit, signed now) for `hash` at the chain's next height. */
export function loneValidatorCommit(net: TestNet, hash: Uint8Array): Commit {
  const chain = net.node.chain;
  const { key } = readKeyFile(homePaths(net.home).validatorKey);
  const height = BigInt(chain.height + 1);
  const blockId = create(BlockIDSchema, { hash });
  const timestamp = timestampFromMs(BigInt(Date.now()));
  const bytes = voteSignBytes(chain.chainId, {
    type: SignedMsgType.PRECOMMIT,
    height,
    round: 0,
    blockId,
    timestamp,
  });
  return create(CommitSchema, {
    height,
    round: 0,
    blockId,
    signatures: [
      create(CommitSigSchema, {
        blockIdFlag: BlockIdFlag.COMMIT,
        validatorAddress: chain.validators[0]!.address,
        timestamp,
        signature: key.sign(bytes, SIGN_CONTEXT_VOTE),
      }),
    ],
  });
}
