/**
 * A server configured as in production, for the security tests: like
 * `startServer()` (a fresh database, port 0, clients over HTTP and
 * WebSocket), but with the options `startServer()` fixes for development:
 * error details, introspection, CORS origins.
 */
import type { Limits } from '../../server/src/config.js';
import { startServer, type TestServer } from '../support/testServer.js';

export type ConfiguredServer = TestServer;

export function startConfiguredServer(options: {
  exposeErrorDetails: boolean;
  introspection: boolean;
  corsOrigins?: string[];
  limits?: Partial<Limits>;
}): Promise<ConfiguredServer> {
  const { limits, ...app } = options;
  return startServer({ limits, app });
}
