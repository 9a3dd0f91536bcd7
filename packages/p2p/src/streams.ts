import type { Stream } from '@libp2p/interface';
import { encodeFrame } from './framing.ts';

/** Response frames start with one code byte. */
export const RESPONSE_OK = 0;
export const RESPONSE_ERROR = 1;
export const ERROR_MESSAGE_BYTES_MAX = 256;

/** Sends one frame and closes our writable end; the stream stays readable for the reply. */
export async function sendFrame(stream: Stream, body: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(encodeFrame(body))) await stream.onDrain({ signal });
  await stream.close({ signal });
}

export function responseBody(code: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = code;
  out.set(body, 1);
  return out;
}

/** An AbortSignal that fires after `ms` without holding the event loop open. */
export function timeoutSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(new Error('timeout')), ms);
  t.unref();
  return { signal: ac.signal, clear: () => clearTimeout(t) };
}

/** Rejects when `signal` aborts; the losing promise keeps running but its result is dropped. */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
