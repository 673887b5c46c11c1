/**
 * Cold load: a client of a freshly started server subscribes to
 * `documentUpdates` without a state vector; the server loads the
 * declaration's document from PostgreSQL (snapshot + log) and answers with
 * the whole state. Timed from the subscribe message to the sync event
 * received (the socket is opened and acknowledged first, and one operation
 * that does not touch the document warms it up).
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import type { ColdSyncArgs, ColdSyncResult } from '../lib/protocol.js';
import { connect, DOCUMENT_UPDATES, fromBase64, request, withDeadline, type DocumentUpdateEvent } from './graphqlClient.js';

export async function coldSync(args: ColdSyncArgs): Promise<ColdSyncResult> {
  const openStart = performance.now();
  const client = await connect(args.url, args.token, args.timeoutMs);
  try {
    await request(client, '{ viewer { id } }', {});
    const start = performance.now();
    const event = await withDeadline(
      new Promise<DocumentUpdateEvent>((resolve, reject) => {
        client.subscribe<{ documentUpdates: DocumentUpdateEvent }>(
          { query: DOCUMENT_UPDATES, variables: { d: args.declarationId } },
          {
            next: (result) => {
              const e = result.data?.documentUpdates;
              if (e?.sync) resolve(e);
              else reject(new Error(`expected the sync event, got ${JSON.stringify(result).slice(0, 300)}`));
            },
            error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
            complete: () => reject(new Error('completed before the sync event')),
          },
        );
      }),
      args.timeoutMs,
      'documentUpdates sync',
    );
    const end = performance.now();
    const update = fromBase64(event.update);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    const text = doc.getText(args.expectedText.paragraphId).toString();
    const sha1 = createHash('sha1').update(text).digest('hex');
    return {
      syncMs: end - start,
      totalMs: end - openStart,
      syncBytes: update.length,
      verified: text.length === args.expectedText.length && sha1 === args.expectedText.sha1,
    };
  } finally {
    await client.dispose();
  }
}
