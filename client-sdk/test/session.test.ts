/**
 * The SDK's session and change iterator against a real server: the basic
 * round trips. (The hard cases, network cuts, concurrency, browsers, are in
 * test/sdk/.)
 */
import { ChangeLogDocument, DraftroomClient, DraftroomError, ParagraphDocument, type DraftSession } from '@draftroom/client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../../test/support/factories.js';
import { startServer, type TestServer } from '../../test/support/testServer.js';
import { TcpProxy } from '../../test/support/tcpProxy.js';
import { waitFor } from '../../test/support/waitFor.js';

let server: TestServer;
let cast: Cast;
let paragraphId: string;
const clients: DraftroomClient[] = [];

function clientFor(token: string | null): DraftroomClient {
  const client = new DraftroomClient({ url: server.url, token: token ?? '', webSocketImpl: WebSocket, reconnect: { minDelayMs: 50, maxDelayMs: 500 } });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startServer();
  cast = await createCast(server);
  const section = await addSection(cast.coFacilitator, cast.declarationId);
  paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We, the Ministers' })).id;
});

afterAll(async () => {
  for (const client of clients) client.close();
  await server.stop({ dropDatabase: true });
});

describe('a session', () => {
  let session: DraftSession;

  it('opens synced, with the paragraph text the server has', async () => {
    session = await clientFor(cast.coFacilitator.token).openDeclaration(cast.declarationId);
    expect(session.status).toBe('synced');
    expect(session.text(paragraphId).toString()).toBe('We, the Ministers');
  });

  it('sends local edits and resolves flushed() once they are committed', async () => {
    session.text(paragraphId).insert(session.text(paragraphId).length, ' and representatives');
    session.text(paragraphId).insert(0, '1. ');
    const seq = await session.flushed();
    expect(seq).toBeGreaterThan(0);
    expect(session.unacknowledged).toBe(0);
    const { paragraph } = await clientFor(cast.observer.token).request(ParagraphDocument, { id: paragraphId });
    expect(paragraph?.text).toBe('1. We, the Ministers and representatives');
  });

  it("applies another session's edits, and not its own echoes twice", async () => {
    const other = await clientFor(cast.coFacilitator2.token).openDeclaration(cast.declarationId);
    other.text(paragraphId).insert(0, '[Voss] ');
    await other.flushed();
    await waitFor('the first session to see the edit', () => session.text(paragraphId).toString().startsWith('[Voss] 1. We'));
    expect(session.text(paragraphId).toString()).toBe('[Voss] 1. We, the Ministers and representatives');
    other.close();
  });

  it('rejects flushed() with FORBIDDEN when an observer edits', async () => {
    const observer = await clientFor(cast.observer.token).openDeclaration(cast.declarationId);
    observer.text(paragraphId).insert(0, 'x');
    const error = await observer.flushed().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DraftroomError);
    expect((error as DraftroomError).code).toBe('FORBIDDEN');
    expect(observer.failure?.code).toBe('FORBIDDEN');
    observer.close();
  });

  it('cannot open a declaration that does not exist', async () => {
    const error = await clientFor(cast.coFacilitator.token)
      .openDeclaration('00000000-0000-0000-0000-000000000000')
      .catch((e: unknown) => e);
    expect((error as DraftroomError).code).toBe('NOT_FOUND');
  });
});

describe('the change iterator', () => {
  it('delivers the log from `after`, then live events, each once and in order', async () => {
    const client = clientFor(cast.observer.token);
    const { changeLog } = await client.request(ChangeLogDocument, { declarationId: cast.declarationId, after: 0, first: 1000 });
    const seen: number[] = [];
    const iterator = client.changes(cast.declarationId, { after: 1 });
    const section = await addSection(cast.coFacilitator, cast.declarationId, 'Recommended actions');
    const last = changeLog.at(-1)!.seq + 1;
    for await (const event of iterator) {
      seen.push(event.seq);
      if (event.seq === last) {
        expect(event.kind).toBe('SECTION_ADDED');
        break;
      }
    }
    expect(section.title).toBe('Recommended actions');
    expect(seen).toEqual(Array.from({ length: last - 1 }, (_, i) => i + 2));
  });
});

describe('reconnectNow()', () => {
  it('ends the backoff wait: a session whose next attempt is a minute away is synced again at once', async () => {
    const proxy = await TcpProxy.start([server.app.port]);
    const client = new DraftroomClient({
      url: proxy.url(),
      token: cast.coFacilitator.token!,
      webSocketImpl: WebSocket,
      reconnect: { minDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    clients.push(client);
    try {
      const session = await client.openDeclaration(cast.declarationId);
      proxy.cut();
      await waitFor('the session to notice the cut', () => session.status === 'offline');
      session.text(paragraphId).insert(0, '» ');
      proxy.restore();
      client.reconnectNow();
      await waitFor('the session to be synced again', () => session.status === 'synced');
      await session.flushed();
      const { paragraph } = await clientFor(cast.observer.token).request(ParagraphDocument, { id: paragraphId });
      expect(paragraph?.text.startsWith('» ')).toBe(true);
    } finally {
      client.close();
      await proxy.close();
    }
  });
});
