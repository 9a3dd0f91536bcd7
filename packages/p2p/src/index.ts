export type { EncrypterName } from './encrypter.ts';
export { encodeFrame, encodeVarint, readFrame } from './framing.ts';
export { P2PHost } from './host.ts';
export { generatePeerKey, peerIdOfKey } from './keys.ts';
export type { CachedPeer } from './peer-cache.ts';
export { loadPeerCache, savePeerCache } from './peer-cache.ts';
export { decodeStatus, encodeStatus, STATUS_PROTOCOL, type Status } from './status.ts';
export { TokenBucket } from './token-bucket.ts';
export type * from './types.ts';
