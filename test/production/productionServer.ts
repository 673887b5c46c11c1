/**
 * A server configured as in production, for the security tests: like
 * `startServer()` (a fresh database, port 0, clients over HTTP and
 * WebSocket), but with the options `startServer()` fixes for development:
 * error details, introspection, CORS origins.
 */
import { randomBytes } from 'node:crypto';
import { startApp, type App } from '../../server/src/app.js';
import { DEFAULT_LIMITS, type Limits } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { GraphQLTestClient } from '../support/client.js';
import { createTestDatabase, dropTestDatabase } from '../support/testServer.js';

export interface ConfiguredServer {
  app: App;
  url: string;
  wsUrl: string;
  databaseUrl: string;
  bootstrapToken: string;
  client(token?: string | null): GraphQLTestClient;
  stop(): Promise<void>;
}

export async function startConfiguredServer(options: {
  exposeErrorDetails: boolean;
  introspection: boolean;
  corsOrigins?: string[];
  limits?: Partial<Limits>;
}): Promise<ConfiguredServer> {
  const databaseUrl = await createTestDatabase();
  const bootstrapToken = `test-bootstrap-${randomBytes(12).toString('hex')}`;
  const app = await startApp({
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    bootstrapToken,
    introspection: options.introspection,
    exposeErrorDetails: options.exposeErrorDetails,
    corsOrigins: options.corsOrigins,
  });
  const url = `http://127.0.0.1:${app.port}/graphql`;
  const wsUrl = `ws://127.0.0.1:${app.port}/graphql`;
  const clients: GraphQLTestClient[] = [];
  return {
    app,
    url,
    wsUrl,
    databaseUrl,
    bootstrapToken,
    client(token = bootstrapToken) {
      const client = new GraphQLTestClient(url, wsUrl, token);
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await app.stop();
      await dropTestDatabase(databaseUrl);
    },
  };
}
