import { DraftroomClient, DeclarationDocument, DraftroomError } from '@draftroom/client';
import WebSocket from 'ws';

const url = process.env.DRAFTROOM_URL ?? 'http://localhost:4000/graphql';
const token = process.env.DRAFTROOM_TOKEN!;
const declarationId = process.env.DECLARATION_ID!;

const client = new DraftroomClient({ url, token, webSocketImpl: WebSocket });

// Typed queries and mutations: `declaration` is typed from the schema.
const { declaration } = await client.request(DeclarationDocument, { id: declarationId });
const paragraph = declaration!.sections[0]!.paragraphs[0]!;
console.log(`${declaration!.title}: paragraph ${paragraph.label} reads "${paragraph.text}"`);

// A session: resolves once the local Y.Doc is synced with the server.
const session = await client.openDeclaration(declarationId);
session.on('status', (status) => console.log(`status: ${status}`)); // 'connecting' | 'synced' | 'offline' | 'failed'
const text = session.text(paragraph.id); // a plain-text Y.Text: for y-codemirror.next, y-monaco or a textarea
try {
  text.insert(text.length, ' (as revised)');
  const seq = await session.flushed(); // every local edit so far is committed on the server
  console.log(`committed at seq ${seq}: "${text.toString()}"`);
} catch (error) {
  if (error instanceof DraftroomError) console.log(`edit refused: ${error.code}`); // e.g. FORBIDDEN for an observer
  else throw error;
}

// Presence: where everyone is, with cursors that follow the text.
await session.setPresence(paragraph.id, 0);

// The change feed, from the start: every event once, in order, across reconnects.
for await (const event of client.changes(declarationId, { after: 0 })) {
  console.log(`#${event.seq} ${event.kind}: ${event.summary}`);
  if (event.seq >= 3) break;
}

session.close();
client.close();
