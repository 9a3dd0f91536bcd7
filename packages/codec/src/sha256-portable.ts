export { sha256 } from '@lattice/crypto/portable';
