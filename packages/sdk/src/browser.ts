import {
  ALG_ML_DSA_44,
  addressFromPublicKey,
  generateMnemonic,
  mnemonicToKeySeed,
  portablePrivateKeyFromSeed,
  SIGN_CONTEXT_TX,
} from '@lattice/crypto/portable';
import type { TxSigner } from './signer.ts';

export * from './client.ts';
export * from './coins.ts';
export * from './rpc.ts';
export type * from './signer.ts';
export * from './subscriptions.ts';
export type * from './types.ts';

/** The browser wallet: same keys and signature format as the Node wallet, via @noble/post-quantum. */
export class BrowserWallet implements TxSigner {
  readonly alg: number;
  readonly publicKey: Uint8Array;
  readonly address: string;
  readonly #sign: (m: Uint8Array, ctx: string) => Uint8Array;

  constructor(alg: number, seed: Uint8Array) {
    const key = portablePrivateKeyFromSeed(alg, seed);
    this.alg = alg;
    this.publicKey = key.publicKey;
    this.address = addressFromPublicKey(alg, key.publicKey);
    this.#sign = (m, ctx) => key.sign(m, ctx);
  }

  static fromMnemonic(mnemonic: string, opts: { alg?: number; index?: number } = {}): BrowserWallet {
    const alg = opts.alg ?? ALG_ML_DSA_44;
    return new BrowserWallet(alg, mnemonicToKeySeed(mnemonic, { ...opts, alg }));
  }

  static generate(alg = ALG_ML_DSA_44): { wallet: BrowserWallet; mnemonic: string } {
    const mnemonic = generateMnemonic();
    return { wallet: BrowserWallet.fromMnemonic(mnemonic, { alg }), mnemonic };
  }

  sign(signBytes: Uint8Array): Uint8Array {
    return this.#sign(signBytes, SIGN_CONTEXT_TX);
  }
}
