export * from './dispatcher.ts';
export * from './errors.ts';
export * from './json.ts';
export * from './params.ts';
export * from './server.ts';
export * from './subscriptions.ts';
export type * from './types.ts';
export { WS_CLOSE_GOING_AWAY, WS_CLOSE_SLOW_CONSUMER } from './ws-connection.ts';
