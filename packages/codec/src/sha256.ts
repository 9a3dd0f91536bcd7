// The only hash this package uses, taken from @lattice/crypto through this one file so that the
// choice (e.g. a browser-safe implementation for the SDK) is made in a single place.
export { sha256 } from '@lattice/crypto';
