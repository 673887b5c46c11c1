/**
 * CORS: which web pages (origins) may call the API from a browser.
 *
 * Configured by DRAFTROOM_CORS_ORIGINS, a comma-separated list of origins
 * (`https://room.example.org`), or `*` for any. By default the list is empty
 * and no CORS header is ever sent: browsers then allow only same-origin
 * pages. Credentials are bearer tokens in the Authorization header, never
 * cookies, so `Access-Control-Allow-Credentials` is never sent, and `*` is
 * safe for a public API.
 *
 * An allowed origin gets `Access-Control-Allow-Origin` (the origin itself,
 * with `Vary: Origin`, or `*`), and `Retry-After` is exposed so a page can
 * read a rate limit's answer. A preflight (OPTIONS with
 * Access-Control-Request-Method) from an allowed origin is answered here with
 * 204; from any other origin it gets no CORS header, so the browser refuses.
 *
 * WebSockets are not subject to CORS; the token in connection_init is what
 * authenticates them (a page from another site cannot read it).
 */
import type { NextFunction, Request, Response } from 'express';

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const DEFAULT_ALLOWED_HEADERS = 'authorization, content-type, x-request-id, apollo-require-preflight';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** The CORS middleware for `origins` (empty: one that does nothing). */
export function corsMiddleware(origins: readonly string[]) {
  const any = origins.includes('*');
  const allowed = new Set(origins.map((origin) => origin.replace(/\/+$/, '')));
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (!origin || (!any && !allowed.has(origin))) return next();
    if (any) {
      res.setHeader('Access-Control-Allow-Origin', '*');
    } else {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.append('Vary', 'Origin');
    }
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      const asked = req.headers['access-control-request-headers'];
      res.setHeader('Access-Control-Allow-Headers', typeof asked === 'string' && asked ? asked : DEFAULT_ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
      res.status(204).end();
      return;
    }
    next();
  };
}
