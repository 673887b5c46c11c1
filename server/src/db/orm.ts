/**
 * MikroORM on PostgreSQL. One `MikroORM` per server; each request and each
 * subscription works on its own `em.fork()`, never on the global manager.
 */
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export interface OrmOptions {
  databaseUrl: string;
  /** Called for every SQL statement sent (statement counting in tests and metrics). */
  onQuery?: (sql: string) => void;
  poolMax?: number;
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
    // Entities are never shared between forks; keep the global context out of reach.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
  };
}

/** Connects, and runs the pending migrations (each in its own transaction, all or nothing). */
export async function openDatabase(options: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(options));
  if (options.onQuery) {
    const onQuery = options.onQuery;
    orm.em.getConnection().getKnex().on('query', (q: { sql: string }) => onQuery(q.sql));
  }
  await orm.getMigrator().up();
  return orm;
}
