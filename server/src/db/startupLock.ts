/**
 * One instance at a time through start-up's writes.
 *
 * Several instances may start at once on one database (compose brings both
 * up together; an orchestrator replaces them in parallel). Migrations are
 * not safe to run twice concurrently: both see the same pending list, and the
 * second fails on `relation "..." already exists`. Nor is "seed the demo when
 * the database is empty": both see it empty. So each of these runs under a
 * PostgreSQL session advisory lock, on a connection of its own (a pooled one
 * could hand the lock's session to someone else): the second instance waits,
 * then finds the work done. The lock is released on unlock or when the
 * connection ends, so a crashed instance cannot leave it held.
 */
import pg from 'pg';
import { CONNECT_TIMEOUT_MS } from './connectTimeout.js';

/** The advisory lock key: any constant shared by every draftroom instance ("draftrm" in ASCII). */
const STARTUP_LOCK_KEY = 0x64726166_74726dn;

export async function withStartupLock<T>(databaseUrl: string, task: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {}); // a connection dropped while waiting surfaces as the query's rejection
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY.toString()]);
    return await task();
  } finally {
    await client.end().catch(() => {});
  }
}
