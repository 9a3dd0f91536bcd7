import { create } from '@bufbuild/protobuf';
import type { LatticeApp } from '@lattice/app';
import { buildSignedTx, CoinSchema, MsgSendSchema, packAny } from '@lattice/codec';
import { addressBytesFromPublicKey, formatAddress, type PrivateKey, SIGN_CONTEXT_TX } from '@lattice/crypto';
import {
  DENOM_DGT,
  DENOM_DRT,
  FAUCET_AMOUNT_UDGT,
  FAUCET_AMOUNT_UDRT,
  GAS_PRICE_DECIMALS,
} from '@lattice/params';
import { ceilDiv, LatticeError, parseDecimal } from '@lattice/utils';
import type { SubmitResult, TxIngress } from './ingress.ts';

/** Enough for a MsgSend with a first-tx public key under the default gas schedule. */
const FAUCET_GAS_LIMIT = 200_000n;

/**
 * Devnet faucet: sends a fixed amount of DRT and DGT from the genesis faucet account through
 * the ordinary tx path (signed tx, checkTx, mempool). Requests are serialised so sequences
 * never collide.
 */
export class Faucet {
  readonly #key: PrivateKey;
  readonly #address: Uint8Array;
  readonly #app: LatticeApp;
  readonly #ingress: TxIngress;
  readonly #minGasPrice: bigint;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: { minGasPrice: string }, deps: { key: PrivateKey; app: LatticeApp; ingress: TxIngress }) {
    this.#key = deps.key;
    this.#address = addressBytesFromPublicKey(deps.key.alg, deps.key.publicKey);
    this.#app = deps.app;
    this.#ingress = deps.ingress;
    this.#minGasPrice = parseDecimal(opts.minGasPrice, GAS_PRICE_DECIMALS, 'min gas price');
  }

  get address(): string {
    return formatAddress(this.#address);
  }

  fund(to: Uint8Array): Promise<SubmitResult & { amount: { denom: string; amount: string }[] }> {
    const run = this.#queue.then(() => this.#fund(to));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #fund(to: Uint8Array) {
    const acc = this.#app.pendingAccount(this.#address);
    if (!acc) throw new LatticeError('FAUCET_DISABLED', 'the faucet account does not exist on this chain');
    const amount = [
      { denom: DENOM_DRT, amount: FAUCET_AMOUNT_UDRT.toString() },
      { denom: DENOM_DGT, amount: FAUCET_AMOUNT_UDGT.toString() },
    ];
    const msg = create(MsgSendSchema, {
      fromAddress: formatAddress(this.#address),
      toAddress: formatAddress(to),
      amount: amount.map((c) => create(CoinSchema, c)),
    });
    const fee = ceilDiv(FAUCET_GAS_LIMIT * this.#minGasPrice, 10n ** BigInt(GAS_PRICE_DECIMALS));
    const { bytes } = buildSignedTx(
      {
        chainId: this.#app.chainId,
        messages: [packAny(MsgSendSchema, msg)],
        memo: 'faucet',
        fee: { denom: DENOM_DRT, amount: fee },
        gasLimit: FAUCET_GAS_LIMIT,
        sequence: acc.sequence,
        accountNumber: acc.accountNumber,
        publicKey: this.#app.pubKey(this.#address)
          ? undefined
          : { algorithm: this.#key.alg, key: this.#key.publicKey },
      },
      (signBytes) => this.#key.sign(signBytes, SIGN_CONTEXT_TX),
    );
    const res = await this.#ingress.submit(bytes);
    return { ...res, amount };
  }
}
