import * as codec from '../src/index.ts';
// Shared sample messages: one populated instance of every schema, and typical txs and blocks.
import {
  AccountStateSchema,
  AuthInfoSchema,
  BaseAccountSchema,
  BlockIDSchema,
  BlockIdFlag,
  BlockParamsSchema,
  BlockResultsSchema,
  BlockSchema,
  CanonicalProposalSchema,
  CanonicalVoteSchema,
  CoinSchema,
  CommitSchema,
  CommitSigSchema,
  ConsensusParamsSchema,
  ConsensusSchema,
  create,
  DataSchema,
  DenomUnitSchema,
  type DescMessage,
  DuplicateVoteEvidenceSchema,
  EventAttributeSchema,
  EventSchema,
  EvidenceListSchema,
  EvidenceParamsSchema,
  EvidenceSchema,
  ExecTxResultSchema,
  encodeMessage,
  FeeSchema,
  HeaderSchema,
  InputSchema,
  type Message,
  type MessageShape,
  MetadataSchema,
  MsgMultiSendSchema,
  MsgSendSchema,
  OutputSchema,
  PartSetHeaderSchema,
  ProposalSchema,
  PubKeySchema,
  packAny,
  SignDocSchema,
  SignedMsgType,
  SignerInfoSchema,
  SupplySchema,
  TimeoutParamsSchema,
  TxBodySchema,
  TxLocationSchema,
  TxSchema,
  timestampFromMs,
  ValidatorParamsSchema,
  ValidatorSchema,
  ValidatorSetSchema,
  ValidatorUpdateSchema,
  VoteSchema,
} from '../src/index.ts';

export const ML_DSA_44 = 1;
export const ML_DSA_44_PUBKEY_BYTES = 1312;
export const ML_DSA_44_SIGNATURE_BYTES = 2420;

