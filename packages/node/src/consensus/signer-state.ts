import { proposalSignBytes, voteSignBytes } from '@lattice/codec';
import { type ConsensusSigner, LastSignState, SIGN_STEP_PROPOSAL, voteStep } from '@lattice/consensus';
import {
  addressBytesFromPublicKey,
  type PrivateKey,
  SIGN_CONTEXT_PROPOSAL,
  SIGN_CONTEXT_VOTE,
} from '@lattice/crypto';
import { SignStateFile } from './sign-state-file.ts';

/**
 * The validator's consensus signer with a double-sign guard that survives restarts: every new
 * signature is made durable (SignStateFile) before it is returned, so it is on disk before
 * the vote or proposal can be broadcast. Identical re-signing returns the stored signature.
 */
export interface PersistentSigner extends ConsensusSigner {
  /** Closes the state file; the signer must not be used afterwards. */
  close(): void;
}

export function createPersistentSigner(opts: {
  chainId: string;
  key: PrivateKey;
  statePath: string;
  /** The JSON state file of earlier versions, taken over while `statePath` holds no state yet. */
  legacyJsonPath?: string;
}): PersistentSigner {
  const { file, last } = SignStateFile.open(opts.statePath, opts.legacyJsonPath);
  const guard = new LastSignState(last);
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
    file.write({ height, round, step, signBytes: bytes, signature });
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
    close: () => file.close(),
  };
}
