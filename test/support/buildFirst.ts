/**
 * The SDK and browser tests import what a user gets: `@draftroom/client` from
 * its build (`client-sdk/dist`) and the page from `web/dist`. `npm test`
 * builds both first; a run of vitest alone (`npx vitest run test/sdk/...`)
 * after a change to their sources would test the old build. So before any test
 * runs, the build is made again when a source is newer than it (nothing to do
 * right after `npm run build`, as in CI).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** What each build is made from, and the file it writes last. */
const BUILDS = [
  { sources: ['client-sdk/src', 'client-sdk/codegen.yml', 'client-sdk/tsconfig.json', 'schema/schema.graphql'], output: 'client-sdk/dist/index.js' },
  { sources: ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'client-sdk/src'], output: 'web/dist/index.html' },
];

/** Newest modification time under `relative` (generated code is an output, not a source); 0 when absent. */
function newest(relative: string): number {
  const full = path.join(ROOT, relative);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    if (entry.name === 'generated') continue;
    latest = Math.max(latest, newest(path.join(relative, entry.name)));
  }
  return latest;
}

export function staleBuilds(): string[] {
  return BUILDS.filter(({ sources, output }) => {
    const built = path.join(ROOT, output);
    return !fs.existsSync(built) || Math.max(...sources.map(newest)) > fs.statSync(built).mtimeMs;
  }).map(({ output }) => output);
}

export default function setup() {
  const stale = staleBuilds();
  if (stale.length === 0) return;
  console.warn(`buildFirst: ${stale.join(', ')} older than its sources: npm run build`);
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
