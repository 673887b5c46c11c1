/**
 * The session as a Yjs provider, as editors and their integrators expect
 * one (y-websocket, Hocuspocus): a Y.Doc of your own (y-indexeddb keeps
 * edits across a reload: the session sends what the server lacks of it and
 * brings it what it lacks), `synced` and `unsyncedChanges` events,
 * `on`/`off`/`once` (lib0's ObservableV2), the token as a function called on
 * every (re)connect, and a session that says when it has failed for good.
 */
import { DraftroomError, type DraftroomClient, type DraftSession } from '@draftroom/client';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { sdkClient, serverText } from './sdkSupport.js';

describe('the session as a Yjs provider', () => {
  let server: TestServer;
  let cast: Cast;
  let sectionId: string;
  let clients: DraftroomClient[] = [];
  let proxies: TcpProxy[] = [];
  const client = (...args: Parameters<typeof sdkClient>) => {
    const made = sdkClient(...args);
    clients.push(made);
    return made;
  };
  const paragraph = async (text: string) => (await addParagraph(cast.coFacilitator, sectionId, { text })).id;
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => error as DraftroomError,
    );

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    sectionId = (await addSection(cast.coFacilitator, cast.declarationId)).id;
  });
  afterEach(async () => {
    for (const made of clients) made.close();
    clients = [];
    await Promise.all(proxies.map((proxy) => proxy.close()));
    proxies = [];
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('keeps a doc of your own: what it held offline reaches the server, and what the server had meanwhile reaches it', async () => {
    const paragraphId = await paragraph('We reaffirm the Global Compact.');
    const first = await client(server.url, cast.coFacilitator.token!).openDeclaration(cast.declarationId);
    // A doc kept in IndexedDB: the server's text, then an edit made offline (after a reload, never sent).
    const persisted = new Y.Doc();
    Y.applyUpdate(persisted, Y.encodeStateAsUpdate(first.doc));
    first.close();
    persisted.getText(paragraphId).insert(0, 'Offline: ');
    // Meanwhile another co-facilitator edits the paragraph.
    const voss = client(server.url, cast.coFacilitator2.token!);
    const other = await voss.openDeclaration(cast.declarationId);
    other.text(paragraphId).insert(other.text(paragraphId).length, ' (Voss)');
    await other.flushed();

    const reopened = await client(server.url, cast.coFacilitator.token!).openDeclaration(cast.declarationId, { doc: persisted });
    // The offline edit is queued only after a round trip (the session asks
    // the server what it lacks), and acknowledged one later: a poll of
    // `unsyncedChanges` can miss that window, its events cannot.
    const unsynced: number[] = [];
    reopened.on('unsyncedChanges', (count) => unsynced.push(count));
    expect(reopened.doc).toBe(persisted);
    const expected = 'Offline: We reaffirm the Global Compact. (Voss)';
    expect(persisted.getText(paragraphId).toString()).toBe(expected);
    await waitFor('the offline edit to be queued', () => unsynced.length > 0, { timeoutMs: 30_000 });
    expect(unsynced[0]).toBe(1);
    await reopened.flushed();
    expect(unsynced.at(-1)).toBe(0);
    expect(await serverText(voss, cast.declarationId, paragraphId)).toMatchObject({ doc: expected, paragraph: expected });
    await waitFor('the other session to see the offline edit', () => other.text(paragraphId).toString() === expected);
    // Closing the session leaves your doc alone.
    reopened.close();
    persisted.getText(paragraphId).insert(0, '1. ');
    expect(persisted.getText(paragraphId).toString()).toBe(`1. ${expected}`);
  });

  it('emits unsyncedChanges as keystrokes queue and are acknowledged, and synced as the connection goes and comes back', async () => {
    const paragraphId = await paragraph('We note progress.');
    const proxy = await TcpProxy.start([server.app.port]);
    proxies.push(proxy);
    const session = await client(proxy.url('/graphql'), cast.coFacilitator.token!).openDeclaration(cast.declarationId);
    expect(session.synced).toBe(true);
    const log: string[] = [];
    session.on('unsyncedChanges', (count) => log.push(`unsynced ${count}`));
    session.on('synced', (synced) => log.push(`synced ${synced}`));

    const text = session.text(paragraphId);
    for (const ch of 'Yes, ') text.insert(text.length - 1, ch); // five keystrokes, five transactions
    expect(log).toEqual(['unsynced 1', 'unsynced 2', 'unsynced 3', 'unsynced 4', 'unsynced 5']);
    expect(session.unsyncedChanges).toBe(5);
    await session.flushed();
    expect(session.unsyncedChanges).toBe(0);
    const counts = log.map((entry) => Number(entry.split(' ')[1]));
    expect(counts.at(-1)).toBe(0);
    // After the five, only acknowledgements: down, never up, each a change.
    expect(counts.slice(4).every((count, i, all) => i === 0 || count < all[i - 1]!), log.join(', ')).toBe(true);

    log.length = 0;
    proxy.cut();
    await waitFor('the session to go offline', () => session.status === 'offline');
    expect(session.synced).toBe(false);
    text.insert(0, '!');
    proxy.restore();
    await waitFor('the session to be synced again', () => session.synced);
    await session.flushed();
    expect(log.filter((entry) => entry.startsWith('synced'))).toEqual(['synced false', 'synced true']);
    expect(log.filter((entry) => entry.startsWith('unsynced'))).toEqual(['unsynced 1', 'unsynced 0']);
    expect(log.indexOf('synced false')).toBeLessThan(log.indexOf('unsynced 1'));
  });

  it('lets a listener go with off(), or listen once()', async () => {
    const paragraphId = await paragraph('We commit.');
    const session = await client(server.url, cast.coFacilitator.token!).openDeclaration(cast.declarationId);
    const always: number[] = [];
    const once: number[] = [];
    const untilOff: number[] = [];
    const listener = (count: number) => untilOff.push(count);
    session.on('unsyncedChanges', (count) => always.push(count));
    session.once('unsyncedChanges', (count) => once.push(count));
    session.on('unsyncedChanges', listener);
    session.text(paragraphId).insert(0, 'a');
    session.off('unsyncedChanges', listener);
    session.text(paragraphId).insert(0, 'b');
    await session.flushed();
    expect(always.slice(0, 2)).toEqual([1, 2]);
    expect(always.at(-1)).toBe(0);
    expect(once).toEqual([1]);
    expect(untilOff).toEqual([1]);
  });

  it('calls the token function on every (re)connect, and for every HTTP request', async () => {
    const paragraphId = await paragraph('We welcome.');
    const proxy = await TcpProxy.start([server.app.port]);
    proxies.push(proxy);
    let calls = 0;
    const token = async () => {
      calls += 1;
      return cast.coFacilitator.token!;
    };
    const sdk = client(proxy.url('/graphql'), '', { token });
    const session = await sdk.openDeclaration(cast.declarationId);
    const afterOpen = calls;
    expect(afterOpen).toBeGreaterThanOrEqual(1);

    proxy.cut();
    await waitFor('the session to go offline', () => session.status === 'offline');
    proxy.restore();
    await waitFor('the session to be synced again', () => session.synced);
    expect(calls, 'called again to open the new socket').toBeGreaterThan(afterOpen);
    // The new socket works with the token it was given: an edit goes through.
    session.text(paragraphId).insert(0, 'Again, ');
    await session.flushed();

    const beforeRequest = calls;
    expect((await serverText(sdk, cast.declarationId, paragraphId)).paragraph).toBe('Again, We welcome.');
    expect(calls).toBeGreaterThan(beforeRequest);
  });

  describe('a refused edit', () => {
    /** Opens a co-facilitator's session; makes `edit` in it; waits for the session to fail; returns what it says. */
    const failedBy = async (edit: (session: DraftSession) => void) => {
      const session = await client(server.url, cast.coFacilitator.token!).openDeclaration(cast.declarationId);
      const statuses: string[] = [];
      const errors: DraftroomError[] = [];
      const synced: boolean[] = [];
      session.on('status', (status) => statuses.push(status));
      session.on('error', (error) => errors.push(error));
      session.on('synced', (value) => synced.push(value));
      edit(session);
      const rejection = await refusal(session.flushed());
      await waitFor('the session to fail', () => session.status === 'failed');
      return { session, statuses, errors, synced, rejection };
    };

    it('of formatted text (a rich-text binding) fails the session for good, with the server’s code', async () => {
      const paragraphId = await paragraph('We recognise.');
      const { session, statuses, errors, synced, rejection } = await failedBy((s) => s.text(paragraphId).insert(0, 'Bold ', { bold: true }));
      expect(rejection).toBeInstanceOf(DraftroomError);
      expect(rejection.code).toBe('BAD_USER_INPUT');
      expect(session.error).toBe(rejection);
      expect(errors).toEqual([rejection]);
      expect(statuses).toEqual(['failed']);
      expect(synced).toEqual([false]);
      expect(session.synced).toBe(false);
      // Failed for good: a later edit is not sent, flushed() still says why, and the server's text is as it was.
      session.text(paragraphId).insert(0, 'plain ');
      expect((await refusal(session.flushed())).code).toBe('BAD_USER_INPUT');
      expect(session.status).toBe('failed');
      const reader = client(server.url, cast.observer.token!);
      expect(await serverText(reader, cast.declarationId, paragraphId)).toMatchObject({ doc: 'We recognise.', paragraph: 'We recognise.' });
    });

    it('of an XML fragment (what y-prosemirror edits) fails the session, with the server’s code', async () => {
      const paragraphId = await paragraph('We resolve.');
      const { session, rejection } = await failedBy((s) => s.doc.getXmlFragment(paragraphId).insert(0, [new Y.XmlText('Rich')]));
      expect(rejection.code).toBe('BAD_USER_INPUT');
      expect(session.status).toBe('failed');
      const reader = client(server.url, cast.observer.token!);
      expect((await serverText(reader, cast.declarationId, paragraphId)).paragraph).toBe('We resolve.');
    });

    it('into a paragraph that does not exist fails the session, with the server’s code', async () => {
      const { session, statuses, rejection } = await failedBy((s) => s.text(randomUUID()).insert(0, 'Nowhere'));
      expect(rejection.code).toBe(session.error?.code);
      expect(rejection.code).toBe('BAD_USER_INPUT');
      expect(statuses).toEqual(['failed']);
    });
  });
});
