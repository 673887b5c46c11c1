/**
 * The client process: one child Node process (run through tsx) that holds
 * every benchmark client, so that the servers in the bench process do not
 * share an event loop with hundreds of sockets' worth of client work.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { CpuMeter, type CpuUse } from './cpu.js';
import { isPhaseMessage, type CommandName, type Commands, type PhaseMessage, type Request, type Response } from './protocol.js';

export class ClientProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited: Error | null = null;
  /** Called when the client process starts or ends a measured window. */
  onPhase: ((name: PhaseMessage['name']) => void) | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: Response | PhaseMessage) => {
      if (isPhaseMessage(message)) {
        this.onPhase?.(message.name);
        return;
      }
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`client process: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(`the client process exited (${signal ?? code})`);
      for (const waiter of this.pending.values()) waiter.reject(this.exited);
      this.pending.clear();
    });
  }

  static start(repoRoot: string): ClientProcess {
    const child = fork(path.join(repoRoot, 'bench', 'clients', 'worker.ts'), [], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env },
    });
    return new ClientProcess(child);
  }

  /**
   * Meters this process's CPU over the next window the client process
   * announces; call the returned function once the command has finished.
   */
  meterWindow(postgresPid: number | null): () => CpuUse | null {
    const meter = new CpuMeter(postgresPid);
    let use: CpuUse | null = null;
    this.onPhase = (name) => {
      if (name === 'start') meter.start();
      else if (meter.started) use = meter.stop();
    };
    return () => {
      this.onPhase = null;
      if (!use && meter.started) use = meter.stop();
      return use;
    };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Runs a command in the client process; rejects after `timeoutMs`. */
  call<C extends CommandName>(command: C, args: Commands[C][0], timeoutMs: number): Promise<Commands[C][1]> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<Commands[C][1]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`client process: ${command} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Commands[C][1]);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const request: Request<C> = { id, command, args };
      this.child.send(request);
    });
  }

  async stop(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
