/**
 * Presence through the SDK: `setPresence(paragraphId, index)` reaches the
 * other session's `presence` map with the participant, the paragraph and
 * the cursor resolved to an absolute index in the local document; the
 * cursor is a Yjs relative position, so it stays on its character while
 * someone types before it; when the session closes, the entry leaves.
 */
import type { DraftroomClient, DraftSession, PresenceEntry } from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { sdkClient } from './sdkSupport.js';

describe('presence through sessions', () => {
  let server: TestServer;
  let cast: Cast;
  let paragraphId: string;
  let diallo: DraftroomClient;
  let voss: DraftroomClient;
  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We reaffirm the Global Compact.' })).id;
    diallo = sdkClient(server.url, cast.coFacilitator.token!);
    voss = sdkClient(server.url, cast.coFacilitator2.token!);
  });
  afterAll(async () => {
    diallo?.close();
    voss?.close();
    await server?.stop({ dropDatabase: true });
  });

  const entryOf = (session: DraftSession, participantId: string, match: (e: PresenceEntry) => boolean = () => true) =>
    waitFor(`presence of ${participantId} as expected`, () => {
      const entry = session.presence.get(participantId);
      return entry && match(entry) ? entry : null;
    });

  it('shows one session’s paragraph and cursor to the other, keeps the cursor on its character, and drops it on close', async () => {
    const a = await diallo.openDeclaration(cast.declarationId);
    const b = await voss.openDeclaration(cast.declarationId);
    const changes: number[] = [];
    b.on('presence', (map) => changes.push(map.size));

    await a.setPresence(paragraphId, 12); // before "the"
    const seen = await entryOf(b, cast.ids.coFacilitator!, (e) => e.paragraphId === paragraphId && e.index === 12);
    expect(seen.participant).toEqual({ id: cast.ids.coFacilitator, name: 'Ambassador Diallo', role: 'CO_FACILITATOR', delegation: null });
    expect(seen.cursor).not.toBeNull();
    expect(changes.length).toBeGreaterThan(0);

    // Voss types before Diallo's cursor: in Voss's document the cursor moves with its character.
    b.text(paragraphId).insert(0, 'Today ');
    expect(b.presence.get(cast.ids.coFacilitator!)?.index).toBe(18);
    await b.flushed();
    expect(b.text(paragraphId).toString().slice(18)).toBe('the Global Compact.');
    // And in Diallo's, once the edit arrives, Diallo's own cursor does too.
    await waitFor('the edit to reach Diallo', () => a.text(paragraphId).toString().startsWith('Today '));
    await entryOf(a, cast.ids.coFacilitator!, (e) => e.index === 18);

    // Moving out of the paragraph: no paragraph, no cursor.
    await a.setPresence(null, null);
    await entryOf(b, cast.ids.coFacilitator!, (e) => e.paragraphId === null && e.index === null && e.cursor === null);

    a.close();
    await waitFor('Diallo to leave Voss’s presence map', () => !b.presence.has(cast.ids.coFacilitator!));
    expect(b.presence.has(cast.ids.coFacilitator2!)).toBe(true);
  });

  it('announces a presence set while offline once the session is back, and the others see it', async () => {
    const proxy = await TcpProxy.start([server.app.port]);
    const cutOff = sdkClient(proxy.url('/graphql'), cast.delegation.token!);
    try {
      const b = await voss.openDeclaration(cast.declarationId);
      const mexico = await cutOff.openDeclaration(cast.declarationId);
      await mexico.setPresence(paragraphId, 3);
      await entryOf(b, cast.ids.delegation!, (e) => e.paragraphId === paragraphId && e.index === 3);

      proxy.cut();
      await waitFor('Mexico’s session to go offline', () => mexico.status === 'offline');
      await waitFor('Mexico to leave Voss’s presence map', () => !b.presence.has(cast.ids.delegation!));
      await mexico.setPresence(paragraphId, 7); // offline: resolves at once, announced on reconnect
      proxy.restore();
      const back = await entryOf(b, cast.ids.delegation!, (e) => e.index === 7);
      expect(back.paragraphId).toBe(paragraphId);
      expect(back.participant.delegation).toBe('Mexico');
      // Mexico's own map was rebuilt from the server's snapshot after the reconnect: Voss is in it.
      await entryOf(mexico, cast.ids.coFacilitator2!);
    } finally {
      cutOff.close();
      await proxy.close();
    }
  });
});
