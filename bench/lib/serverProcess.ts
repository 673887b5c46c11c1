/**
 * A draftroom server in a child process (bench/server/draftroomProcess.ts),
 * for the benchmarks that report the server's memory: a process of its own
 * gives an honest RSS, which the in-process server (sharing the bench
 * process with staging, PostgreSQL clients and the previous scenarios'
 * freed pages) cannot. The bench process talks to it over HTTP/WebSocket
 * like any client, and over IPC for `memory` and `stop`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Limits } from '../../server/src/config.js';
import { withTimeout } from './stats.js';

export interface ServerProcessOptions {
  databaseUrl: string;
  limits?: Partial<Limits>;
  bootstrapToken?: string;
  autoCompaction?: boolean;
}

export type ServerRequest = { id: number; command: 'memory'; gc: boolean } | { id: number; command: 'stop' };
export type ServerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
type Announcement = { kind: 'ready'; port: number; bootstrapToken: string; openFilesLimit: number | null } | { kind: 'failed'; error: string };

export interface ServerMemory {
  memory: NodeJS.MemoryUsage;
  /** SQL statements sent since the server started. */
  statements: number;
}

export class DraftroomProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: ServerReply) => void>();
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly wsUrl: string,
    readonly bootstrapToken: string,
    /** The server process's limit on open files (each WebSocket is one); null when unknown. */
    readonly openFilesLimit: number | null,
  ) {
    child.on('message', (message: ServerReply) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiter?.(message);
    });
    child.on('exit', () => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter({ id: 0, ok: false, error: 'the server process exited' });
      this.pending.clear();
    });
  }

  static async start(repoRoot: string, options: ServerProcessOptions): Promise<DraftroomProcess> {
    const child = fork(path.join(repoRoot, 'bench', 'server', 'draftroomProcess.ts'), [], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_SERVER_OPTIONS: JSON.stringify(options) },
    });
    const announced = new Promise<Announcement>((resolve, reject) => {
      child.once('message', (message: Announcement) => resolve(message));
      child.once('exit', (code, signal) => reject(new Error(`the server process exited before it was ready (${signal ?? code})`)));
    });
    let announcement: Announcement;
    try {
      announcement = await withTimeout(announced, 120_000, 'server process start');
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    if (announcement.kind === 'failed') throw new Error(`the server process failed to start: ${announcement.error}`);
    const base = `127.0.0.1:${announcement.port}/graphql`;
    return new DraftroomProcess(child, `http://${base}`, `ws://${base}`, announcement.bootstrapToken, announcement.openFilesLimit);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** process.memoryUsage() of the server process, after three full GCs when `gc`. */
  memory(gc: boolean): Promise<ServerMemory> {
    return this.call({ id: this.nextId++, command: 'memory', gc }) as Promise<ServerMemory>;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ id: this.nextId++, command: 'stop' }).catch(() => undefined);
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private call(request: ServerRequest): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('the server process exited'));
    const reply = new Promise<ServerReply>((resolve) => this.pending.set(request.id, resolve));
    this.child.send(request);
    return withTimeout(reply, 120_000, `server process ${request.command}`).then((r) => {
      if (!r.ok) throw new Error(`server process: ${r.error}`);
      return r.result;
    });
  }
}
