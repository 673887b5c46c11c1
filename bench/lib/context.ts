/** What every scenario is given, and what it gives back: rows of the table and notes under it. */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ClientProcess } from './clientProcess.js';
import type { BenchDatabase } from './database.js';

export interface Row {
  benchmark: string;
  draftroom: string;
  hocuspocus: string;
  /** draftroom / Hocuspocus, or another comparison (replay: API / bare). */
  comparison: string;
  goal: string;
  notes: string;
}

export interface ScenarioContext {
  repoRoot: string;
  quick: boolean;
  withHocuspocus: boolean;
  tracePath: string;
  /** --writers / --observers: override the sizes (profiling one case). */
  writers: number[] | null;
  observers: number[] | null;
  /** --subscribers: the crowd's size (default 2,000; --quick 200). */
  subscribers: number | null;
  /** --soak: the soak's duration (ms); null when not soaking. */
  soakMs: number | null;
  db: BenchDatabase;
  clients: ClientProcess;
  /** Progress on stderr (the table goes to stdout). */
  log(message: string): void;
  /** Notes printed under the table. */
  note(text: string): void;
  /** Markdown printed between the table and the notes (a scenario's own tables, e.g. the soak's memory over time). */
  section(lines: string[]): void;
  /**
   * Waits (bounded by --wait-quiet) for the machine to be idle before a
   * measurement, and notes when it was not: other processes distort figures.
   */
  waitQuiet(label: string): Promise<void>;
  /** Raw figures, written as JSON beside the table when --json is given. */
  record(key: string, value: unknown): void;
}

export type Scenario = (ctx: ScenarioContext) => Promise<Row[]>;

/** A full garbage collection (the flag is set at run time, so `npm run bench` needs no node option). */
export function collectGarbage(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** The version of an installed package, found from its resolved entry point. */
export function packageVersion(name: string, from: string): string {
  const require = createRequire(path.join(from, 'noop.js'));
  try {
    let dir = path.dirname(require.resolve(name));
    for (let i = 0; i < 6; i++) {
      const manifest = path.join(dir, 'package.json');
      if (fs.existsSync(manifest)) {
        const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (json.name === name && json.version) return json.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    /* not installed */
  }
  return '?';
}
