import { type Event, type EventAttribute, EventAttributeSchema, EventSchema } from '@lattice/codec';

/**
 * Events are built directly as protobuf `Event` messages (plain literals, no create()): receipts,
 * storage and RPC take them as they are. A block of a few thousand transfers holds tens of
 * thousands of them, so building them once instead of converting them saves an allocation per
 * event and attribute, which also live until the block's receipts are written.
 */
export type AppEvent = Event;
export type AppEventAttribute = EventAttribute;

export function attribute(key: string, value: string): EventAttribute {
  return { $typeName: EventAttributeSchema.typeName, key, value, index: true };
}

export function eventOf(type: string, attributes: EventAttribute[]): Event {
  return { $typeName: EventSchema.typeName, type, attributes };
}

/** An event whose attributes are the record's entries, in their order. */
export function event(type: string, attrs: Record<string, string>): Event {
  const attributes: EventAttribute[] = [];
  for (const key in attrs) attributes.push(attribute(key, attrs[key]!));
  return eventOf(type, attributes);
}
