import { createRequire } from 'node:module';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * End-to-end files (outside test/production) whose assertions hold only if
 * the machine keeps up with timings they set: keepalive and pong timeouts,
 * reconnect backoff, coalescing quiet periods, a SIGKILL in the middle of a
 * burst. With the production tests (shutdown bounds, rate-limit windows, a
 * database outage, processes started and signalled) they run one file at a
 * time, once the parallel projects are done.
 */
const TIMING_SENSITIVE = [
  'test/collab/durability.test.ts',
  'test/collab/streams.test.ts',
  'test/sdk/silentConnection.test.ts',
  'test/sdk/networkCut.test.ts',
  'test/sdk/changesAcrossCut.test.ts',
  'test/sdk/serverRestart.test.ts',
  'test/sdk/closeWhileConnecting.test.ts',
];
const PRODUCTION = ['test/production/**/*.test.ts'];

/**
 * A project with what every project shares. Projects do not `extends` the
 * root config: they would inherit its globalSetup and each start a PostgreSQL.
 */
function project(name: string, test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration {
  return {
    resolve: {
      // type-graphql (CommonJS) requires graphql's CJS build; make every import
      // resolve to that same copy, or graphql refuses "another module or realm".
      alias: { graphql: require.resolve('graphql') },
    },
    test: { name, testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks', ...test },
  };
}

/*
 * `npx vitest run --project <name>` runs one of them (several --project flags, several):
 *   unit        the packages' own tests, beside their code (server/src, client-sdk/test)
 *   e2e         real servers, PostgreSQL, sockets and browsers (test/)
 *   production  the server as deployed: processes, signals, limits, outage (test/production)
 *   timing      the timing-sensitive end-to-end files above
 *
 * unit and e2e run two files at a time: most of a file's time is spent
 * waiting on PostgreSQL and sockets, not on the CPU, and one file at a time
 * (vitest's default on two cores) left a core idle. Without isolation a
 * worker keeps the modules it loaded (type-graphql, MikroORM, Yjs...) for
 * its next file instead of loading them again, seconds per file; the tests
 * keep no state in modules that one file could leave to the next.
 * production and timing run after them, one file at a time (vitest allows
 * one worker count per `groupOrder`).
 */
const PARALLEL = { maxWorkers: 2, isolate: false, sequence: { groupOrder: 0 } };
const ONE_AT_A_TIME = { maxWorkers: 1, sequence: { groupOrder: 1 } };

export default defineConfig({
  test: {
    // Once for the whole run, in the root project: the SDK and page rebuilt if
    // their sources are newer than the build (buildFirst.ts), one PostgreSQL for every
    // project (a project's provided values include the root's).
    globalSetup: ['test/support/buildFirst.ts', 'test/support/globalSetup.ts'],
    projects: [
      project('unit', { ...PARALLEL, include: ['server/src/**/*.test.ts', 'client-sdk/test/**/*.test.ts'] }),
      project('e2e', { ...PARALLEL, include: ['test/**/*.test.ts'], exclude: [...PRODUCTION, ...TIMING_SENSITIVE] }),
      project('production', { ...ONE_AT_A_TIME, include: PRODUCTION }),
      project('timing', { ...ONE_AT_A_TIME, include: TIMING_SENSITIVE }),
    ],
  },
});
