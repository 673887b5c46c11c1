/**
 * Starts one real PostgreSQL for the whole test run: the embedded one, unless
 * `DATABASE_URL` names a server to use. Each test server then gets a database
 * of its own on it (see `startServer`), so test files run in parallel without
 * seeing each other's rows.
 */
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/src/db/embeddedPostgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of a maintenance database (`postgres`) on the test cluster. */
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    project.provide('adminDatabaseUrl', url.toString());
    return;
  }
  const dataDir = path.resolve('.test-data', `pg-${process.pid}`);
  const db = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  project.provide('adminDatabaseUrl', db.url('postgres'));
  return async () => {
    await db.stop();
  };
}