/** Deterministic filler bytes: fill(n, seed) differs per seed. */
export function fill(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const ADDR_A = 'lat1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqsqqqqqq';
const ADDR_B = 'lat1zgqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqsppppppp';

export const pubKey = create(PubKeySchema, { algorithm: ML_DSA_44, key: fill(ML_DSA_44_PUBKEY_BYTES, 1) });
export const coin = create(CoinSchema, { denom: 'udrt', amount: '123456789012345678901234567890' });
export const time = timestampFromMs(1_700_000_000_123n);

export const msgSend = create(MsgSendSchema, {
  fromAddress: ADDR_A,
  toAddress: ADDR_B,
  amount: [create(CoinSchema, { denom: 'udgt', amount: '1000000' })],
});

export function txParts(withPubKey: boolean) {
  const body = create(TxBodySchema, {
    messages: [packAny(MsgSendSchema, msgSend)],
    memo: 'hi',
    timeoutHeight: 0n,
  });
  const authInfo = create(AuthInfoSchema, {
    signerInfos: [create(SignerInfoSchema, { publicKey: withPubKey ? pubKey : undefined, sequence: 7n })],
    fee: create(FeeSchema, {
      amount: [create(CoinSchema, { denom: 'udrt', amount: '2000' })],
      gasLimit: 200_000n,
    }),
  });
  const bodyBytes = encodeMessage(TxBodySchema, body);
  const authInfoBytes = encodeMessage(AuthInfoSchema, authInfo);
  const tx = create(TxSchema, { bodyBytes, authInfoBytes, signatures: [fill(ML_DSA_44_SIGNATURE_BYTES, 2)] });
  return { body, authInfo, bodyBytes, authInfoBytes, tx, txBytes: encodeMessage(TxSchema, tx) };
}

export const blockId = create(BlockIDSchema, {
  hash: fill(32, 3),
  partSetHeader: create(PartSetHeaderSchema, { total: 2, hash: fill(32, 4) }),
});

export const vote = create(VoteSchema, {
  type: SignedMsgType.PRECOMMIT,
  height: 10n,
  round: 1,
  blockId,
  timestamp: time,
  validatorAddress: fill(32, 5),
  validatorIndex: 3,
  signature: fill(3309, 6),
});

export const header = create(HeaderSchema, {
  version: create(ConsensusSchema, { block: 1n, app: 2n }),
  chainId: 'lattice-1',
  height: 11n,
  time,
  lastBlockId: blockId,
  lastCommitHash: fill(32, 7),
  dataHash: fill(32, 8),
  validatorsHash: fill(32, 9),
  nextValidatorsHash: fill(32, 10),
  consensusHash: fill(32, 11),
  appHash: fill(32, 12),
  lastResultsHash: fill(32, 13),
  evidenceHash: fill(32, 14),
  proposerAddress: fill(32, 15),
});

export const commitSig = create(CommitSigSchema, {
  blockIdFlag: BlockIdFlag.COMMIT,
  validatorAddress: fill(32, 16),
  timestamp: time,
  signature: fill(64, 17),
});

export const commit = create(CommitSchema, {
  height: 10n,
  round: 1,
  blockId,
  signatures: [commitSig, create(CommitSigSchema, { blockIdFlag: BlockIdFlag.ABSENT })],
});

export const duplicateVote = create(DuplicateVoteEvidenceSchema, {
  voteA: vote,
  voteB: { ...vote, blockId: undefined },
  totalVotingPower: 100n,
  validatorPower: 10n,
  timestamp: time,
});

export const evidence = create(EvidenceSchema, {
  sum: { case: 'duplicateVoteEvidence', value: duplicateVote },
});

export const block = create(BlockSchema, {
  header,
  data: create(DataSchema, { txs: [txParts(true).txBytes, txParts(false).txBytes] }),
  evidence: create(EvidenceListSchema, { evidence: [evidence] }),
  lastCommit: commit,
});

export const validator = create(ValidatorSchema, {
  address: fill(32, 18),
  pubKey,
  votingPower: 100n,
  proposerPriority: -50n,
});

const event = create(EventSchema, {
  type: 'transfer',
  attributes: [create(EventAttributeSchema, { key: 'amount', value: '10udrt', index: true })],
});

export const consensusParams = create(ConsensusParamsSchema, {
  block: create(BlockParamsSchema, { maxBytes: 1_000_000n, maxGas: -1n }),
  evidence: create(EvidenceParamsSchema, {
    maxAgeNumBlocks: 100n,
    maxAgeDurationMs: 86_400_000n,
    maxBytes: 1000n,
  }),
  validator: create(ValidatorParamsSchema, { pubKeyAlgorithms: [2, 3] }),
  timeout: create(TimeoutParamsSchema, {
    proposeMs: 1000n,
    proposeDeltaMs: 500n,
    voteMs: 1000n,
    voteDeltaMs: 500n,
    commitMs: 1000n,
  }),
});

export const execTxResult = create(ExecTxResultSchema, {
  code: 0,
  codespace: '',
  log: 'ok',
  data: fill(4, 19),
  gasWanted: 200_000n,
  gasUsed: 150_000n,
  events: [event],
});

function sample<Desc extends DescMessage>(
  schema: Desc,
  value: MessageShape<Desc>,
): { schema: DescMessage; value: Message } {
  return { schema, value };
}

/** One populated value of every message schema the package defines. */
export const SAMPLES: { schema: DescMessage; value: Message }[] = [
  sample(PubKeySchema, pubKey),
  sample(CoinSchema, coin),
  sample(TxSchema, txParts(true).tx),
  sample(TxBodySchema, txParts(true).body),
  sample(AuthInfoSchema, txParts(true).authInfo),
  sample(SignerInfoSchema, txParts(true).authInfo.signerInfos[0]!),
  sample(FeeSchema, txParts(true).authInfo.fee!),
  sample(
    SignDocSchema,
    create(SignDocSchema, {
      bodyBytes: fill(10, 20),
      authInfoBytes: fill(10, 21),
      chainId: 'c',
      accountNumber: 5n,
    }),
  ),
  sample(MsgSendSchema, msgSend),
  sample(
    MsgMultiSendSchema,
    create(MsgMultiSendSchema, {
      inputs: [create(InputSchema, { address: ADDR_A, coins: [coin] })],
      outputs: [create(OutputSchema, { address: ADDR_B, coins: [coin] })],
    }),
  ),
  sample(InputSchema, create(InputSchema, { address: ADDR_A, coins: [coin] })),
  sample(OutputSchema, create(OutputSchema, { address: ADDR_B, coins: [coin, coin] })),
  sample(DenomUnitSchema, create(DenomUnitSchema, { denom: 'drt', exponent: 6, aliases: ['DRT'] })),
  sample(
    MetadataSchema,
    create(MetadataSchema, {
      description: 'rewards and fees',
      denomUnits: [
        create(DenomUnitSchema, { denom: 'udrt', exponent: 0 }),
        create(DenomUnitSchema, { denom: 'drt', exponent: 6 }),
      ],
      base: 'udrt',
      display: 'drt',
      name: 'Lattice Reward Token',
      symbol: 'DRT',
    }),
  ),
  sample(SupplySchema, create(SupplySchema, { total: [coin] })),
  sample(
    BaseAccountSchema,
    create(BaseAccountSchema, { address: ADDR_A, pubKey, accountNumber: 1n, sequence: 2n }),
  ),
  sample(AccountStateSchema, create(AccountStateSchema, { accountNumber: 7n, sequence: 300n })),
  sample(EventAttributeSchema, event.attributes[0]!),
  sample(EventSchema, event),
  sample(ExecTxResultSchema, execTxResult),
  sample(ValidatorUpdateSchema, create(ValidatorUpdateSchema, { pubKey, power: 10n })),
  sample(BlockIDSchema, blockId),
  sample(PartSetHeaderSchema, blockId.partSetHeader!),
  sample(ConsensusSchema, header.version!),
  sample(HeaderSchema, header),
  sample(DataSchema, block.data!),
  sample(BlockSchema, block),
  sample(EvidenceListSchema, block.evidence!),
  sample(EvidenceSchema, evidence),
  sample(DuplicateVoteEvidenceSchema, duplicateVote),
  sample(VoteSchema, vote),
  sample(
    CanonicalVoteSchema,
    create(CanonicalVoteSchema, { type: 2, height: 10n, round: 1n, blockId, timestamp: time, chainId: 'c' }),
  ),
  sample(
    ProposalSchema,
    create(ProposalSchema, {
      type: SignedMsgType.PROPOSAL,
      height: 10n,
      round: 2,
      polRound: -1,
      blockId,
      timestamp: time,
      signature: fill(3309, 22),
    }),
  ),
  sample(
    CanonicalProposalSchema,
    create(CanonicalProposalSchema, {
      type: SignedMsgType.PROPOSAL,
      height: 10n,
      round: 2n,
      polRound: -1n,
      blockId,
      timestamp: time,
      chainId: 'c',
    }),
  ),
  sample(CommitSchema, commit),
  sample(CommitSigSchema, commitSig),
  sample(ValidatorSchema, validator),
  sample(
    ValidatorSetSchema,
    create(ValidatorSetSchema, { validators: [validator], proposer: validator, totalVotingPower: 100n }),
  ),
  sample(ConsensusParamsSchema, consensusParams),
  sample(BlockParamsSchema, consensusParams.block!),
  sample(EvidenceParamsSchema, consensusParams.evidence!),
  sample(ValidatorParamsSchema, consensusParams.validator!),
  sample(TimeoutParamsSchema, consensusParams.timeout!),
  sample(
    BlockResultsSchema,
    create(BlockResultsSchema, {
      height: 11n,
      txResults: [execTxResult],
      finalizeBlockEvents: [event],
      validatorUpdates: [create(ValidatorUpdateSchema, { pubKey, power: 0n })],
      consensusParamUpdates: consensusParams,
      appHash: fill(32, 23),
    }),
  ),
  sample(TxLocationSchema, create(TxLocationSchema, { height: 11n, index: 4 })),
  sample(
    codec.MsgStoreCodeSchema,
    create(codec.MsgStoreCodeSchema, { sender: 'lat1x', wasmByteCode: fill(40, 3) }),
  ),
  sample(
    codec.MsgInstantiateContractSchema,
    create(codec.MsgInstantiateContractSchema, {
      sender: 'lat1x',
      admin: 'lat1y',
      codeId: 7n,
      label: 'token',
      msg: new TextEncoder().encode('{"a":1}'),
      funds: [coin],
    }),
  ),
  sample(
    codec.MsgExecuteContractSchema,
    create(codec.MsgExecuteContractSchema, {
      sender: 'lat1x',
      contract: 'lat1c',
      msg: fill(5, 9),
      funds: [coin],
    }),
  ),
  sample(
    codec.MsgMigrateContractSchema,
    create(codec.MsgMigrateContractSchema, {
      sender: 'lat1x',
      contract: 'lat1c',
      codeId: 8n,
      msg: fill(3, 1),
    }),
  ),
  sample(
    codec.MsgUpdateAdminSchema,
    create(codec.MsgUpdateAdminSchema, { sender: 'lat1x', newAdmin: 'lat1z', contract: 'lat1c' }),
  ),
  sample(
    codec.MsgClearAdminSchema,
    create(codec.MsgClearAdminSchema, { sender: 'lat1x', contract: 'lat1c' }),
  ),
  sample(
    codec.CodeInfoSchema,
    create(codec.CodeInfoSchema, { codeHash: fill(32, 4), creator: 'lat1x', size: 100n }),
  ),
  sample(
    codec.ContractInfoSchema,
    create(codec.ContractInfoSchema, {
      codeId: 3n,
      creator: 'lat1x',
      admin: '',
      label: 'l',
      createdHeight: 9n,
    }),
  ),
  sample(
    codec.WasmParamsSchema,
    create(codec.WasmParamsSchema, { uploadAccess: codec.UploadAccess.ALLOWLIST, allowlist: ['lat1x'] }),
  ),
];
