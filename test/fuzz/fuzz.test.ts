/**
 * The fuzzer: random sequences of operations over the whole contract,
 * realistic and hostile, thrown at a running server over HTTP and
 * graphql-ws, with the invariants of `invariants.ts` checked after every run
 * and the transport's (no 5xx, no INTERNAL_SERVER_ERROR, contract codes
 * only, no socket lost) on every answer. See README.md in this folder.
 *
 * One server serves every run; each run gets a fresh declaration. When a
 * property fails, fast-check shrinks the run to a minimal operation
 * sequence and reports it with the seed and path that replay it:
 *
 *   FUZZ_SEED=<seed> npx vitest run test/fuzz                      # same runs again
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/fuzz     # just the failing case
 *   FUZZ_RUNS=500 npx vitest run test/fuzz                         # a long fuzz
 *
 * The shrunk case of a failure is also written to `cases/` (keptCases.ts);
 * committed, it is replayed first on every run, as a regression case.
 */
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/testServer.js';
import { execute } from './execute.js';
import { keepCase, keptCases } from './keptCases.js';
import { checkElsewhere, checkInvariants, checkReload, elsewhereSnapshot } from './invariants.js';
import { scenario, type Scenario } from './operations.js';
import { makeElsewhere, Stats, World, type Elsewhere } from './world.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const MAX_OPS = Number(process.env.FUZZ_OPS ?? 40);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x100000000) : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;

describe('fuzzing the whole contract', () => {
  let server: TestServer;
  let elsewhere: Elsewhere;
  let untouched: unknown;
  const stats = new Stats();

  beforeAll(async () => {
    server = await startServer({
      // Short coalescing windows, so a run settles quickly; aggressive compaction, so it races the edits and reloads read snapshots.
      editQuietMs: 20,
      editMaxMs: 200,
      compaction: { maxUpdates: 8, keepTail: 2, intervalMs: 100 },
    });
    elsewhere = await makeElsewhere(server);
    untouched = await elsewhereSnapshot(server.client(), elsewhere);
  });

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  async function run({ ops, reload }: Scenario): Promise<void> {
    const world = await World.create(server, elsewhere, stats);
    stats.runs += 1;
    try {
      for (const [step, op] of ops.entries()) {
        world.step = step;
        stats.ops += 1;
        await execute(world, op);
        world.checkStreams();
      }
      world.step = ops.length;
      await checkInvariants(world);
      await checkElsewhere(server.client(), elsewhere, untouched);
      if (reload) await checkReload(server, world);
    } finally {
      world.close();
    }
  }

  const kept = keptCases();
  it(`replays the ${kept.length} failing case${kept.length === 1 ? '' : 's'} kept in test/fuzz/cases/`, async () => {
    expect(kept.length, 'at least one case is kept').toBeGreaterThan(0);
    for (const { file, kept: keptCase } of kept) {
      await run(keptCase.scenario).catch((error: unknown) => {
        throw new Error(`kept case ${file} (seed ${keptCase.seed}, path ${keptCase.path}: ${keptCase.found}) fails again: ${String(error)}`, { cause: error });
      });
    }
  }, 60_000 + kept.length * 20_000);

  it(
    `keeps every invariant over ${RUNS} random runs of up to ${MAX_OPS} operations (seed ${SEED})`,
    async () => {
      console.log(`fuzz: seed ${SEED}, ${RUNS} runs of up to ${MAX_OPS} operations${PATH ? `, path ${PATH}` : ''} (replay: FUZZ_SEED=${SEED})`);
      const started = Date.now();
      const runsBefore = stats.runs;
      let details: fc.RunDetails<[Scenario]>;
      try {
        details = await fc.check(fc.asyncProperty(scenario(MAX_OPS), run), {
          seed: SEED,
          numRuns: RUNS,
          ...(PATH ? { path: PATH } : {}),
          // The shrunk counterexample is what matters (each shrink step is a whole run).
          endOnFailure: false,
        });
      } finally {
        console.log(`fuzz: ${((Date.now() - started) / 1000).toFixed(1)} s, ${stats.report()}`);
      }
      if (details.failed) {
        const report = fc.defaultReportMessage(details) ?? 'the property failed';
        const saved = details.counterexample
          ? keepCase({ found: String(details.errorInstance).slice(0, 2_000), seed: details.seed, path: details.counterexamplePath ?? '', maxOps: MAX_OPS, scenario: details.counterexample[0] })
          : null;
        throw new Error(
          `fuzz: seed ${SEED} failed.${saved ? ` The shrunk case is saved in ${path.relative(process.cwd(), saved)}: commit it to keep it as a regression case (fill in "found").` : ''}\n${report}`,
        );
      }
      expect(stats.runs - runsBefore).toBeGreaterThanOrEqual(Math.min(RUNS, 1));
    },
    60_000 + RUNS * 20_000,
  );
});
