/**
 * `startServer()`: a real draftroom server on a free port, in this process,
 * on a fresh database of its own on the test PostgreSQL. Tests talk to it
 * over HTTP and WebSocket exactly as clients do.
 *
 *     const server = await startServer();
 *     const admin = server.client(server.bootstrapToken);
 *     const { data } = await admin.query('{ viewer { role } }');
 *     await server.stop();
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { startApp, type App, type AppOptions } from '../../server/src/app.js';
import type { CompactionOptions } from '../../server/src/collab/compactor.js';
import { DEFAULT_LIMITS, type Limits } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { GraphQLTestClient } from './client.js';

export interface TestServer {
  app: App;
  url: string;
  wsUrl: string;
  databaseUrl: string;
  bootstrapToken: string;
  /** SQL statements sent since the server started (see `countStatements`). */
  statements: number;
  client(token?: string | null): GraphQLTestClient;
  /** Stops the server; the database stays (for restart tests) unless `dropDatabase`. */
  stop(options?: { dropDatabase?: boolean }): Promise<void>;
}

export interface StartServerOptions {
  /** Reuse a database (restart tests); default: a fresh one. */
  databaseUrl?: string;
  bootstrapToken?: string;
  limits?: Partial<Limits>;
  /** PARAGRAPH_EDITED coalescing: quiet period and longest wait (ms); server defaults otherwise. */
  editQuietMs?: number;
  editMaxMs?: number;
  /** Update-log compaction thresholds and how often it runs. */
  compaction?: Partial<CompactionOptions> & { intervalMs?: number };
  /**
   * What startServer otherwise fixes for development (error details and
   * introspection on, no CORS, a silent log, the default shutdown bound):
   * production-like servers and log-capturing tests set them here.
   */
  app?: Partial<Pick<AppOptions, 'introspection' | 'exposeErrorDetails' | 'corsOrigins' | 'trustedProxies' | 'explorer' | 'keepAliveMs' | 'log' | 'shutdownTimeoutMs'>>;
}

/** Creates an empty database on the test cluster and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const bootstrapToken = options.bootstrapToken ?? `test-bootstrap-${randomBytes(12).toString('hex')}`;
  let statements = 0;
  const app = await startApp({
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    bootstrapToken,
    introspection: true,
    exposeErrorDetails: true,
    editQuietMs: options.editQuietMs,
    editMaxMs: options.editMaxMs,
    compaction: options.compaction,
    onQuery: () => {
      statements += 1;
    },
    ...options.app,
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
    get statements() {
      return statements;
    },
    client(token = bootstrapToken) {
      const client = new GraphQLTestClient(url, wsUrl, token);
      clients.push(client);
      return client;
    },
    async stop({ dropDatabase = false } = {}) {
      await Promise.all(clients.map((c) => c.close()));
      await app.stop();
      if (dropDatabase) await dropTestDatabase(databaseUrl);
    },
  };
}
