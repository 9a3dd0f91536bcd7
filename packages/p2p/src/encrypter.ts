import { noise } from '@chainsafe/libp2p-noise';
import type { ConnectionEncrypter, MessageStream, SecuredConnection } from '@libp2p/interface';
import { type TLSComponents, tls } from '@libp2p/tls';

export type EncrypterName = 'tls' | 'noise';
type EncrypterFactory = (components: TLSComponents) => ConnectionEncrypter;

/**
 * `@libp2p/tls` keeps the node:tls socket on the secured stream as `socket`. It is not public API, so
 * the lookup is duck-typed and yields null if the shape changes. Only the client side of TLS 1.3 can
 * report the key-exchange group (Node returns {} on the server), so only dialled connections have one.
 */
function keyExchangeGroup(conn: MessageStream): string | null {
  const socket = (conn as unknown as { socket?: { getEphemeralKeyInfo?: () => unknown } }).socket;
  const info = socket?.getEphemeralKeyInfo?.();
  if (typeof info !== 'object' || info === null) return null;
  const name = (info as { name?: unknown }).name;
  return typeof name === 'string' ? name : null;
}

/** TLS 1.3 encrypter that reports the negotiated key-exchange group of each outbound connection. */
function observedTls(onGroup: (peer: string, group: string) => void): EncrypterFactory {
  const factory = tls();
  return (components) => {
    const inner = factory(components);
    const report = (r: SecuredConnection): SecuredConnection => {
      const group = keyExchangeGroup(r.connection);
      if (group !== null) onGroup(r.remotePeer.toString(), group);
      return r;
    };
    return {
      protocol: inner.protocol,
      secureInbound: async (conn, opts) => report(await inner.secureInbound(conn, opts)),
      secureOutbound: async (conn, opts) => report(await inner.secureOutbound(conn, opts)),
    };
  };
}

export function makeEncrypter(name: EncrypterName, onGroup: (peer: string, group: string) => void) {
  return name === 'tls' ? observedTls(onGroup) : noise();
}
