import { randomBytes } from 'node:crypto';
import { assert, LatticeError, type Logger } from '@lattice/utils';
import { toJson } from './json.ts';

export const SUBSCRIPTION_NOTIFICATION_METHOD = 'lat_subscription';

export interface TopicOptions {
  /** Checks and normalises a client's filter; throws LatticeError RPC_INVALID_PARAMS. */
  validateFilter?: (filter: unknown) => unknown;
  /** Whether an event goes to a subscriber with this (normalised) filter; absent = every event. */
  match?: (filter: unknown, event: unknown) => boolean;
}

interface Topic extends TopicOptions {
  readonly name: string;
  /** Insertion-ordered, so subscribers are notified in the order they subscribed. */
  readonly subscriptions: Set<Subscription>;
}

/** The side of a connection the hub talks to. */
export interface Subscriber {
  readonly subscriptions: Map<string, Subscription>;
  readonly subscriptionsMax: number;
  /** Sends one ready-made notification; the subscriber decides about buffering and slowness. */
  deliver(sub: Subscription, message: string): void;
}

export interface Subscription {
  readonly id: string;
  readonly topic: Topic;
  readonly filter: unknown;
  readonly subscriber: Subscriber;
  /**
   * Notifications published before the client has received the subscription id are held here
   * and flushed right after it, so that a client never sees an event for an id it does not know.
   */
  held: string[] | null;
}

/** Topics, their subscribers, and fan-out of published events. */
export class SubscriptionHub {
  readonly #topics = new Map<string, Topic>();
  readonly #logger: Logger;

  constructor(deps: { logger: Logger }) {
    this.#logger = deps.logger;
  }

  defineTopic(name: string, opts: TopicOptions = {}): void {
    assert(typeof name === 'string' && name.length > 0, 'topic name must be a non-empty string');
    assert(!this.#topics.has(name), `topic defined twice: ${name}`);
    this.#topics.set(name, { name, ...opts, subscriptions: new Set() });
  }

  subscribe(subscriber: Subscriber, topicName: unknown, rawFilter: unknown): Subscription {
    if (typeof topicName !== 'string') {
      throw new LatticeError('RPC_INVALID_PARAMS', 'topic must be a string');
    }
    const topic = this.#topics.get(topicName);
    if (topic === undefined) {
      throw new LatticeError('RPC_INVALID_PARAMS', `unknown topic: ${topicName.slice(0, 64)}`, {
        topic: topicName.slice(0, 64),
      });
    }
    if (subscriber.subscriptions.size >= subscriber.subscriptionsMax) {
      throw new LatticeError(
        'RPC_TOO_MANY_SUBSCRIPTIONS',
        `at most ${subscriber.subscriptionsMax} subscriptions per connection`,
        { max: subscriber.subscriptionsMax },
      );
    }
    const filter = topic.validateFilter ? topic.validateFilter(rawFilter) : rawFilter;
    const sub: Subscription = { id: newSubscriptionId(), topic, filter, subscriber, held: [] };
    topic.subscriptions.add(sub);
    subscriber.subscriptions.set(sub.id, sub);
    return sub;
  }

  unsubscribe(subscriber: Subscriber, id: string): boolean {
    const sub = subscriber.subscriptions.get(id);
    if (sub === undefined) return false;
    subscriber.subscriptions.delete(id);
    sub.topic.subscriptions.delete(sub);
    sub.held = null;
    return true;
  }

  unsubscribeAll(subscriber: Subscriber): void {
    for (const sub of subscriber.subscriptions.values()) {
      sub.topic.subscriptions.delete(sub);
      sub.held = null;
    }
    subscriber.subscriptions.clear();
  }

  subscriberCount(topicName: string): number {
    return this.#topics.get(topicName)?.subscriptions.size ?? 0;
  }

  /** The event is serialised at most once, however many subscribers receive it. */
  publish(topicName: string, event: unknown): void {
    const topic = this.#topics.get(topicName);
    assert(topic !== undefined, `publish to undefined topic: ${topicName}`);
    if (topic.subscriptions.size === 0) return;
    let result: string | undefined;
    // A copy, because delivering may disconnect a slow subscriber and so edit the set.
    for (const sub of [...topic.subscriptions]) {
      if (topic.match !== undefined && !this.#matches(topic, sub, event)) continue;
      if (result === undefined) {
        try {
          result = toJson(event);
        } catch (e) {
          this.#logger.error('event not serialisable', { topic: topicName, err: String(e) });
          return;
        }
      }
      sub.subscriber.deliver(sub, notification(sub.id, result));
    }
  }

  #matches(topic: Topic, sub: Subscription, event: unknown): boolean {
    try {
      return topic.match!(sub.filter, event);
    } catch (e) {
      this.#logger.error('subscription filter failed', { topic: topic.name, err: String(e) });
      return false;
    }
  }
}

function newSubscriptionId(): string {
  return `0x${randomBytes(16).toString('hex')}`;
}

/** Built by concatenation around the shared serialised result; ids are hex and need no escaping. */
function notification(id: string, result: string): string {
  return `{"jsonrpc":"2.0","method":"${SUBSCRIPTION_NOTIFICATION_METHOD}","params":{"subscription":"${id}","result":${result}}}`;
}
