import { createHash } from 'node:crypto';
import { verifySignature } from '@lattice/crypto';
import { GenerationalCache } from '@lattice/utils';

/** Consensus signatures remembered as verified: a node's votes, proposals and commits of recent heights. */
const VERIFIED_CONSENSUS_SIGS_MAX = 8_192;

/**
 * Consensus signatures (proposals, votes, the precommits of commits) verified once per node: a
 * precommit checked when it arrived by gossip is free when the core counts it, when the decided
 * block's commit is checked and when the next block carries it as its last commit.
 *
 * An entry binds everything the verification depended on: algorithm, context, public key, the
 * whole signature and the signed bytes. Vote sign bytes do not name the validator (as in
 * CometBFT), so an entry without the key would let one validator's signature pass as another's
 * for the same vote, and one without the whole signature would let a forged copy pass.
 */
export class VerifiedSignatures {
  readonly #verified = new GenerationalCache<string, true>(VERIFIED_CONSENSUS_SIGS_MAX);

  verify(alg: number, key: Uint8Array, bytes: Uint8Array, signature: Uint8Array, context: string): boolean {
    const id = entryId(alg, key, bytes, signature, context);
    if (this.#verified.has(id)) return true;
    const ok = verifySignature(alg, key, bytes, signature, context);
    if (ok) this.#verified.set(id, true);
    return ok;
  }
}

/** SHA-256 over the length-prefixed inputs: unambiguous, and ~3 µs against ~150 µs to verify. */
function entryId(
  alg: number,
  key: Uint8Array,
  bytes: Uint8Array,
  signature: Uint8Array,
  context: string,
): string {
  const lengths = new DataView(new ArrayBuffer(16));
  lengths.setUint32(0, alg);
  lengths.setUint32(4, key.length);
  lengths.setUint32(8, signature.length);
  lengths.setUint32(12, bytes.length);
  return createHash('sha256')
    .update(new Uint8Array(lengths.buffer))
    .update(key)
    .update(signature)
    .update(bytes)
    .update(context)
    .digest('binary');
}
