import { LatticeError, utf8 } from '@lattice/utils';

// FIPS 204/205 context strings: a signature made for one purpose never verifies for another,
// even when the signed bytes happen to coincide.
export const SIGN_CONTEXT_TX = 'lattice/tx/v1';
export const SIGN_CONTEXT_VOTE = 'lattice/vote/v1';
export const SIGN_CONTEXT_PROPOSAL = 'lattice/proposal/v1';
export const SIGN_CONTEXT_MESSAGE = 'lattice/msg/v1';

/** FIPS 204 and 205 cap the context string at 255 bytes. */
export const SIGN_CONTEXT_MAX_BYTES = 255;

/**
 * A context is normally one of the strings above (signed as its UTF-8 bytes); raw bytes are
 * accepted so that externally defined contexts (e.g. the NIST test vectors) can be checked.
 */
export type SignContext = string | Uint8Array;

/** The context's bytes, or undefined when it is not a string/bytes or is longer than 255 bytes. */
export function contextBytesOrUndefined(context: SignContext): Uint8Array | undefined {
  const bytes =
    typeof context === 'string' ? utf8(context) : context instanceof Uint8Array ? context : undefined;
  return bytes !== undefined && bytes.length <= SIGN_CONTEXT_MAX_BYTES ? bytes : undefined;
}

/** Like contextBytesOrUndefined, for the signing side where a bad context is the caller's error. */
export function contextBytes(context: SignContext): Uint8Array {
  const bytes = contextBytesOrUndefined(context);
  if (bytes === undefined) {
    throw new LatticeError(
      'INVALID_ARGUMENT',
      `signing context must be a string or bytes of at most ${SIGN_CONTEXT_MAX_BYTES} bytes`,
    );
  }
  return bytes;
}
