import {
  ALG_ML_DSA_44,
  addressFromPublicKey,
  generateMnemonic,
  mnemonicToKeySeed,
  type PrivateKey,
  privateKeyFromSeed,
  SIGN_CONTEXT_TX,
} from '@lattice/crypto';
import type { TxSigner } from './signer.ts';

/** A Node wallet: an ML-DSA key (node:crypto) that signs transactions. */
export class Wallet implements TxSigner {
  readonly key: PrivateKey;
  readonly address: string;

  constructor(key: PrivateKey) {
    this.key = key;
    this.address = addressFromPublicKey(key.alg, key.publicKey);
  }

  static fromSeed(seed: Uint8Array, alg = ALG_ML_DSA_44): Wallet {
    return new Wallet(privateKeyFromSeed(alg, seed));
  }

  static fromMnemonic(
    mnemonic: string,
    opts: { alg?: number; index?: number; passphrase?: string } = {},
  ): Wallet {
    const alg = opts.alg ?? ALG_ML_DSA_44;
    return Wallet.fromSeed(mnemonicToKeySeed(mnemonic, { ...opts, alg }), alg);
  }

  static generate(alg = ALG_ML_DSA_44): { wallet: Wallet; mnemonic: string } {
    const mnemonic = generateMnemonic();
    return { wallet: Wallet.fromMnemonic(mnemonic, { alg }), mnemonic };
  }

  get alg(): number {
    return this.key.alg;
  }

  get publicKey(): Uint8Array {
    return this.key.publicKey;
  }

  sign(signBytes: Uint8Array): Uint8Array {
    return this.key.sign(signBytes, SIGN_CONTEXT_TX);
  }
}
