import { LatticeError } from '@lattice/utils';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';

/** A fresh Ed25519 libp2p identity, as protobuf-encoded private key bytes for the caller to persist. */
export async function generatePeerKey(): Promise<Uint8Array> {
  return privateKeyToProtobuf(await generateKeyPair('Ed25519'));
}

export function decodePeerKey(bytes: Uint8Array): PrivateKey {
  let key: PrivateKey;
  try {
    key = privateKeyFromProtobuf(bytes);
  } catch (e) {
    throw new LatticeError('CRYPTO_INVALID_KEY', `invalid libp2p private key: ${(e as Error).message}`);
  }
  if (key.type !== 'Ed25519') {
    throw new LatticeError('CRYPTO_INVALID_KEY', 'libp2p private key must be Ed25519', { type: key.type });
  }
  return key;
}

export function peerIdOfKey(bytes: Uint8Array): string {
  return peerIdFromPrivateKey(decodePeerKey(bytes)).toString();
}

export function parsePeerId(s: string): PeerId {
  try {
    return peerIdFromString(s);
  } catch {
    throw new LatticeError('INVALID_ARGUMENT', 'invalid peer id', { peer: s.slice(0, 80) });
  }
}
