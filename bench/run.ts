/**
 * `npm run bench` (from the repository root): draftroom's benchmarks, with
 * Hocuspocus as the comparison, printed as one markdown table.
 *
 *   npm run bench                              everything, full sizes (about 10 minutes)
 *   npm run bench -- --quick                   smaller sizes and shorter runs
 *   npm run bench -- --only fanout,throughput  some of: fanout, throughput, replay, cold, memory
 *   npm run bench -- --no-hocuspocus           draftroom only
 *   npm run bench -- --only fanout --observers 500 --no-hocuspocus   one size (e.g. to profile it)
 *   npm run bench -- --out bench.md --json bench.json   also write the table / the raw figures
 *   npm run bench -- --wait-quiet 0            do not wait for other processes to go quiet (default: up to 60 s per measurement)
 *   npm run bench -- --only crowd --subscribers 2000   2,000 subscribers on one instance (in the default run; --quick: 200)
 *   npm run bench -- --soak 10m                steady mixed load for 10 minutes (30s, 10m, 1h), memory over time; nothing else runs
 *
 * Servers run in this process (draftroom through `startApp`, Hocuspocus
 * through its `Server`), on 127.0.0.1; every client runs in one child
 * process. PostgreSQL: DATABASE_URL if set, else an ephemeral embedded
 * cluster under .bench-data/; every scenario gets a fresh database.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientProcess } from './lib/clientProcess.js';
import { waitUntilQuiet } from './lib/cpu.js';
import { packageVersion, type Row, type Scenario, type ScenarioContext } from './lib/context.js';
import { openBenchDatabase, type BenchDatabase } from './lib/database.js';
import { hocuspocusVersion } from './lib/hocuspocus.js';
import { bytes, num } from './lib/stats.js';
import { defaultTracePath } from './lib/trace.js';
import { coldLoadScenario } from './scenarios/coldLoad.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { memoryScenario } from './scenarios/memory.js';
import { crowdScenario } from './scenarios/crowd.js';
import { replayScenario } from './scenarios/replay.js';
import { parseDuration, soakScenario } from './scenarios/soak.js';
import { throughputScenario } from './scenarios/throughput.js';

const SCENARIOS: Record<string, Scenario> = {
  fanout: fanoutScenario,
  throughput: throughputScenario,
  replay: replayScenario,
  cold: coldLoadScenario,
  memory: memoryScenario,
  crowd: crowdScenario,
  soak: soakScenario,
};
/** Run by default; the soak runs only with --soak. */
const DEFAULT_SCENARIOS = ['fanout', 'throughput', 'replay', 'cold', 'memory', 'crowd'];
/** Under this (% of all cores, nothing of ours running) the machine counts as quiet. */
const QUIET_PCT = 10;
const ALIASES: Record<string, string> = { 'fan-out': 'fanout', coldload: 'cold', 'cold-load': 'cold', mem: 'memory', subscribers: 'crowd' };

interface Options {
  only: string[];
  quick: boolean;
  withHocuspocus: boolean;
  tracePath: string;
  out: string | null;
  json: string | null;
  writers: number[] | null;
  observers: number[] | null;
  subscribers: number | null;
  soakMs: number | null;
  waitQuietMs: number;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage(message?: string): never {
  if (message) console.error(message);
  console.error(
    'usage: npm run bench -- [--quick] [--only fanout,throughput,replay,cold,memory,crowd] [--no-hocuspocus] [--observers N,..] [--writers N,..] [--subscribers N] [--soak 30s|10m|1h] [--wait-quiet SECONDS] [--trace FILE] [--out FILE.md] [--json FILE.json]',
  );
  process.exit(message ? 2 : 0);
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    only: DEFAULT_SCENARIOS,
    quick: false,
    withHocuspocus: true,
    tracePath: process.env.BENCH_TRACE || defaultTracePath(repoRoot),
    out: null,
    json: null,
    writers: null,
    observers: null,
    subscribers: null,
    soakMs: null,
    waitQuietMs: 60_000,
  };
  const counts = (flag: string, text: string) => {
    const values = text.split(',').map((v) => Number(v.trim()));
    if (values.some((v) => !Number.isInteger(v) || v < 1 || v > 5_000)) usage(`${flag} takes counts from 1 to 5000, e.g. 8,32`);
    return values;
  };
  let onlyGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    switch (flag) {
      case '--quick':
        options.quick = true;
        break;
      case '--only': {
        const names = value()
          .split(',')
          .map((n) => n.trim().toLowerCase())
          .filter(Boolean)
          .map((n) => ALIASES[n] ?? n);
        const unknown = names.filter((n) => !SCENARIOS[n]);
        if (unknown.length || names.length === 0) usage(`unknown benchmark(s): ${unknown.join(', ') || '(none)'}`);
        options.only = Object.keys(SCENARIOS).filter((n) => names.includes(n));
        onlyGiven = true;
        break;
      }
      case '--no-hocuspocus':
        options.withHocuspocus = false;
        break;
      case '--trace':
        options.tracePath = path.resolve(value());
        break;
      case '--out':
        options.out = path.resolve(value());
        break;
      case '--json':
        options.json = path.resolve(value());
        break;
      case '--wait-quiet': {
        const secondsValue = Number(value());
        if (!Number.isFinite(secondsValue) || secondsValue < 0 || secondsValue > 3_600) usage('--wait-quiet takes seconds, 0 to 3600');
        options.waitQuietMs = secondsValue * 1000;
        break;
      }
      case '--writers':
        options.writers = counts(flag, value());
        break;
      case '--observers':
        options.observers = counts(flag, value());
        break;
      case '--subscribers': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 10_000) usage('--subscribers takes a count from 1 to 10000, e.g. 2000');
        options.subscribers = n;
        break;
      }
      case '--soak': {
        const text = value();
        options.soakMs = parseDuration(text) ?? usage(`--soak takes a duration from 10s to 24h, e.g. 30s, 10m, 1h (got ${JSON.stringify(text)})`);
        break;
      }
      case '--help':
      case '-h':
        usage();
        break;
      default:
        usage(`unknown option ${arg}`);
    }
  }
  // --soak runs the soak alone, or after the benchmarks --only names.
  if (options.soakMs !== null) options.only = [...(onlyGiven ? options.only.filter((n) => n !== 'soak') : []), 'soak'];
  return options;
}

