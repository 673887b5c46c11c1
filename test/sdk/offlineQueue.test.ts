/**
 * A long offline queue: while the network is down the outbox merges every
 * keystroke into the batch it will resend. Each keystroke is a small update
 * the server accepts; their merge may not be (DRAFTROOM_MAX_UPDATE_BYTES,
 * 1 MiB by default: an afternoon's typing on a train, or a large paste
 * offline). The server here takes updates of at most 2 KiB, and the session
 * types far more than that while cut off: when the network is back, every
 * keystroke must still reach the server (sent in pieces it accepts), none
 * dropped, and `flushed()` must resolve.
 */
import type { DraftroomClient } from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { mulberry32 } from '../support/random.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { sdkClient, serverText, typeRandomly } from './sdkSupport.js';

const UPDATE_LIMIT = 2048;

describe('an offline queue larger than the largest update the server takes', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let cast: Cast;
  let paragraphId: string;
  let client: DraftroomClient;
  let direct: DraftroomClient;
  beforeAll(async () => {
    server = await startServer({ limits: { updateBytes: UPDATE_LIMIT } });
    proxy = await TcpProxy.start([server.app.port]);
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'Start.' })).id;
    client = sdkClient(proxy.url('/graphql'), cast.coFacilitator.token!);
    direct = sdkClient(server.url, cast.observer.token!);
  });
  afterAll(async () => {
    client?.close();
    direct?.close();
    await proxy?.close();
    await server?.stop({ dropDatabase: true });
  });

  it('sends every keystroke typed offline once the network is back, none refused', async () => {
    const session = await client.openDeclaration(cast.declarationId);
    proxy.cut();
    await waitFor('the session to go offline', () => session.status === 'offline');
    // Keystrokes at random places do not coalesce into one Yjs item: the merged queue stays large.
    await typeRandomly(session.text(paragraphId), { alphabet: 'abcdefghijklmnopqrstuvwxyz ', count: 400, random: mulberry32(7), deleteRatio: 0.1, maxPauseMs: 0 });
    proxy.restore();

    const settled = await session.flushed().then(
      (seq) => ({ seq, error: null }),
      (error: Error & { code?: string }) => ({ seq: null, error: `${error.code}: ${error.message}` }),
    );
    expect(settled.error).toBeNull();
    const onServer = await serverText(direct, cast.declarationId, paragraphId);
    expect(onServer.doc).toBe(session.text(paragraphId).toString());
    expect(session.failure).toBeNull();
  });
});
