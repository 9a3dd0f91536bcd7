/** Events as the app builds them; converted to protobuf `Event` only for receipts and storage. */
export interface AppEventAttribute {
  key: string;
  value: string;
  index: boolean;
}

export interface AppEvent {
  type: string;
  attributes: AppEventAttribute[];
}

export function event(type: string, attrs: Record<string, string>): AppEvent {
  return {
    type,
    attributes: Object.entries(attrs).map(([key, value]) => ({ key, value, index: true })),
  };
}
