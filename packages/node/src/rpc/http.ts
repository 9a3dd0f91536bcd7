import type { IncomingMessage, ServerResponse } from 'node:http';
import { toJson } from './json.ts';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const PREFLIGHT_MAX_AGE_SECONDS = 86_400;

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; tooLarge: true }
  | { ok: false; tooLarge: false };

/**
 * Reads a request body of at most `bytesMax` bytes. A declared Content-Length over the limit is
 * refused before reading anything; otherwise reading stops as soon as the limit is passed, and
 * the rest of the upload is drained without being kept.
 */
export function readBody(req: IncomingMessage, bytesMax: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > bytesMax) {
    req.resume();
    return Promise.resolve({ ok: false, tooLarge: true });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > bytesMax) {
        cleanup();
        chunks.length = 0;
        req.resume();
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) });
    };
    const onError = () => {
      cleanup();
      resolve({ ok: false, tooLarge: false });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

export function setCorsHeaders(res: ServerResponse, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  if (origin !== '*') res.setHeader('Vary', 'Origin');
}

export function sendPreflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = req.headers['access-control-request-headers'];
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers':
      typeof requested === 'string' && requested !== '' ? requested : 'content-type',
    'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
    'Content-Length': '0',
  });
  res.end();
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength),
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  sendText(res, status, toJson(body), JSON_CONTENT_TYPE, headers);
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}
