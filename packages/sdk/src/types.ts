/** Shapes returned by the node's JSON-RPC (see packages/node/src/views.ts). */
export interface CoinJson {
  denom: string;
  amount: string;
}

export interface EventJson {
  type: string;
  attributes: Record<string, string>;
}

export interface ReceiptJson {
  hash: string;
  height: string;
  index: number;
  success: boolean;
  code: number;
  codeName: string;
  log: string;
  gasWanted: string;
  gasUsed: string;
  events: EventJson[];
}

export interface AccountJson {
  address: string;
  accountNumber: string;
  sequence: string;
  pendingSequence: string;
  publicKey: { algorithm: number; key: string } | null;
}

export interface BlockJson {
  hash: string;
  height: string;
  time: string;
  chainId: string;
  proposer: string;
  parentHash: string;
  appHash: string;
  dataHash: string;
  txCount: number;
  txs: (string | TxJson)[];
  lastCommit: unknown;
}

export interface TxJson {
  hash: string;
  height: string | null;
  index: number | null;
  sender: string;
  sequence: string;
  gasLimit: string;
  fee: string;
  memo: string;
  messages: { typeUrl: string; value: unknown }[];
  status?: 'pending' | 'committed';
}

export interface StatusJson {
  chainId: string;
  moniker: string;
  nodeVersion: string;
  latestHeight: string;
  latestBlockHash: string | null;
  latestBlockTime: string | null;
  latestAppHash: string;
  catchingUp: boolean;
  minGasPrice: string;
  devnet: boolean;
  faucet: string | null;
  mempool: { size: number; bytes: number };
  validators: { name: string | null; address: string; algorithm: string | null; votingPower: string }[];
  isValidator: boolean;
  /** Proposer of the latest block. */
  proposer: string | null;
  /** The height being decided, its round and step, and connected peers; null on a lone producer. */
  consensus: { height: string; round: number; step: string; peers: number } | null;
}

export interface SimulateJson {
  success: boolean;
  code: number;
  codeName: string;
  log: string;
  gasUsed: string;
  events: EventJson[];
  /** What contracts printed with `debug` during the simulation. */
  debug: string[];
}

export interface ProofJson {
  height: string;
  root: string;
  key: string;
  value: string | null;
  exists: boolean;
  proof: string;
}