function machine(db: BenchDatabase): string[] {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return [
    `- Machine: ${cpus.length} CPUs (${model}), ${bytes(os.totalmem())} memory, ${os.type()} ${os.release()} ${os.arch()}`,
    `- Node ${process.version}; yjs ${packageVersion('yjs', repoRoot)}; graphql-ws ${packageVersion('graphql-ws', repoRoot)}; ` +
      `Hocuspocus ${hocuspocusVersion()} (@hocuspocus/server, default configuration, in memory)`,
    `- PostgreSQL: ${db.description}; fsync ${db.settings.fsync}, synchronous_commit ${db.settings.synchronousCommit}`,
  ];
}

/** The server code measured: commit, and whether server/ had uncommitted changes when the run started. */
function serverRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'server').length > 0;
    return `${commit}${dirty ? ' with uncommitted changes in server/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function table(rows: Row[]): string[] {
  const header = ['benchmark', 'draftroom', 'Hocuspocus', 'draftroom / Hocuspocus', 'goal', 'notes'];
  const cells = rows.map((r) => [r.benchmark, r.draftroom, r.hocuspocus, r.comparison, r.goal, r.notes]);
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...cells.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if ((options.only.includes('replay') || options.only.includes('cold')) && !fs.existsSync(options.tracePath)) {
    usage(`editing trace not found: ${options.tracePath} (--trace FILE or BENCH_TRACE)`);
  }
  const started = new Date();
  const revision = serverRevision();
  const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  log(`starting PostgreSQL${process.env.DATABASE_URL ? ' (DATABASE_URL)' : ' (embedded, .bench-data/)'}`);
  const db = await openBenchDatabase(repoRoot);
  const clients = ClientProcess.start(repoRoot);
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await clients.stop().catch(() => undefined);
    await db.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));

  const rows: Row[] = [];
  const notes: string[] = [];
  const sections: string[] = [];
  const failures: string[] = [];
  const busyWarnings: string[] = [];
  const records: Record<string, unknown> = {};
  const ctx: ScenarioContext = {
    repoRoot,
    quick: options.quick,
    withHocuspocus: options.withHocuspocus,
    tracePath: options.tracePath,
    writers: options.writers,
    observers: options.observers,
    subscribers: options.subscribers,
    soakMs: options.soakMs,
    db,
    clients,
    log,
    note: (text) => notes.push(text),
    section: (lines) => sections.push(...lines),
    async waitQuiet(label) {
      // Other processes on the machine (a test suite, a build) distort every figure: wait a little for them, and say so.
      const { busyPct, waitedMs } = await waitUntilQuiet(options.waitQuietMs, QUIET_PCT);
      if (waitedMs > 5_000) log(`waited ${num(waitedMs / 1000, 0)} s for the machine to quieten before ${label}`);
      if (busyPct >= QUIET_PCT) {
        log(`warning: the machine is ${num(busyPct, 0)}% busy before ${label} (other processes)`);
        busyWarnings.push(`${label} (${num(busyPct, 0)}%)`);
      }
    },
    record: (key, value) => {
      records[key] = value;
    },
  };
  try {
    for (const name of options.only) {
      const t = performance.now();
      try {
        rows.push(...(await SCENARIOS[name]!(ctx)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${name}: ${message}`);
        log(`${name} FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
        rows.push({ benchmark: name, draftroom: '**failed**', hocuspocus: '—', comparison: '—', goal: '—', notes: message.split('\n')[0]!.slice(0, 200) });
      }
      log(`${name} done in ${num((performance.now() - t) / 1000, 0)} s`);
    }
  } finally {
    await clients.stop().catch(() => undefined);
    await db.stop().catch(() => undefined);
  }

  const lines = [
    `## draftroom benchmarks — ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${options.quick ? ' (--quick: smaller sizes, shorter runs)' : ''}`,
    '',
    `- draftroom: ${revision}`,
    ...machine(db),
    `- Layout: servers in the bench process (draftroom via startApp, Hocuspocus via its Server), all clients in one separate client process, everything on 127.0.0.1; a fresh database per scenario. The crowd and the soak run the draftroom server in a child process of its own (its memory is its own) and their clients in several client processes. Ratios are draftroom / Hocuspocus (for latency and memory lower is better, for throughput higher is better).`,
    '',
    ...table(rows),
    '',
    ...sections,
    ...notes.map((n) => `- ${n}`),
    ...(busyWarnings.length
      ? [
          `- **Warning:** other processes kept the machine busy (share of all cores, nothing of the benchmark running) just before: ` +
            `${busyWarnings.join(', ')}. Those figures are low; re-run on a quiet machine (the "other processes" CPU in the notes shows how much).`,
        ]
      : []),
    '',
  ];
  const output = lines.join('\n');
  process.stdout.write(output + '\n');
  if (options.out) fs.writeFileSync(options.out, output + '\n');
  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ started: started.toISOString(), quick: options.quick, records }, null, 2) + '\n');
  if (failures.length) {
    log(`${failures.length} benchmark(s) failed`);
    process.exitCode = 1;
  }
  // Pools, timers and sockets the servers leave behind must not keep the run alive.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
