import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex, utf8 } from '@lattice/utils';
import {
  BlockIDSchema,
  CanonicalVoteSchema,
  create,
  decodeMessage,
  PartSetHeaderSchema,
  proposalSignBytes,
  SignDocSchema,
  SignedMsgType,
  signDocBytes,
  timestampFromMs,
  toBinary,
  VoteSchema,
  voteSignBytes,
} from '../src/index.ts';
import { vote } from './fixtures.ts';

// Golden encodings: if one of these changes, every existing signature becomes invalid. Change
// them only together with a deliberate, versioned schema change.
const SIGN_DOC_HEX = '0a04626f64791204617574681a096c6174746963652d31202a';
const CANONICAL_VOTE_HEX =
  '0802110a0000000000000019010000000000000022480a20' +
  'aa'.repeat(32) +
  '122408011220' +
  'bb'.repeat(32) +
  '2a060880e2cfaa0632096c6174746963652d31';
const NIL_PREVOTE_HEX = '0801110a000000000000002a060880e2cfaa0632096c6174746963652d31';
const CANONICAL_PROPOSAL_HEX =
  '0820110a0000000000000019010000000000000021ffffffffffffffff2a480a20' +
  'aa'.repeat(32) +
  '122408011220' +
  'bb'.repeat(32) +
  '32060880e2cfaa063a096c6174746963652d31';

const goldenBlockId = create(BlockIDSchema, {
  hash: new Uint8Array(32).fill(0xaa),
  partSetHeader: create(PartSetHeaderSchema, { total: 1, hash: new Uint8Array(32).fill(0xbb) }),
});
const ts = timestampFromMs(1_700_000_000_000n);

describe('SignDoc', () => {
  it('matches the golden encoding', () => {
    const bytes = signDocBytes({
      bodyBytes: utf8('body'),
      authInfoBytes: utf8('auth'),
      chainId: 'lattice-1',
      accountNumber: 42n,
    });
    assert.equal(toHex(bytes), SIGN_DOC_HEX);
    const back = decodeMessage(SignDocSchema, bytes, 100, 'SignDoc');
    assert.equal(back.chainId, 'lattice-1');
    assert.equal(back.accountNumber, 42n);
  });

  it('writes the same bytes as the reflective encoder for any field values', () => {
    const bodies = [new Uint8Array(0), utf8('b'), new Uint8Array(300).fill(7)];
    const chainIds = ['', 'lattice-1', 'çhain-é', '😀-\ud800'];
    const accounts = [0n, 1n, 127n, 128n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n];
    for (const bodyBytes of bodies)
      for (const authInfoBytes of bodies)
        for (const chainId of chainIds)
          for (const accountNumber of accounts) {
            const doc = { bodyBytes, authInfoBytes, chainId, accountNumber };
            assert.deepEqual(signDocBytes(doc), toBinary(SignDocSchema, create(SignDocSchema, doc)));
          }
  });

  it('differs with chain id and account number', () => {
    const base = { bodyBytes: utf8('b'), authInfoBytes: utf8('a'), chainId: 'x', accountNumber: 1n };
    const a = toHex(signDocBytes(base));
    assert.notEqual(a, toHex(signDocBytes({ ...base, chainId: 'y' })));
    assert.notEqual(a, toHex(signDocBytes({ ...base, accountNumber: 2n })));
  });
});

describe('vote sign bytes', () => {
  it('matches the golden CanonicalVote', () => {
    const bytes = voteSignBytes('lattice-1', {
      type: SignedMsgType.PRECOMMIT,
      height: 10n,
      round: 1,
      blockId: goldenBlockId,
      timestamp: ts,
    });
    assert.equal(toHex(bytes), CANONICAL_VOTE_HEX);
    const cv = decodeMessage(CanonicalVoteSchema, fromHex(CANONICAL_VOTE_HEX), 1000, 'CanonicalVote');
    assert.equal(cv.height, 10n);
    assert.equal(cv.round, 1n);
    assert.equal(cv.chainId, 'lattice-1');
  });

  it('a nil vote signs the same bytes with no block id, an empty one or a zero one', () => {
    const fields = { type: SignedMsgType.PREVOTE, height: 10n, round: 0, timestamp: ts };
    const none = toHex(voteSignBytes('lattice-1', { ...fields, blockId: undefined }));
    assert.equal(none, NIL_PREVOTE_HEX);
    assert.equal(toHex(voteSignBytes('lattice-1', { ...fields, blockId: create(BlockIDSchema) })), none);
    const zero = create(BlockIDSchema, { partSetHeader: create(PartSetHeaderSchema) });
    assert.equal(toHex(voteSignBytes('lattice-1', { ...fields, blockId: zero })), none);
  });

  it('ignores validator address, index and signature, and binds the chain id', () => {
    const a = voteSignBytes('lattice-1', vote);
    const other = create(VoteSchema, { ...vote, validatorIndex: 9, signature: new Uint8Array(1) });
    const b = voteSignBytes('lattice-1', other);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, voteSignBytes('lattice-2', vote));
  });

  it('rejects heights that do not fit sfixed64', () => {
    assert.throws(() => voteSignBytes('c', { ...vote, height: 1n << 63n }), { code: 'INVALID_ARGUMENT' });
    assert.doesNotThrow(() => voteSignBytes('c', { ...vote, height: (1n << 63n) - 1n }));
  });
});

describe('proposal sign bytes', () => {
  it('matches the golden CanonicalProposal (pol_round -1)', () => {
    const bytes = proposalSignBytes('lattice-1', {
      type: SignedMsgType.PROPOSAL,
      height: 10n,
      round: 1,
      polRound: -1,
      blockId: goldenBlockId,
      timestamp: ts,
    });
    assert.equal(toHex(bytes), CANONICAL_PROPOSAL_HEX);
  });
});
