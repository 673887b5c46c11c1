/**
 * A draftroom server in a process of its own (forked by
 * bench/lib/serverProcess.ts), so that its memory is its own: the bench
 * process also holds PostgreSQL clients, staging data and its own garbage,
 * which blur an RSS figure. It starts `startApp` the same way the in-process
 * benchmarks do (bench/lib/draftroom.ts), says `ready` over IPC, then answers
 * `memory` (process.memoryUsage(), after full garbage collections when asked)
 * and `stop`. It exits when the IPC channel closes.
 */
import fs from 'node:fs';
import { collectGarbage } from '../lib/context.js';
import { startDraftroom, type DraftroomServer } from '../lib/draftroom.js';
import type { ServerProcessOptions, ServerReply, ServerRequest } from '../lib/serverProcess.js';
import { sleep } from '../lib/stats.js';

if (!process.send) {
  console.error('bench/server/draftroomProcess.ts is started by the bench (npm run bench)');
  process.exit(2);
}

const send = (message: unknown) => process.send?.(message);
const gc = collectGarbage();
const options = JSON.parse(process.env.BENCH_SERVER_OPTIONS ?? '{}') as ServerProcessOptions;
let server: DraftroomServer | null = null;

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
  return process.memoryUsage();
}

process.on('message', (request: ServerRequest) => {
  void (async () => {
    let reply: ServerReply;
    try {
      if (!server) throw new Error('the server is not started');
      if (request.command === 'memory') {
        const memory = request.gc ? await settledMemory() : process.memoryUsage();
        reply = { id: request.id, ok: true, result: { memory, statements: server.statements } };
      } else if (request.command === 'stop') {
        await server.stop();
        server = null;
        reply = { id: request.id, ok: true, result: null };
      } else throw new Error(`unknown command ${JSON.stringify(request)}`);
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    send(reply);
  })();
});

process.on('disconnect', () => {
  void Promise.resolve(server?.stop())
    .catch(() => undefined)
    .finally(() => process.exit(0));
});

try {
  server = await startDraftroom(options.databaseUrl, {
    limits: options.limits,
    bootstrapToken: options.bootstrapToken,
    autoCompaction: options.autoCompaction,
  });
  send({ kind: 'ready', port: server.app.port, bootstrapToken: server.bootstrapToken, openFilesLimit: openFilesLimit() });
} catch (error) {
  send({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}

/** The soft limit on open files this process got (Node raises it to the hard limit at start); null without /proc. */
function openFilesLimit(): number | null {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}
