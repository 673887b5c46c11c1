/**
 * CONFLICT recovery: a session's document comes to hold something the
 * server lacks, and the session then types after it. Its `applyUpdate`
 * builds on what the server does not have, so the server refuses it with
 * CONFLICT (reason MISSING_DEPENDENCIES); the SDK resyncs, resends what the
 * server is missing (the foreign text and the keystrokes), and `flushed()`
 * resolves with the server holding the session's text.
 *
 * The foreign text is applied with the session as origin, which is how the
 * SDK marks updates that came from the server: it is not sent, exactly as an
 * update received some other way (another tab's BroadcastChannel, a local
 * cache) would not be. The WebSocket frames are recorded to see the refusal
 * and the resync happen, rather than trusting that they did.
 */
import type { DraftroomClient } from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { recordingWebSocket, sdkClient, serverText, type Frame } from './sdkSupport.js';

describe('CONFLICT recovery', () => {
  let server: TestServer;
  let cast: Cast;
  let paragraphId: string;
  let client: DraftroomClient;
  const frames: Frame[] = [];
  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'the Global Compact.' })).id;
    client = sdkClient(server.url, cast.coFacilitator.token!, { webSocketImpl: recordingWebSocket(frames) });
  });
  afterAll(async () => {
    client?.close();
    await server?.stop({ dropDatabase: true });
  });

  it('resyncs after a CONFLICT and resends what the server lacks; flushed() resolves with the texts equal', async () => {
    const session = await client.openDeclaration(cast.declarationId);
    // Another replica of the same document (it starts from the server's state) writes a text the server never gets.
    const foreign = new Y.Doc();
    Y.applyUpdate(foreign, Y.encodeStateAsUpdate(session.doc));
    foreign.getText(paragraphId).insert(0, 'We reaffirm ');
    Y.applyUpdate(session.doc, Y.encodeStateAsUpdate(foreign), session); // as if from the server: not sent
    expect(session.text(paragraphId).toString()).toBe('We reaffirm the Global Compact.');
    expect(session.unacknowledged).toBe(0);

    // Typed right after the foreign text: each keystroke builds on it.
    const text = session.text(paragraphId);
    for (const ch of 'firmly ') text.insert(text.toString().indexOf('the'), ch);
    const seq = await session.flushed();

    const expected = 'We reaffirm firmly the Global Compact.';
    expect(session.text(paragraphId).toString()).toBe(expected);
    const onServer = await serverText(client, cast.declarationId, paragraphId);
    expect(onServer.doc).toBe(expected);
    expect(onServer.paragraph).toBe(expected);
    expect(onServer.seq).toBeGreaterThanOrEqual(seq);
    expect(session.failure).toBeNull();
    expect(session.status).toBe('synced');

    // What happened on the wire: an applyUpdate refused with CONFLICT / MISSING_DEPENDENCIES,
    // then a documentState from the session's state vector, then an applyUpdate acknowledged.
    const operation = (id: string | undefined) => frames.find((f) => f.direction === 'sent' && f.message.type === 'subscribe' && f.message.id === id);
    const conflictAt = frames.findIndex(
      (f) =>
        f.direction === 'received' &&
        (f.message.type === 'next' || f.message.type === 'error') &&
        JSON.stringify(f.message.payload).includes('MISSING_DEPENDENCIES') &&
        /applyUpdate/.test(operation(f.message.id)?.message.payload.query ?? ''),
    );
    expect(conflictAt).toBeGreaterThan(-1);
    const after = frames.slice(conflictAt + 1).filter((f) => f.direction === 'sent' && f.message.type === 'subscribe');
    const queries = after.map((f) => (/documentState|applyUpdate/.exec(f.message.payload.query) ?? ['other'])[0]);
    expect(queries.indexOf('documentState')).toBeGreaterThan(-1);
    expect(queries.indexOf('applyUpdate', queries.indexOf('documentState'))).toBeGreaterThan(queries.indexOf('documentState'));
  });
});
