import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { BlockIDSchema, SignedMsgType, timestampFromMs, VoteSchema, voteSignBytes } from '@lattice/codec';
import { ALG_ML_DSA_65, privateKeyFromSeed, SIGN_CONTEXT_VOTE, verifySignature } from '@lattice/crypto';
import { isLatticeError } from '@lattice/utils';
import { createPersistentSigner } from '../src/consensus/signer-state.ts';

const dir = mkdtempSync(join(tmpdir(), 'lattice-signer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = privateKeyFromSeed(ALG_ML_DSA_65, new Uint8Array(32).fill(9));
const chainId = 'lattice-test-1';

function prevote(height: bigint, round: number, block: number) {
  return create(VoteSchema, {
    type: SignedMsgType.PREVOTE,
    height,
    round,
    blockId: create(BlockIDSchema, { hash: new Uint8Array(32).fill(block) }),
    timestamp: timestampFromMs(1_000n),
  });
}

describe('persistent consensus signer', () => {
  it('signs votes verifiably and refuses to double-sign after a restart', () => {
    const statePath = join(dir, 'a', 'priv_validator_state.json');
    const first = createPersistentSigner({ chainId, key, statePath });
    const vote = prevote(5n, 0, 1);
    const sig = first.signVote(vote);
    assert.ok(verifySignature(key.alg, key.publicKey, voteSignBytes(chainId, vote), sig, SIGN_CONTEXT_VOTE));

    // A new process: the state file is all that is left.
    const restarted = createPersistentSigner({ chainId, key, statePath });
    assert.deepEqual(restarted.signVote(vote), sig, 'the identical vote gets the stored signature');
    assert.throws(
      () => restarted.signVote(prevote(5n, 0, 2)),
      (e) => isLatticeError(e, 'CONSENSUS_DOUBLE_SIGN'),
    );
    assert.throws(
      () => restarted.signVote(prevote(4n, 3, 1)),
      (e) => isLatticeError(e, 'CONSENSUS_DOUBLE_SIGN'),
    );
    restarted.signVote(prevote(5n, 1, 2));
    assert.throws(
      () => createPersistentSigner({ chainId, key, statePath }).signVote(prevote(5n, 0, 1)),
      (e) => isLatticeError(e, 'CONSENSUS_DOUBLE_SIGN'),
      'a later round signed after the restart is remembered too',
    );
  });

  it('refuses to start on an unreadable sign state', () => {
    const statePath = join(dir, 'b.json');
    writeFileSync(statePath, '{"height": "x"');
    assert.throws(
      () => createPersistentSigner({ chainId, key, statePath }),
      (e) => isLatticeError(e, 'STATE_CORRUPT'),
    );
  });
});
