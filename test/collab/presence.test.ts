/**
 * Presence: `updatePresence` (over WebSocket or HTTP, by any role) reaches
 * every `presence` subscriber with the participant, the paragraph and the
 * cursor bytes; a late subscriber first learns who is present; when a
 * participant's last socket closes, subscribers see them leave.
 *
 * A socket with no operation open closes at once (the test client is lazy),
 * so a participant "on" the declaration over WebSocket keeps a
 * `documentUpdates` subscription open, as an editor does.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createCast, invite, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { fromBase64, Replica, toBase64 } from '../support/yjsClient.js';

const UPDATE_PRESENCE = 'mutation($d: ID!, $p: ID, $c: Base64) { updatePresence(declarationId: $d, paragraphId: $p, cursor: $c) }';
const PRESENCE =
  'subscription($d: ID!) { presence(declarationId: $d) { participant { id name role delegation } connectionId paragraphId cursor connectionClosed left } }';

interface PresenceEvent {
  participant: { id: string; name: string; role: string; delegation: string | null };
  connectionId: string | null;
  paragraphId: string | null;
  cursor: string | null;
  connectionClosed: boolean;
  left: boolean;
}

/** The error code an operation failed with (undefined when it succeeded). */
const code = async (result: Promise<{ errors?: { extensions?: { code?: string } }[] }>) => (await result).errors?.[0]?.extensions?.code;

/** Subscribes `presence` on the client's socket and collects the events. */
function watchPresence(client: GraphQLTestClient, declarationId: string) {
  const events: PresenceEvent[] = [];
  const errors: unknown[] = [];
  const stop = client.socket().subscribe<{ presence: PresenceEvent }>(
    { query: PRESENCE, variables: { d: declarationId } },
    { next: (r) => (r.errors ? errors.push(r.errors) : events.push(r.data!.presence)), error: (e) => errors.push(e), complete: () => {} },
  );
  const find = (what: string, match: (e: PresenceEvent) => boolean) =>
    waitFor(what, () => {
      if (errors.length) throw new Error(JSON.stringify(errors));
      return events.find(match);
    });
  return { events, stop, find };
}

