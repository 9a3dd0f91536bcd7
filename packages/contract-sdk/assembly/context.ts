import { parse, Value } from "./json";

/** An amount of one denomination. */
export class Coin {
  constructor(public denom: string, public amount: u64) {}

  static fromJson(v: Value): Coin {
    return new Coin(v.string("denom"), v.amount("amount"));
  }
}

/** The block and the contract a call runs in. */
export class Env {
  height: i64 = 0;
  /** Block time in milliseconds since the Unix epoch. */
  timeMs: i64 = 0;
  chainId: string = "";
  /** This contract's address. */
  contract: string = "";

  static fromJson(text: string): Env {
    const v = parse(text);
    const block = v.req("block");
    const env = new Env();
    env.height = block.int("height");
    env.timeMs = block.int("time_ms");
    env.chainId = block.string("chain_id");
    env.contract = v.req("contract").string("address");
    return env;
  }
}

/** Who called, and the coins sent along (already credited to the contract). */
export class Info {
  sender: string = "";
  funds: Coin[] = [];

  static fromJson(text: string): Info {
    const v = parse(text);
    const info = new Info();
    info.sender = v.string("sender");
    const funds = v.req("funds");
    for (let i = 0; i < funds.items.length; i++) info.funds.push(Coin.fromJson(funds.items[i]));
    return info;
  }

  /** The amount of `denom` sent with the call (0 if none). */
  sent(denom: string): u64 {
    for (let i = 0; i < this.funds.length; i++) if (this.funds[i].denom == denom) return this.funds[i].amount;
    return 0;
  }
}
