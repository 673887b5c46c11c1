/**
 * Idle connections for the memory benchmark: N sockets, each subscribed to
 * the document (draftroom: `documentUpdates`, sync received; Hocuspocus:
 * synced), then left alone until `closeIdle`.
 */
import type { IdleArgs, IdleResult } from '../lib/protocol.js';
import { pool } from '../lib/stats.js';
import { connect, DOCUMENT_UPDATES, withDeadline, type DocumentUpdateEvent } from './graphqlClient.js';
import { HocuspocusClient } from './hocuspocusClient.js';

let open: (() => unknown)[] = [];

export async function openIdle(args: IdleArgs): Promise<IdleResult> {
  const start = performance.now();
  await pool(args.tokens, 25, async (token) => {
    if (args.system === 'draftroom') {
      const client = await connect(args.url, token, args.connectTimeoutMs);
      open.push(() => client.dispose());
      await withDeadline(
        new Promise<void>((resolve, reject) => {
          client.subscribe<{ documentUpdates: DocumentUpdateEvent }>(
            { query: DOCUMENT_UPDATES, variables: { d: args.documentId } },
            {
              next: (result) => (result.data?.documentUpdates?.sync ? resolve() : reject(new Error(JSON.stringify(result).slice(0, 300)))),
              error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
              complete: () => undefined,
            },
          );
        }),
        args.connectTimeoutMs,
        'documentUpdates sync',
      );
    } else {
      const client = new HocuspocusClient(args.url, args.documentId, token, null);
      open.push(() => client.close());
      await withDeadline(client.synced, args.connectTimeoutMs, 'Hocuspocus sync');
    }
  });
  return { connections: args.tokens.length, connectMs: performance.now() - start };
}

export async function closeIdle(): Promise<{ closed: number }> {
  const closing = open;
  open = [];
  await Promise.all(closing.map((close) => Promise.resolve(close()).catch(() => undefined)));
  return { closed: closing.length };
}
