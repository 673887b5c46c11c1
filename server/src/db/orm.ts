/**
 * MikroORM on PostgreSQL. One `MikroORM` per server; each request and each
 * subscription works on its own `em.fork()`, never on the global manager.
 */
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../logger.js';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { CONNECT_TIMEOUT_MS } from './connectTimeout.js';
import { withStartupLock } from './startupLock.js';

/** Longest wait for a connection from the pool (ms). */
const ACQUIRE_TIMEOUT_MS = 10_000;

export interface OrmOptions {
  databaseUrl: string;
  /** Called for every SQL statement sent (statement counting in tests and metrics). */
  onQuery?: (sql: string) => void;
  poolMax?: number;
  /**
   * Where the driver's own messages go (knex writes them to the console by
   * default, e.g. "Connection Error: ..." for each pooled connection that a
   * database restart broke): into the structured log instead.
   */
  log?: Logger;
}

export function ormConfig(options: OrmOptions): Options {
  return {
    clientUrl: options.databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    migrations: {
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: options.poolMax ?? 20 },
    driverOptions: {
      // A database that does not answer must not hold a request for long:
      // connecting gives up after CONNECT_TIMEOUT_MS (a connection attempt
      // can hang, e.g. on a half-dead network, or a TCP self-connect to a
      // local port in the ephemeral range while nothing listens on it), and
      // waiting for a pooled connection after ACQUIRE_TIMEOUT_MS; both then
      // count as "database unavailable" (UNAVAILABLE to the client).
      connection: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true },
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
      ...(options.log ? { log: driverLog(options.log) } : {}),
    },
    // Entities are never shared between forks; keep the global context out of reach.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
  };
}

function driverLog(log: Logger) {
  const say = (level: 'debug' | 'warn' | 'error') => (message: unknown) => log[level]({ driver: 'knex' }, String(message));
  return { debug: say('debug'), warn: say('warn'), error: say('error'), deprecate: say('debug') };
}

/**
 * Connects, and runs the pending migrations (each in its own transaction, all
 * or nothing), one instance at a time (see startupLock.ts).
 */
export async function openDatabase(options: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(options));
  if (options.onQuery) {
    const onQuery = options.onQuery;
    orm.em.getConnection().getKnex().on('query', (q: { sql: string }) => onQuery(q.sql));
  }
  try {
    await withStartupLock(options.databaseUrl, () => orm.getMigrator().up());
  } catch (error) {
    await orm.close();
    throw error;
  }
  return orm;
}
