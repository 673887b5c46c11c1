/**
 * A co-facilitator typing: opens a declaration, types a sentence at the end
 * of a paragraph one character at a time (one Yjs transaction per
 * keystroke, as an editor binding makes them), waits until every keystroke
 * is committed on the server, and prints the seq of the last one.
 *
 *   DRAFTROOM_URL=http://localhost:4000/graphql DRAFTROOM_TOKEN=drt_... \
 *   DECLARATION_ID=... PARAGRAPH_ID=... [TEXT="..."] [DELAY_MS=40] \
 *     npx tsx client-sdk/examples/type-into-paragraph.ts
 *
 * The paragraph's id is `id` in `declaration(id) { sections { paragraphs { id label } } }`.
 */
import { DraftroomClient } from '@draftroom/client';
import WebSocket from 'ws';

const url = process.env.DRAFTROOM_URL ?? 'http://localhost:4000/graphql';
const token = required('DRAFTROOM_TOKEN');
const declarationId = required('DECLARATION_ID');
const paragraphId = required('PARAGRAPH_ID');
const sentence = process.env.TEXT ?? ' We commit to act on it without delay.';
const delayMs = Number(process.env.DELAY_MS ?? 40);

const client = new DraftroomClient({ url, token, webSocketImpl: WebSocket });
try {
  const session = await client.openDeclaration(declarationId);
  session.on('status', (status) => console.error(`(connection: ${status})`));
  const text = session.text(paragraphId);
  console.log(`before: ${text.toString()}`);

  for (const character of sentence) {
    text.insert(text.length, character);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }

  const seq = await session.flushed(); // every keystroke committed on the server
  console.log(`after: ${text.toString()}`);
  console.log(`flushed at seq ${seq}`);
} catch (error) {
  // E.g. FORBIDDEN: only co-facilitators type; NOT_FOUND: no such declaration for this token.
  const code = (error as { code?: string }).code ?? 'ERROR';
  console.error(`${code}: ${(error as Error).message}`);
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
