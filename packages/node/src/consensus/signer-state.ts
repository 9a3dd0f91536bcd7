import { existsSync, readFileSync } from 'node:fs';
import { proposalSignBytes, voteSignBytes } from '@lattice/codec';
import { type ConsensusSigner, LastSignState, SIGN_STEP_PROPOSAL, voteStep } from '@lattice/consensus';
import {
  addressBytesFromPublicKey,
  type PrivateKey,
  SIGN_CONTEXT_PROPOSAL,
  SIGN_CONTEXT_VOTE,
} from '@lattice/crypto';
import { fromHex, LatticeError, toHex } from '@lattice/utils';
import { writeFileAtomic } from '../files.ts';

interface StateFile {
  height: string;
  round: number;
  step: number;
  sign_bytes: string;
  signature: string;
}

/** Reads the validator's last-sign state (CometBFT's priv_validator_state.json); none on a new validator. */
export function loadLastSignState(path: string): LastSignState {
  if (!existsSync(path)) return new LastSignState();
  try {
    const f = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
    return new LastSignState({
      height: BigInt(f.height),
      round: f.round,
      step: f.step,
      signBytes: fromHex(f.sign_bytes),
      signature: fromHex(f.signature),
    });
  } catch (e) {
    // Signing without knowing what was signed last could equivocate: refuse to start.
    throw new LatticeError(
      'STATE_CORRUPT',
      `validator sign state ${path} is unreadable: ${(e as Error).message}`,
    );
  }
}

/**
 * The validator's consensus signer with a double-sign guard that survives restarts: every new
 * signature is made durable (atomic write + fsync) before it is returned, so it is on disk before
 * the vote or proposal can be broadcast. Identical re-signing returns the stored signature.
 */
export function createPersistentSigner(opts: {
  chainId: string;
  key: PrivateKey;
  statePath: string;
}): ConsensusSigner {
  const guard = loadLastSignState(opts.statePath);
  const sign = (
    height: bigint,
    round: number,
    step: number,
    bytes: Uint8Array,
    context: string,
  ): Uint8Array => {
    const reused = guard.check(height, round, step, bytes);
    if (reused !== undefined) return reused;
    const signature = opts.key.sign(bytes, context);
    const file: StateFile = {
      height: height.toString(),
      round,
      step,
      sign_bytes: toHex(bytes),
      signature: toHex(signature),
    };
    writeFileAtomic(opts.statePath, `${JSON.stringify(file)}\n`, 0o600);
    guard.record(height, round, step, bytes, signature);
    return signature;
  };
  return {
    address: addressBytesFromPublicKey(opts.key.alg, opts.key.publicKey),
    signVote: (vote) =>
      sign(
        vote.height,
        vote.round,
        voteStep(vote.type),
        voteSignBytes(opts.chainId, vote),
        SIGN_CONTEXT_VOTE,
      ),
    signProposal: (p) =>
      sign(p.height, p.round, SIGN_STEP_PROPOSAL, proposalSignBytes(opts.chainId, p), SIGN_CONTEXT_PROPOSAL),
  };
}
