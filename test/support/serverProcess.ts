/**
 * `startServerProcess()`: a draftroom server in a process of its own, as it
 * runs in production (`node --import tsx server/src/main.ts`), for the tests
 * that signal or kill it. Resolves once it printed its URL.
 *
 *     const server = await startServerProcess({ env: { DATABASE_URL: url, DRAFTROOM_BOOTSTRAP_TOKEN: token } });
 *     await server.client(token).ok('{ viewer { role } }');
 *     server.process.kill('SIGTERM');
 *     expect(await server.exited()).toEqual({ code: 0, signal: null });
 *
 * Every process started here and still running is SIGKILLed (its whole group
 * when detached) by `killServerProcesses()`, which test files call in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphQLTestClient } from './client.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcessOptions {
  /**
   * Variables on top of the test process's environment and of the defaults
   * below; `undefined` removes one (DATABASE_URL, for an embedded PostgreSQL).
   */
  env?: Record<string, string | undefined>;
  /** What to run, from the repository's root; default: the server as deployed. */
  command?: [string, ...string[]];
  /** In a process group of its own, as a terminal runs a command (the group can then be signalled, as Ctrl-C does). */
  detached?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  process: ChildProcess;
  /** http://127.0.0.1:<port>/graphql, as printed. */
  url: string;
  wsUrl: string;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** The JSON log lines it wrote so far. */
  logLines(): Record<string, any>[];
  client(token: string): GraphQLTestClient;
  /** Resolves when the process has exited (at once if it has). */
  exited(): Promise<Exit>;
}

const DEFAULT_ENV: Record<string, string> = {
  PORT: '0',
  HOST: '127.0.0.1',
  DRAFTROOM_SEED_DEMO: 'false',
  LOG_LEVEL: 'info',
  NODE_ENV: 'test',
};

const START_TIMEOUT_MS = 90_000;
const running = new Map<ChildProcess, { detached: boolean }>();

export function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...DEFAULT_ENV };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const [file, ...args] = options.command ?? [process.execPath, '--import', 'tsx', 'server/src/main.ts'];
  const detached = options.detached ?? false;
  const child = spawn(file, args, { cwd: ROOT, env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  running.set(child, { detached });
  const exit = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  return new Promise<ServerProcess>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the server did not print its URL within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    // Registered after the collecting listener above, so `output` already holds this chunk.
    const onData = () => {
      const match = /draftroom is running at (http:\/\/\S+\/graphql)/.exec(output);
      if (!match) return;
      done();
      const url = match[1]!;
      resolve({
        process: child,
        url,
        wsUrl: url.replace(/^http/, 'ws'),
        output: () => output,
        logLines: () => jsonLines(output),
        client: (token) => new GraphQLTestClient(url, url.replace(/^http/, 'ws'), token),
        exited: () => exit,
      });
    };
    child.stdout!.on('data', onData);
    void exit.then(({ code, signal }) => {
      done();
      reject(new Error(`the server exited (code ${code}, signal ${signal}) before printing its URL:\n${output}`));
    });
  });
}

/** SIGKILLs every server process still running (with its group when detached) and waits for them to exit. */
export async function killServerProcesses(): Promise<void> {
  const exits = [...running].map(([child, { detached }]) => {
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    try {
      if (detached) process.kill(-child.pid!, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
    return exited;
  });
  await Promise.all(exits);
}

/** The JSON log lines (pino) in a process's output. */
export function jsonLines(output: string): Record<string, any>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

/** A live process, as listed by `processesInGroup` and `processesMentioning` (Linux: read from /proc). */
export interface ProcessInfo {
  pid: number;
  commandLine: string;
}

/** The live processes of a process group (zombies, already dead, left out). */
export function processesInGroup(pgid: number): ProcessInfo[] {
  return liveProcesses().filter((p) => p.pgid === pgid).map(({ pid, commandLine }) => ({ pid, commandLine }));
}

/** The live processes whose command line contains `text` (e.g. PostgreSQL's postmaster, by its data directory). */
export function processesMentioning(text: string): ProcessInfo[] {
  return liveProcesses().filter((p) => p.pid !== process.pid && p.commandLine.includes(text)).map(({ pid, commandLine }) => ({ pid, commandLine }));
}

function liveProcesses(): (ProcessInfo & { pgid: number })[] {
  const found: (ProcessInfo & { pgid: number })[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read from the last ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), pgid: Number(pgrp), commandLine });
    } catch {
      // It ended while being read.
    }
  }
  return found;
}
