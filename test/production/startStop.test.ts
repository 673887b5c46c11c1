/**
 * Starting and stopping instances as an orchestrator does: several at once
 * on an empty database, and stopping one that nobody is connected to.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dropTestDatabase, startServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';

const databases: string[] = [];
afterAll(async () => {
  for (const url of databases) await dropTestDatabase(url);
});

async function emptyDatabase(): Promise<string> {
  const url = await createTestDatabase();
  databases.push(url);
  return url;
}

describe('instances starting together on an empty database', () => {
  it('all start: migrations run once, one at a time, and every instance serves the same secretariat', async () => {
    const databaseUrl = await emptyDatabase();
    const token = `together-${randomBytes(12).toString('hex')}`;
    const servers = await Promise.all([1, 2, 3].map(() => startServer({ databaseUrl, bootstrapToken: token })));
    try {
      const viewers = await Promise.all(servers.map((server) => server.client().ok('{ viewer { id role } }')));
      expect(viewers.map((v) => v.viewer.role)).toEqual(['SECRETARIAT', 'SECRETARIAT', 'SECRETARIAT']);
      expect(new Set(viewers.map((v) => v.viewer.id)).size).toBe(1);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
});

describe('an instance nobody is connected to', () => {
  // As `npm start` runs it: its own embedded PostgreSQL under DATA_DIR (an
  // idle instance so started once hung for the whole bound on SIGTERM).
  it('stops on SIGTERM gracefully, not by running out its shutdown bound', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'draftroom-idle-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        ...env,
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        DRAFTROOM_BOOTSTRAP_TOKEN: `idle-${randomBytes(12).toString('hex')}`,
        DRAFTROOM_SHUTDOWN_TIMEOUT_MS: '5000',
        LOG_LEVEL: 'info',
        // As deployed: Apollo, for one, behaves differently outside NODE_ENV=test.
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor('the server to print its URL', () => output.includes('draftroom is running at'), { timeoutMs: 90_000 });
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const stopped = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'stopped');
    expect(stopped).toMatchObject({ forced: false, socketsClosed: 0 });
  });
});
