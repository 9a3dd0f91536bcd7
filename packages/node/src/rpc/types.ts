/** One WebSocket client, as seen by method handlers. */
export interface RpcConnection {
  /** Unique among the connections of one server, never reused. */
  readonly id: number;
  readonly remoteAddress: string;
  readonly subscriptionCount: number;
  readonly closed: boolean;
  /** Runs once when the connection ends for any reason; at once if it already has. */
  onClose(listener: () => void): void;
  close(code?: number, reason?: string): void;
}

export interface RpcContext {
  transport: 'http' | 'ws';
  remoteAddress: string;
  /** Present for WebSocket calls only. */
  connection?: RpcConnection;
}

/**
 * A JSON-RPC method. `params` is what the client sent (array, object or undefined) and must be
 * validated by the handler: throw LatticeError RPC_INVALID_PARAMS (or INVALID_ARGUMENT) on bad input.
 * The return value is serialised with the RPC replacer; undefined becomes null.
 */
export type RpcHandler = (params: unknown, ctx: RpcContext) => unknown | Promise<unknown>;

export interface RouteRequest {
  /** Parsed JSON body of a POST (undefined when empty); always undefined for GET. */
  body: unknown;
  query: URLSearchParams;
}

export interface RouteResponse {
  status: number;
  /** Sent as is when contentType is given and body is a string or bytes; otherwise as JSON. */
  body: unknown;
  contentType?: string;
}

export type RouteHandler = (req: RouteRequest) => Promise<RouteResponse>;
