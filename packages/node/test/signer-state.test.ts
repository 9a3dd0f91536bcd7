import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { BlockIDSchema, SignedMsgType, timestampFromMs, VoteSchema, voteSignBytes } from '@lattice/codec';
import { ALG_ML_DSA_65, privateKeyFromSeed, SIGN_CONTEXT_VOTE, verifySignature } from '@lattice/crypto';
import { isLatticeError, toHex } from '@lattice/utils';
import { createPersistentSigner } from '../src/consensus/signer-state.ts';

const dir = mkdtempSync(join(tmpdir(), 'lattice-signer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = privateKeyFromSeed(ALG_ML_DSA_65, new Uint8Array(32).fill(9));
const chainId = 'lattice-test-1';
const SLOT_BYTES = 16 * 1024;
const SLOTS_BYTES = 2 * SLOT_BYTES;

/** What a crash in the middle of writing slot `index` leaves: its first half new, its end old. */
function tear(path: string, index: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, index * SLOT_BYTES + 40);
  } finally {
    closeSync(fd);
  }
}

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
    const statePath = join(dir, 'a', 'priv_validator_state.bin');
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
    const statePath = join(dir, 'b.bin');
    writeFileSync(statePath, 'not a sign state');
    assert.throws(
      () => createPersistentSigner({ chainId, key, statePath }),
      (e) => isLatticeError(e, 'STATE_CORRUPT'),
    );
    writeFileSync(statePath, Buffer.alloc(SLOTS_BYTES, 0xab));
    assert.throws(
      () => createPersistentSigner({ chainId, key, statePath }),
      (e) => isLatticeError(e, 'STATE_CORRUPT'),
      'neither slot holds a state',
    );
    const legacyJsonPath = join(dir, 'b.json');
    writeFileSync(legacyJsonPath, '{"height": "x"');
    assert.throws(
      () => createPersistentSigner({ chainId, key, statePath: join(dir, 'b2.bin'), legacyJsonPath }),
      (e) => isLatticeError(e, 'STATE_CORRUPT'),
    );
  });

  it('a write torn by a crash leaves the state before it, whose signature was the last released', () => {
    const statePath = join(dir, 'c.bin');
    const signer = createPersistentSigner({ chainId, key, statePath });
    signer.signVote(prevote(7n, 0, 1)); // slot 0
    signer.signVote(prevote(7n, 1, 1)); // slot 1
    signer.signVote(prevote(7n, 2, 1)); // slot 0 again: the newest
    tear(statePath, 0);
    const restarted = createPersistentSigner({ chainId, key, statePath });
    assert.throws(
      () => restarted.signVote(prevote(7n, 1, 2)),
      (e) => isLatticeError(e, 'CONSENSUS_DOUBLE_SIGN'),
      'round 1 is still known as signed',
    );
    // Round 2's write never completed, so its signature was never released: signing it again is safe.
    restarted.signVote(prevote(7n, 2, 2));
    // That write went to the torn slot, not over round 1's: torn again, round 1 is what is left.
    tear(statePath, 0);
    createPersistentSigner({ chainId, key, statePath }).signVote(prevote(7n, 2, 3));
  });

  it('a first write torn by a crash leaves no state', () => {
    const statePath = join(dir, 'd.bin');
    createPersistentSigner({ chainId, key, statePath }).signVote(prevote(3n, 0, 1));
    tear(statePath, 0);
    createPersistentSigner({ chainId, key, statePath }).signVote(prevote(3n, 0, 2));
  });

  it('takes over the JSON state of earlier versions', () => {
    const legacyJsonPath = join(dir, 'e.json');
    const vote = prevote(9n, 4, 1);
    const bytes = voteSignBytes(chainId, vote);
    const signature = key.sign(bytes, SIGN_CONTEXT_VOTE);
    writeFileSync(
      legacyJsonPath,
      JSON.stringify({
        height: '9',
        round: 4,
        step: 2,
        sign_bytes: toHex(bytes),
        signature: toHex(signature),
      }),
    );
    const statePath = join(dir, 'e.bin');
    const signer = createPersistentSigner({ chainId, key, statePath, legacyJsonPath });
    assert.deepEqual(signer.signVote(vote), signature);
    assert.throws(
      () => signer.signVote(prevote(9n, 3, 1)),
      (e) => isLatticeError(e, 'CONSENSUS_DOUBLE_SIGN'),
    );
    rmSync(legacyJsonPath);
    assert.throws(
      () => createPersistentSigner({ chainId, key, statePath }).signVote(prevote(9n, 4, 2)),
      (e) => isLatticeError(e, 'CONSENSUS_DOUBLE_SIGN'),
      'the state now lives in the new file',
    );
  });
});
