import { array, Obj, quote } from "./json";
import { Coin } from "./context";

function coinsJson(coins: Coin[]): string {
  const items: string[] = [];
  for (let i = 0; i < coins.length; i++) {
    items.push(new Obj().str("denom", coins[i].denom).amount("amount", coins[i].amount).toString());
  }
  return array(items);
}

/** A key-value pair on an event. Keys starting with `_` are reserved for the chain. */
export class Attribute {
  constructor(public key: string, public value: string) {}

  toJson(): string {
    return new Obj().str("key", this.key).str("value", this.value).toString();
  }
}

/** A custom event, emitted as `wasm-<type>`. */
export class Event {
  attributes: Attribute[] = [];
  constructor(public type: string) {}

  add(key: string, value: string): Event {
    this.attributes.push(new Attribute(key, value));
    return this;
  }

  toJson(): string {
    const attrs: string[] = [];
    for (let i = 0; i < this.attributes.length; i++) attrs.push(this.attributes[i].toJson());
    return new Obj().str("type", this.type).raw("attributes", array(attrs)).toString();
  }
}

/**
 * What an instantiate, execute, migrate or reply returns: attributes (on the `wasm` event),
 * custom events, optional data, and messages that run after the call, atomically with it.
 */
export class Response {
  attributes: Attribute[] = [];
  events: Event[] = [];
  messages: string[] = [];
  data: string = "";

  add(key: string, value: string): Response {
    this.attributes.push(new Attribute(key, value));
    return this;
  }

  event(e: Event): Response {
    this.events.push(e);
    return this;
  }

  /** Data returned to the caller (a contract's reply, or the tx result), as a string. */
  withData(data: string): Response {
    this.data = data;
    return this;
  }

  /**
   * Queues a message. With `replyOn` "success", "error" or "always" it is a sub-message: the
   * contract's `reply` entry point hears how message `id` went, and with "error" or "always" a
   * failure reverts only that message. With "never" (the default) its failure fails the call.
   */
  private queue(msg: string, id: i64, replyOn: string): Response {
    if (replyOn == "never") this.messages.push(msg);
    else this.messages.push(new Obj().int("id", id).raw("msg", msg).str("reply_on", replyOn).toString());
    return this;
  }

  /** Sends coins from this contract's balance. */
  bankSend(to: string, coins: Coin[], id: i64 = 0, replyOn: string = "never"): Response {
    const send = new Obj().str("to_address", to).raw("amount", coinsJson(coins));
    return this.queue(new Obj().obj("bank", new Obj().obj("send", send)).toString(), id, replyOn);
  }

  /** Calls another contract's execute with `msgJson`, sending `funds` from this contract. */
  executeContract(contract: string, msgJson: string, funds: Coin[] = [], id: i64 = 0, replyOn: string = "never"): Response {
    const exec = new Obj().str("contract_addr", contract).raw("msg", msgJson).raw("funds", coinsJson(funds));
    return this.queue(new Obj().obj("wasm", new Obj().obj("execute", exec)).toString(), id, replyOn);
  }

  toJson(): string {
    const attrs: string[] = [];
    for (let i = 0; i < this.attributes.length; i++) attrs.push(this.attributes[i].toJson());
    const events: string[] = [];
    for (let i = 0; i < this.events.length; i++) events.push(this.events[i].toJson());
    const o = new Obj()
      .raw("attributes", array(attrs))
      .raw("events", array(events))
      .raw("messages", array(this.messages));
    if (this.data.length > 0) o.str("data", this.data);
    return o.toString();
  }
}

export { quote };
