/**
 * The comparison: a Hocuspocus server (@hocuspocus/server, a dev dependency
 * of the bench workspace only) in this process, in its default configuration
 * with no extension, so documents live in memory and nothing is persisted
 * before an update is broadcast. Only the listening address, the port (a free
 * one), the start banner and the signal handlers are changed.
 */
import { Server } from '@hocuspocus/server';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from './context.js';
import { withTimeout } from './stats.js';

export interface HocuspocusServer {
  url: string;
  version: string;
  stop(): Promise<void>;
}

export function hocuspocusVersion(): string {
  return packageVersion('@hocuspocus/server', path.dirname(fileURLToPath(import.meta.url)));
}

export async function startHocuspocus(): Promise<HocuspocusServer> {
  const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
  await server.listen();
  return {
    url: `ws://127.0.0.1:${server.address.port}`,
    version: hocuspocusVersion(),
    async stop() {
      await withTimeout(server.destroy(), 15_000, 'stopping Hocuspocus').catch(() => undefined);
    },
  };
}