describe('presence', () => {
  let server: TestServer;
  let cast: Cast;
  let p1: string;
  let p2: string;
  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    p1 = (await addParagraph(cast.coFacilitator, section.id, { text: 'We reaffirm the Global Compact.' })).id;
    p2 = (await addParagraph(cast.coFacilitator, section.id, { text: 'We note progress.', afterParagraphId: p1 })).id;
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  /** Another connection of the same participant (a browser tab), closed after the test. */
  let tabs: GraphQLTestClient[] = [];
  const tab = (client: GraphQLTestClient) => {
    const opened = server.client(client.token);
    tabs.push(opened);
    return opened;
  };
  afterEach(async () => {
    await Promise.all(tabs.map((t) => t.close()));
    tabs = [];
  });
  const move = (client: GraphQLTestClient, paragraphId: string | null, cursor: Uint8Array | null, over: 'ws' | 'http') => {
    const variables = { d: cast.declarationId, p: paragraphId, c: cursor ? toBase64(cursor) : null };
    return over === 'ws' ? client.overSocket(UPDATE_PRESENCE, variables) : client.query(UPDATE_PRESENCE, variables);
  };

  it('reaches subscribers over WebSocket and over HTTP, with the participant, the paragraph and the cursor bytes', async () => {
    const watcher = watchPresence(tab(cast.observer), cast.declarationId);
    const editorTab = tab(cast.coFacilitator);
    const editor = new Replica(editorTab, cast.declarationId);
    await editor.connect();
    const cursor = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(editor.doc.getText(p1), 12));

    const arrived = await watcher.find('the co-facilitator opening the document', (e) => e.participant.id === cast.ids.coFacilitator);
    expect(arrived).toMatchObject({ paragraphId: null, cursor: null, left: false });
    expect((await move(editorTab, p1, cursor, 'ws')).data).toEqual({ updatePresence: true });
    const overWs = await watcher.find('the co-facilitator’s move', (e) => e.participant.id === cast.ids.coFacilitator && e.paragraphId === p1);
    expect(overWs).toEqual({
      participant: { id: cast.ids.coFacilitator, name: 'Ambassador Diallo', role: 'CO_FACILITATOR', delegation: null },
      connectionId: arrived.connectionId,
      paragraphId: p1,
      cursor: toBase64(cursor),
      connectionClosed: false,
      left: false,
    });
    expect(overWs.connectionId, 'a WebSocket connection has an id').toEqual(expect.any(String));
    // The cursor is a Yjs relative position: any replica resolves it to the same place.
    const reader = new Replica(tab(cast.observer), cast.declarationId);
    await reader.connect();
    const resolved = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(fromBase64(overWs.cursor!)), reader.doc);
    expect(resolved?.index).toBe(12);

    expect((await move(cast.delegation, p2, null, 'http')).data).toEqual({ updatePresence: true });
    expect(await watcher.find('the delegation', (e) => e.participant.id === cast.ids.delegation && e.paragraphId === p2)).toEqual({
      participant: { id: cast.ids.delegation, name: 'Delegate of Mexico', role: 'DELEGATION', delegation: 'Mexico' },
      connectionId: null,
      paragraphId: p2,
      cursor: null,
      connectionClosed: false,
      left: false,
    });
    watcher.stop();
    editor.close();
    reader.close();
  });

  it('gives a late subscriber first who is present, where they last were', async () => {
    const editorTab = tab(cast.coFacilitator2);
    const editor = new Replica(editorTab, cast.declarationId);
    await editor.connect();
    await move(editorTab, p1, null, 'ws');
    await move(editorTab, p2, new Uint8Array([1, 2, 3]), 'ws');
    await move(cast.stakeholder, p1, null, 'http');

    const late = watchPresence(tab(cast.delegation2), cast.declarationId);
    const editorThere = await late.find('the co-facilitator', (e) => e.participant.id === cast.ids.coFacilitator2);
    expect(editorThere).toMatchObject({ paragraphId: p2, cursor: toBase64(new Uint8Array([1, 2, 3])), left: false });
    expect(await late.find('the stakeholder', (e) => e.participant.id === cast.ids.stakeholder)).toMatchObject({ paragraphId: p1, cursor: null, left: false });
    expect(late.events.filter((e) => e.participant.id === cast.ids.coFacilitator2), 'only where they are now').toHaveLength(1);
    expect(late.events.every((e) => !e.left), 'nobody who left is listed').toBe(true);
    late.stop();
    editor.close();
  });

  it("tells subscribers left: true when a participant's last socket closes, and not before", async () => {
    const watcher = watchPresence(tab(cast.observer), cast.declarationId);
    const [first, second] = [tab(cast.coFacilitator2), tab(cast.coFacilitator2)];
    const replicas = [new Replica(first, cast.declarationId), new Replica(second, cast.declarationId)];
    for (const replica of replicas) await replica.connect();
    await move(first, p1, null, 'ws');
    await move(second, p2, null, 'ws');
    const firstTab = await watcher.find('the first tab’s move', (e) => e.participant.id === cast.ids.coFacilitator2 && e.paragraphId === p1);
    await watcher.find('the second tab’s move', (e) => e.participant.id === cast.ids.coFacilitator2 && e.paragraphId === p2);
    expect(firstTab.connectionId, 'a WebSocket connection has an id').toEqual(expect.any(String));

    await first.close();
    // The server has seen the close once it says that connection closed; a wrong `left` would be said then.
    const closed = await watcher.find('the first tab’s close, seen by the server', (e) => e.connectionId === firstTab.connectionId && e.connectionClosed);
    expect(closed).toMatchObject({ participant: { id: cast.ids.coFacilitator2 }, connectionClosed: true, left: false });
    expect(watcher.events.filter((e) => e.left && e.participant.id === cast.ids.coFacilitator2), 'one tab is still open').toEqual([]);

    await second.close();
    const left = await watcher.find('the co-facilitator leaving', (e) => e.left && e.participant.id === cast.ids.coFacilitator2);
    expect(left).toEqual({
      participant: { id: cast.ids.coFacilitator2, name: 'Ambassador Voss', role: 'CO_FACILITATOR', delegation: null },
      connectionId: expect.any(String),
      paragraphId: null,
      cursor: null,
      connectionClosed: true,
      left: true,
    });
    expect(left.connectionId, 'the second tab was the last one').not.toBe(firstTab.connectionId);

    const late = watchPresence(tab(cast.delegation), cast.declarationId);
    await late.find('the stakeholder, still present', (e) => e.participant.id === cast.ids.stakeholder);
    expect(late.events.some((e) => e.participant.id === cast.ids.coFacilitator2), 'who left is not listed as present').toBe(false);
    late.stop();
    watcher.stop();
    for (const replica of replicas) replica.close();
  });

  it('counts as present who only follows the document, for late subscribers and when they leave', async () => {
    const readerTab = tab(cast.observer);
    const reader = new Replica(readerTab, cast.declarationId);
    await reader.connect();

    const late = watchPresence(tab(cast.delegation2), cast.declarationId);
    const present = await late.find('the observer following the document', (e) => e.participant.id === cast.ids.observer);
    expect(present).toMatchObject({ paragraphId: null, cursor: null, left: false });

    await readerTab.close();
    await late.find('the observer leaving', (e) => e.left && e.participant.id === cast.ids.observer);
    late.stop();
  });

  it('lets a participant whose socket closed while it was still subscribing leave all the same', async () => {
    const newcomer = await invite(server, cast.declarationId, 'STAKEHOLDER', 'Diaspora network', 'Civil society');
    // A raw graphql-ws socket that subscribes and drops at once, before the server has set the subscription up.
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${newcomer.token}` } }));
    await new Promise((resolve) => socket.once('message', resolve));
    const subscribe = { query: 'subscription($d: ID!) { documentUpdates(declarationId: $d) { seq } }', variables: { d: cast.declarationId } };
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: subscribe }));
    socket.terminate();

    const watcher = watchPresence(tab(cast.observer), cast.declarationId);
    const newcomerTab = tab(newcomer.client);
    const replica = new Replica(newcomerTab, cast.declarationId);
    await replica.connect();
    // The watcher's subscription is set up on its own socket, in parallel: until it is, a leave goes unheard
    // (and a later subscriber is only told who is present). Hearing the newcomer arrive says it is listening.
    await watcher.find('the newcomer arriving', (e) => e.participant.id === newcomer.id && !e.left);
    await newcomerTab.close();
    // Had the dropped socket's subscription registered it, the newcomer would still have a connection, and not leave.
    const gone = await watcher.find('the newcomer leaving', (e) => e.left && e.participant.id === newcomer.id);
    expect(gone).toMatchObject({ participant: { id: newcomer.id, name: 'Diaspora network' }, connectionClosed: true, left: true });
    const late = watchPresence(tab(cast.delegation), cast.declarationId);
    await late.find('the late subscriber’s own arrival', (e) => e.participant.id === cast.ids.delegation);
    expect(late.events.filter((e) => e.participant.id === newcomer.id), 'no connection of the newcomer is left present').toEqual([]);
    late.stop();
    watcher.stop();
    replica.close();
  });

  it('gives a late subscriber on another instance who is present on this one, and forgets who left', async () => {
    const other = await startServer({ databaseUrl: server.databaseUrl, bootstrapToken: server.bootstrapToken });
    try {
      const onOther = (client: GraphQLTestClient) => other.client(client.token);
      const newcomer = await invite(server, cast.declarationId, 'DELEGATION', 'Delegate of Ghana', 'Ghana');
      const early = watchPresence(onOther(cast.observer), cast.declarationId);
      await early.find('the early subscriber’s own arrival', (e) => e.participant.id === cast.ids.observer);
      const newcomerTab = tab(newcomer.client);
      const replica = new Replica(newcomerTab, cast.declarationId);
      await replica.connect();
      await move(newcomerTab, p2, new Uint8Array([5]), 'ws');
      await early.find('the move, heard over NOTIFY', (e) => e.participant.id === newcomer.id && e.paragraphId === p2);

      const late = watchPresence(onOther(cast.delegation2), cast.declarationId);
      expect(await late.find('the newcomer, present on the first instance', (e) => e.participant.id === newcomer.id)).toMatchObject({
        participant: { name: 'Delegate of Ghana', role: 'DELEGATION', delegation: 'Ghana' },
        paragraphId: p2,
        cursor: toBase64(new Uint8Array([5])),
        left: false,
      });

      await newcomerTab.close();
      await early.find('the newcomer leaving', (e) => e.left && e.participant.id === newcomer.id);
      const later = watchPresence(onOther(cast.stakeholder), cast.declarationId);
      await later.find('the early subscriber, still present', (e) => e.participant.id === cast.ids.observer);
      expect(later.events.some((e) => e.participant.id === newcomer.id), 'who left is not listed').toBe(false);
      replica.close();
    } finally {
      await other.stop();
    }
  });

  it('lets every role share its presence', async () => {
    const watcher = watchPresence(tab(cast.observer), cast.declarationId);
    const roles = { secretariat: 'SECRETARIAT', coFacilitator: 'CO_FACILITATOR', delegation: 'DELEGATION', stakeholder: 'STAKEHOLDER', observer: 'OBSERVER' } as const;
    for (const [key, role] of Object.entries(roles)) {
      const client = cast[key as keyof typeof roles];
      const cursor = new Uint8Array([role.length, 42]);
      expect((await move(client, p2, cursor, 'http')).data, role).toEqual({ updatePresence: true });
      const id = key === 'secretariat' ? (await client.ok('{ viewer { id } }')).viewer.id : cast.ids[key];
      const event = await watcher.find(`${role}'s presence`, (e) => e.participant.id === id && e.cursor === toBase64(cursor));
      expect(event).toMatchObject({ participant: { role }, paragraphId: p2, left: false });
    }
    watcher.stop();
  });

  it("refuses an observer of another declaration with NOT_FOUND, and tells nobody", async () => {
    const other = await createCast(server, 'Another declaration');
    const watcher = watchPresence(tab(cast.delegation), cast.declarationId);
    expect(await code(move(other.observer, p1, null, 'http'))).toBe('NOT_FOUND');
    expect(await code(move(other.observer, null, null, 'ws'))).toBe('NOT_FOUND');
    const subscription = await other.observer.overSocket(PRESENCE, { d: cast.declarationId }).catch((errors: { extensions?: { code?: string } }[]) => ({ errors }));
    expect(subscription.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    await move(cast.stakeholder, p1, new Uint8Array([7, 7]), 'http');
    await watcher.find('the stakeholder’s move', (e) => e.participant.id === cast.ids.stakeholder && e.cursor === toBase64(new Uint8Array([7, 7])));
    expect(watcher.events.filter((e) => e.participant.id === other.ids.observer)).toEqual([]);
    watcher.stop();
  });

  it('refuses a paragraph of another declaration, or a cursor over 1 KiB, with BAD_USER_INPUT', async () => {
    const other = await createCast(server, 'Another declaration');
    const theirs = await addParagraph(other.coFacilitator, (await addSection(other.coFacilitator, other.declarationId)).id, { text: 'Theirs.' });
    expect(await code(move(cast.delegation, theirs.id, null, 'http'))).toBe('BAD_USER_INPUT');
    expect(await code(move(cast.delegation, p1, new Uint8Array(1025), 'http'))).toBe('BAD_USER_INPUT');
    expect(await code(move(cast.delegation, p1, new Uint8Array(1024), 'http'))).toBeUndefined();
  });
});
