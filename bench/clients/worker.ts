/**
 * The client process (forked by bench/run.ts): runs what the bench process
 * asks over IPC, one command at a time, and exits when the channel closes.
 */
import type { CommandName, Commands, Request, Response } from '../lib/protocol.js';
import { coldSync } from './coldSync.js';
import { fanout } from './fanout.js';
import { closeIdle, openIdle } from './idle.js';
import { replay } from './replay.js';
import { soakProgress, soakStart, soakStop } from './soak.js';
import { typeSteadily } from './steadyTypist.js';
import { awaitChange, closeSubscribers, collectSubscribers, openSubscribers } from './subscribers.js';
import { throughput } from './throughput.js';

const handlers: { [C in CommandName]: (args: Commands[C][0]) => Promise<Commands[C][1]> } = {
  fanout,
  throughput,
  replay,
  coldSync,
  openIdle,
  closeIdle,
  openSubscribers,
  awaitChange,
  collectSubscribers,
  closeSubscribers,
  typeSteadily,
  soakStart,
  soakProgress,
  soakStop,
};

if (!process.send) {
  console.error('bench/clients/worker.ts is started by bench/run.ts (npm run bench)');
  process.exit(2);
}

let queue: Promise<void> = Promise.resolve();

process.on('message', (request: Request) => {
  queue = queue.then(async () => {
    let response: Response;
    try {
      const handler = handlers[request.command] as (args: unknown) => Promise<unknown>;
      if (!handler) throw new Error(`unknown command ${String(request.command)}`);
      response = { id: request.id, ok: true, result: await handler(request.args) };
    } catch (error) {
      response = { id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    process.send?.(response);
  });
});

process.on('disconnect', () => {
  void Promise.all([closeIdle(), closeSubscribers(), soakStop()]).finally(() => process.exit(0));
});

process.on('unhandledRejection', (error) => {
  console.error('client process: unhandled rejection', error);
});
