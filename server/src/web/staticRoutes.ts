/**
 * The drafting room in the browser: the single-page app built by Vite into
 * `web/dist`, served by this server so that a room with no internet has it
 * (no CDN, nothing fetched from elsewhere).
 *
 *   GET /                      the page (index.html)
 *   GET /declarations/:id      the page too: the app reads the id from the path
 *   GET /assets/*              Vite's content-hashed files: cached for a year
 *
 * index.html is never cached (`no-cache`: revalidated each time), so a new
 * build is picked up at once, while the hashed assets it names are cached for
 * good. The page's token travels in the URL fragment (`/#token=`), which the
 * browser never sends: it reaches neither this route nor the request log.
 *
 * Without `web/dist` (the app was not built), both page routes answer 503 with
 * a short page saying how to build it, instead of a bare 404.
 */
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';

/** `web/dist` of this repository, found from this file's own place (server/src/web/). */
export const DEFAULT_WEB_DIST = path.resolve(import.meta.dirname, '../../../web/dist');

/** The page may load only what this server serves; CodeMirror injects its styles at run time. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>draftroom: the web app is not built</title></head>
<body>
<h1>The drafting room is not built yet</h1>
<p>This server serves the web app from <code>web/dist</code>, which does not exist.
Build it with <code>npm run build</code> at the repository root (<code>npm start</code> does it by itself), then reload this page.</p>
<p>The GraphQL API is at <a href="/graphql">/graphql</a>.</p>
</body></html>
`;

export interface WebRoutesOptions {
  /** Where the built app is (default: the repository's `web/dist`). */
  distDir?: string;
}

export function mountWebRoutes(app: express.Express, options: WebRoutesOptions = {}): void {
  const distDir = options.distDir ?? DEFAULT_WEB_DIST;
  const indexFile = path.join(distDir, 'index.html');

  app.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
      setHeaders: (res) => res.setHeader('x-content-type-options', 'nosniff'),
    }),
    // A missing asset is a plain 404, not the app's page (a stale index.html asking for an old hash).
    (error: { status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (error.status !== 404) return next(error);
      res.status(404).type('text/plain').send('not found\n');
    },
  );

  const page = (_req: express.Request, res: express.Response) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    // Checked on every request: a build made while the server runs is served without a restart.
    if (!fs.existsSync(indexFile)) {
      res.status(503).setHeader('cache-control', 'no-store');
      res.type('html').send(NOT_BUILT_PAGE);
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(indexFile, { cacheControl: false });
  };
  app.get('/', page);
  app.get('/declarations/:id', page);
}
