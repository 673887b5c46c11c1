/**
 * Structured logs (pino). Tokens never reach a log line: the authorization
 * header and connection_init payload are redacted wherever they could appear.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'draftroom' },
    redact: {
      paths: ['req.headers.authorization', 'authorization', 'token', '*.token', 'connectionParams', 'payload.authorization'],
      censor: '[redacted]',
    },
  });
}
