/** What the SDK needs from a key: Node signs with node:crypto, browsers with @noble/post-quantum. */
export interface TxSigner {
  readonly alg: number;
  readonly publicKey: Uint8Array;
  /** bech32m account address (lat1…). */
  readonly address: string;
  sign(signBytes: Uint8Array): Uint8Array;
}
