/**
 * Structured logs (pino). Tokens never reach a log line: the authorization
 * header and connection_init payload are redacted wherever they could appear,
 * and the request log writes no headers at all.
 *
 * Request ids: every HTTP request and every WebSocket operation runs inside
 * `requestContext` (see observability/requestLog.ts and wsOperations.ts), and
 * every line logged while it runs carries its `requestId`, so an operator can
 * follow one request through the server's lines.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface RequestScope {
  requestId: string;
}

/** The request a piece of work runs for (none for background work). */
export const requestContext = new AsyncLocalStorage<RequestScope>();

/** Runs `task` outside any request: background work must not carry the id of the request that started it. */
export function outsideRequest<T>(task: () => T): T {
  return requestContext.exit(task);
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'authorization',
  '*.authorization',
  'token',
  '*.token',
  'connectionParams',
  '*.connectionParams',
  'payload.authorization',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'draftroom' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: () => requestContext.getStore() ?? {},
  };
  return destination ? pino(options, destination) : pino(options);
}
