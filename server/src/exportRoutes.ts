/**
 * Downloads over plain HTTP, for a browser or curl:
 *
 *   GET /declarations/:id/export.md              MARKDOWN
 *   GET /declarations/:id/export.html            HTML
 *   GET /declarations/:id/export.xml             AKOMA_NTOSO
 *   GET /declarations/:id/export.compilation.md  COMPILATION
 *
 * `?revisionId=<id>` exports a published revision. Authentication as for
 * GraphQL: `Authorization: Bearer <token>`. Errors are JSON with the
 * contract's code, and the HTTP status that goes with it.
 *
 * Each download takes one token from its caller's request bucket, the one
 * its GraphQL requests and WebSocket operations take from (limits/): an
 * export renders the whole declaration, so it is no cheaper to ask for.
 * Over the limit: 429 with `Retry-After`, and the same error as GraphQL's
 * (BAD_USER_INPUT, `limit`, `retryAfterMs`).
 */
import { randomUUID } from 'node:crypto';
import type express from 'express';
import { bearerToken } from './auth/tokens.js';
import { exportDeclaration } from './drafting/export/exportDeclaration.js';
import { EXPORT_MEDIA, type ExportFormatName } from './drafting/export/index.js';
import { DomainError, ErrorCode, isDatabaseUnavailable, unavailable } from './errors.js';
import { viewerForToken } from './graphql/context.js';
import { callerKey, RateLimitError, type RateLimits } from './limits/rateLimits.js';
import type { Services } from './services.js';

const ROUTES: [string, ExportFormatName][] = [
  ['export.compilation.md', 'COMPILATION'],
  ['export.md', 'MARKDOWN'],
  ['export.html', 'HTML'],
  ['export.xml', 'AKOMA_NTOSO'],
];

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.UNAVAILABLE]: 503,
};

export function mountExportRoutes(app: express.Express, services: Services, rates: RateLimits): void {
  for (const [file, format] of ROUTES) {
    app.get(`/declarations/:id/${file}`, async (req, res) => {
      const em = services.orm.em.fork();
      try {
        const token = bearerToken(req.headers.authorization);
        const viewer = await viewerForToken(em, token);
        rates.request(callerKey(token, viewer !== null, req.ip));
        const revisionId = typeof req.query.revisionId === 'string' ? req.query.revisionId : null;
        const body = await exportDeclaration(em, services, viewer, { declarationId: String(req.params.id), format, revisionId });
        const media = EXPORT_MEDIA[format];
        res.setHeader('content-type', media.contentType);
        res.setHeader('content-disposition', `inline; filename="declaration-${req.params.id}.${media.extension}"`);
        res.send(body);
      } catch (raw) {
        // PostgreSQL out of reach: 503 UNAVAILABLE, as over GraphQL.
        const error = !(raw instanceof DomainError) && isDatabaseUnavailable(raw) ? unavailable('the database is unavailable right now; retry shortly') : raw;
        if (error instanceof DomainError) {
          services.metrics.reject(error.code);
          const status = error instanceof RateLimitError ? error.extensions.http.status : STATUS[error.code];
          if (error instanceof RateLimitError) res.setHeaders(error.extensions.http.headers);
          res.status(status).json({ errors: [{ message: error.message, extensions: { ...error.details, code: error.code } }] });
          return;
        }
        const requestId = randomUUID();
        services.metrics.reject('INTERNAL_SERVER_ERROR');
        services.log.error({ err: error, requestId }, 'export failed');
        res.status(500).json({ errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
      }
    });
  }
}
