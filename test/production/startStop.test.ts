/**
 * Starting and stopping instances as an orchestrator does: several at once
 * on an empty database, and stopping one that nobody is connected to; and
 * `npm start` as a developer or a supervisor stops it: SIGTERM or SIGINT to
 * the npm process itself, or to its whole process group (Ctrl-C in a
 * terminal). Each time the server and its embedded PostgreSQL must be gone,
 * the exit clean, and the next start on the same data must find it intact.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../server/src/db/embeddedPostgres.js';
import { createDeclaration } from '../support/factories.js';
import { killServerProcesses, processesInGroup, processesMentioning, startServerProcess } from '../support/serverProcess.js';
import { createTestDatabase, dropTestDatabase, startServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';

const databases: string[] = [];
afterAll(async () => {
  await killServerProcesses();
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
    try {
      const server = await startServerProcess({
        env: {
          DATABASE_URL: undefined,
          DATA_DIR: dataDir,
          DRAFTROOM_BOOTSTRAP_TOKEN: `idle-${randomBytes(12).toString('hex')}`,
          DRAFTROOM_SHUTDOWN_TIMEOUT_MS: '5000',
          DRAFTROOM_SEED_DEMO: undefined,
          // As deployed: Apollo, for one, behaves differently outside NODE_ENV=test.
          NODE_ENV: 'production',
        },
      });
      server.process.kill('SIGTERM');
      expect(await server.exited()).toEqual({ code: 0, signal: null });
      expect(server.logLines().find((line) => line.msg === 'stopped')).toMatchObject({ forced: false, socketsClosed: 0 });
    } finally {
      await killServerProcesses();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('npm start, stopped by a signal', () => {
  // One data directory for every case: the first start initialises it, each
  // later one is a restart on what the stop before it left.
  let dataDir: string;
  const bootstrapToken = `npm-start-${randomBytes(12).toString('hex')}`;
  let declarationId: string | null = null;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'draftroom-npm-start-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const cases = [
    // A supervisor (a process manager, a container runtime) signals the pid it started.
    { command: ['npm', 'start'], signal: 'SIGTERM', to: 'npm' },
    { command: ['npm', 'start'], signal: 'SIGINT', to: 'npm' },
    // Ctrl-C in a terminal: every process of the foreground group gets SIGINT, PostgreSQL too.
    { command: ['npm', 'start'], signal: 'SIGINT', to: 'group' },
    { command: ['npm', 'start'], signal: 'SIGTERM', to: 'group' },
    { command: ['npm', 'start', '--workspace', 'server'], signal: 'SIGTERM', to: 'npm' },
  ] as const;

  for (const { command, signal, to } of cases) {
    it(`\`${command.join(' ')}\`: ${signal} to ${to === 'npm' ? 'the npm process only' : 'its process group'} stops the server and PostgreSQL, cleanly`, async () => {
      const npm = await startServerProcess({
        command: [...command],
        // Its own process group, as a shell gives a command it runs; the group is also how leftovers are found.
        detached: true,
        env: {
          DATABASE_URL: undefined,
          DATA_DIR: dataDir,
          DRAFTROOM_BOOTSTRAP_TOKEN: bootstrapToken,
          DRAFTROOM_SHUTDOWN_TIMEOUT_MS: '5000',
          // npm's own settings for the test run (vitest's, for one) are not the developer's.
          ...Object.fromEntries(Object.keys(process.env).filter((name) => /^npm_/i.test(name)).map((name) => [name, undefined])),
        },
      });
      const group = npm.process.pid!;
      try {
        // The data the starts before this one left is there.
        const secretariat = npm.client(bootstrapToken);
        if (declarationId === null) declarationId = await createDeclaration(secretariat, 'Progress Declaration (npm start)');
        const found = await secretariat.ok('query($d: ID!) { declaration(id: $d) { id } }', { d: declarationId });
        expect(found.declaration).toEqual({ id: declarationId });
        expect(processesMentioning(dataDir).length, 'the embedded PostgreSQL, found by its data directory').toBeGreaterThan(0);

        process.kill(to === 'npm' ? group : -group, signal);
        const exit = await npm.exited();

        // npm waits for its child, which waits for PostgreSQL: nothing of the group may outlive npm.
        expect({ exit, left: processesInGroup(group), postgres: processesMentioning(dataDir) }, npm.output()).toEqual({
          exit: { code: 0, signal: null },
          left: [],
          postgres: [],
        });
        expect(npm.logLines().find((line) => line.msg === 'stopped')).toMatchObject({ forced: false });
        // PostgreSQL removes its pid file only when it shuts down cleanly.
        expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      } finally {
        // Whatever outlived npm (the defect this guards against) must not outlive the test.
        killGroup(group);
      }
    }, 150_000);
  }
});

describe('the embedded PostgreSQL, shut down by a Ctrl-C before the server stops it', () => {
  // Ctrl-C signals the whole foreground group: PostgreSQL may be done with
  // its fast shutdown before the server, done draining, stops it. That stop
  // waited for an 'exit' event already past, and the server was cut off by
  // its last-resort timer (exit code 1) instead of exiting cleanly.
  it('stop() resolves all the same', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'draftroom-pg-sigint-'));
    try {
      const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg') });
      const [postmaster] = processesMentioning(dataDir);
      expect(postmaster, 'the postmaster, found by its data directory').toBeDefined();
      process.kill(postmaster!.pid, 'SIGINT');
      // Gone from /proc: reaped by this process, which has then seen its exit.
      await waitFor('PostgreSQL to shut down', () => !fs.existsSync(`/proc/${postmaster!.pid}`));
      // A bounded wait: a stop() that never settles is the failure this test is about.
      const outcome = await Promise.race([
        db.stop().then(() => 'stopped'),
        new Promise((resolve) => setTimeout(resolve, 15_000)).then(() => 'still waiting 15 s later'),
      ]);
      expect(outcome).toBe('stopped');
    } finally {
      for (const { pid } of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Nobody left in it.
  }
}
