/**
 * An observer's feed reader: prints a declaration's change feed, one line
 * per event, from the first event (or from AFTER) on, and keeps following
 * it live. When the network drops, the SDK resubscribes from the last seq it
 * delivered: no event is missed or printed twice. Ctrl-C ends it.
 *
 *   DRAFTROOM_URL=http://localhost:4000/graphql DRAFTROOM_TOKEN=drt_... DECLARATION_ID=... \
 *     npx tsx client-sdk/examples/observe-changes.ts
 *
 * Output, one line per event:  <seq> <kind> <at> <summary>
 */
import { DraftroomClient } from '@draftroom/client';
import WebSocket from 'ws';

const url = process.env.DRAFTROOM_URL ?? 'http://localhost:4000/graphql';
const token = required('DRAFTROOM_TOKEN');
const declarationId = required('DECLARATION_ID');
const after = Number(process.env.AFTER ?? 0);

const client = new DraftroomClient({ url, token, webSocketImpl: WebSocket });
const feed = client.changes(declarationId, { after });

// Ctrl-C / SIGTERM: end the subscription; the loop below then ends.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void feed.return?.());

try {
  for await (const event of feed) {
    console.log(`${event.seq} ${event.kind} ${event.at} ${event.summary}`);
  }
} catch (error) {
  // A failure retrying cannot cure: a wrong token (UNAUTHENTICATED), an unknown declaration (NOT_FOUND).
  console.error(`the change feed failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  client.close();
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required (see the comment at the top of this file)`);
    process.exit(2);
  }
  return value;
}
