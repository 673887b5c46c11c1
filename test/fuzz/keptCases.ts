/**
 * Failing fuzz cases, kept as regression cases: when the fuzzer fails, the
 * shrunk counterexample (the operation records, which are plain JSON: see
 * operations.ts) is written to `cases/seed-<seed>-path-<path>.json` beside
 * this file, with the seed, path and operation budget that found it and the
 * failure. Committed, it is replayed on every run of fuzz.test.ts, before
 * the random runs.
 *
 * The records are kept, not just the seed: a seed replays the same runs only
 * while the arbitraries stay as they were, and they change as the fuzzer
 * grows. The records replay the same requests whatever the arbitraries
 * become. (Once understood, the bug also gets a plain test that reads as a
 * sentence in regressions.test.ts.)
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Scenario } from './operations.js';

export const CASES_DIR = path.join(import.meta.dirname, 'cases');

export interface KeptCase {
  /** What it found, in a sentence (filled in by whoever keeps it; the failure as written at first). */
  found: string;
  seed: number;
  path: string;
  maxOps: number;
  scenario: Scenario;
}

/** Every kept case, by file name. */
export function keptCases(): { file: string; kept: KeptCase }[] {
  let files: string[];
  try {
    files = readdirSync(CASES_DIR).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((file) => ({ file, kept: JSON.parse(readFileSync(path.join(CASES_DIR, file), 'utf8')) as KeptCase }));
}

/** Writes a failing case; returns its path, for the failure message. */
export function keepCase(kept: KeptCase): string {
  mkdirSync(CASES_DIR, { recursive: true });
  const file = path.join(CASES_DIR, `seed-${kept.seed}-path-${kept.path.replace(/:/g, '_')}.json`);
  writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`);
  return file;
}
