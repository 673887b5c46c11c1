/**
 * Request ids and the HTTP request log.
 *
 * Every HTTP request gets an id: the client's `x-request-id` when it is a
 * sane one (letters, digits, `.`, `_`, `:`, `-`; at most 100), else a new
 * UUID. The id is put back on the request (server.ts builds the GraphQL
 * context from it), returned as the `x-request-id` response header, and set
 * as the request's logging scope, so every line logged while it runs carries
 * it. One line is logged per request when it ends: method, path (never the
 * query string or headers: no token can get there), status, duration, and
 * the client's address (`req.ip`: the peer's, or the one a trusted proxy
 * forwarded, see limits/clientAddress.ts).
 */
import type express from 'express';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { requestContext, type Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The client's request id if it is a sane one, else a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The route label of a path: a small fixed set, so the metric's label values stay few. */
function routeOf(path: string): string {
  if (path === '/graphql' || path === '/healthz' || path === '/readyz' || path === '/metrics') return path;
  if (path.startsWith('/declarations/')) return '/declarations/:id/export';
  return 'other';
}

export function requestLog(log: Logger, metrics: Metrics): express.RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    const path = req.path; // now: routers mounted on a path rewrite it for their handlers
    const clientAddress = req.ip; // now: a connection that closed early has no peer address any more
    res.once('close', () => {
      const route = routeOf(path);
      const status = res.writableFinished ? res.statusCode : 0; // 0: the connection closed before the answer
      metrics.httpRequests.inc({ route, status: String(status) });
      // Probes and scrapes every few seconds would drown the interesting lines.
      const level = route === '/healthz' || route === '/readyz' || route === '/metrics' ? 'debug' : 'info';
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      log[level]({ requestId, method: req.method, path, status, durationMs, clientAddress }, 'http request');
    });
    requestContext.run({ requestId }, next);
  };
}
