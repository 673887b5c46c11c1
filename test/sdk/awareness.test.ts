/**
 * Presence as a y-protocols Awareness, the way editor bindings read it
 * (y-codemirror.next's remote selections): one remote state per connection,
 * `{ user: { name, color, colorLight }, cursor: { anchor, head } }` with
 * relative positions; a cursor set on the local state (as a binding does)
 * reaches the others; a session that closes leaves their awareness.
 */
import type { DraftroomClient, DraftSession, RemoteAwarenessState } from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { sdkClient } from './sdkSupport.js';

/** The remote states of `session`'s awareness (its own local state aside), by awareness client id. */
const remoteStates = (session: DraftSession) =>
  new Map([...session.awareness.getStates()].filter(([clientId]) => clientId !== session.awareness.clientID)) as Map<number, RemoteAwarenessState>;

/** A cursor's ends resolved in `session`'s document: which paragraph, at which offsets. */
function resolved(session: DraftSession, cursor: RemoteAwarenessState['cursor']) {
  if (!cursor) return null;
  const at = (json: unknown) => Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), session.doc);
  const [anchor, head] = [at(cursor.anchor), at(cursor.head)];
  const nameOf = (type: unknown) => [...session.doc.share].find(([, shared]) => shared === type)?.[0] ?? null;
  return { anchorParagraph: nameOf(anchor?.type), headParagraph: nameOf(head?.type), anchor: anchor?.index, head: head?.index };
}

describe('presence as a y-protocols Awareness', () => {
  let server: TestServer;
  let cast: Cast;
  let paragraphId: string;
  const clients: DraftroomClient[] = [];
  const open = async (token: string) => {
    const client = sdkClient(server.url, token);
    clients.push(client);
    return { client, session: await client.openDeclaration(cast.declarationId) };
  };

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We reaffirm the Global Compact.' })).id;
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.stop({ dropDatabase: true });
  });

  it('shows two tabs of one participant as two cursors, carries a selection set on the local state, and drops a closed tab', async () => {
    const { session: watcher } = await open(cast.coFacilitator2.token!);
    const { session: tab1 } = await open(cast.coFacilitator.token!);
    const { session: tab2 } = await open(cast.coFacilitator.token!);

    const diallos = await waitFor('two entries for Diallo in Voss’s awareness', () => {
      const states = [...remoteStates(watcher)].filter(([, state]) => state.participant.id === cast.ids.coFacilitator);
      return states.length === 2 ? states : null;
    });
    expect(new Set(diallos.map(([, state]) => state.connectionId)).size, 'one per connection').toBe(2);
    for (const [, state] of diallos) {
      expect(state.user).toEqual({ name: 'Ambassador Diallo', color: expect.stringMatching(/^#[0-9a-f]{6}$/), colorLight: expect.stringMatching(/^#[0-9a-f]{8}$/) });
      expect(state.cursor).toBeNull();
    }
    expect(remoteStates(watcher).size, 'only the two tabs: not the watcher itself').toBe(2);
    // The local state is named after the participant (bindings label the local caret with it).
    await waitFor('the watcher’s local user', () => watcher.awareness.getLocalState()?.user?.name === 'Ambassador Voss');

    // Tab 1 selects "reaffirm" as y-codemirror.next does: relative positions on its local state.
    const text = tab1.text(paragraphId);
    tab1.awareness.setLocalStateField('cursor', { anchor: Y.createRelativePositionFromTypeIndex(text, 3), head: Y.createRelativePositionFromTypeIndex(text, 11) });
    const changes: { added: number[]; updated: number[]; removed: number[] }[] = [];
    watcher.awareness.on('change', (change: (typeof changes)[number]) => changes.push(change));
    const selecting = await waitFor('tab 1’s selection in Voss’s awareness', () =>
      [...remoteStates(watcher)].find(([, state]) => state.cursor !== null && state.participant.id === cast.ids.coFacilitator),
    );
    expect(resolved(watcher, selecting[1].cursor)).toEqual({ anchorParagraph: paragraphId, headParagraph: paragraphId, anchor: 3, head: 11 });
    expect(selecting[1].paragraphId).toBe(paragraphId);
    expect(selecting[1].selection, 'the same under the name y-monaco reads').toEqual(selecting[1].cursor);
    expect(watcher.text(paragraphId).toString().slice(3, 11)).toBe('reaffirm');
    expect(changes.some((change) => change.updated.includes(selecting[0]))).toBe(true);
    const other = [...remoteStates(watcher)].find(([id, state]) => id !== selecting[0] && state.participant.id === cast.ids.coFacilitator);
    expect(other?.[1].cursor, 'tab 2 has no cursor: its own state').toBeNull();
    // Tab 2 sees tab 1's selection too (another connection of the same participant).
    await waitFor('tab 1’s selection in tab 2’s awareness', () => [...remoteStates(tab2)].some(([, state]) => state.cursor !== null));

    // Someone types before the selection: it stays on "reaffirm".
    watcher.text(paragraphId).insert(0, 'Today ');
    expect(resolved(watcher, selecting[1].cursor)).toMatchObject({ anchor: 9, head: 17 });

    // A caret alone (anchor = head) arrives as a caret (set once tab 1 has the edit too, so both count the same offsets).
    await watcher.flushed();
    await waitFor('tab 1 to have the edit', () => text.toString().startsWith('Today '));
    tab1.awareness.setLocalStateField('cursor', { anchor: Y.createRelativePositionFromTypeIndex(text, 2), head: Y.createRelativePositionFromTypeIndex(text, 2) });
    await waitFor('tab 1’s caret', () => {
      const cursor = remoteStates(watcher).get(selecting[0])?.cursor ?? null;
      const at = resolved(watcher, cursor);
      return at?.head === 2 && at.anchor === 2;
    });

    tab1.close();
    await waitFor('tab 1 to leave Voss’s awareness', () => !remoteStates(watcher).has(selecting[0]));
    expect(changes.some((change) => change.removed.includes(selecting[0]))).toBe(true);
    expect([...remoteStates(watcher).values()].filter((state) => state.participant.id === cast.ids.coFacilitator), 'tab 2 is still there').toHaveLength(1);
  });

  it('carries a selection to a session on another instance (over NOTIFY), and its going', async () => {
    const other = await startServer({ databaseUrl: server.databaseUrl, bootstrapToken: server.bootstrapToken });
    const elsewhere = sdkClient(other.url, cast.observer.token!);
    try {
      const watcher = await elsewhere.openDeclaration(cast.declarationId);
      const { session: editor } = await open(cast.coFacilitator.token!);
      const text = editor.text(paragraphId);
      await waitFor('both documents alike', () => watcher.text(paragraphId).toString() === text.toString());
      editor.awareness.setLocalStateField('cursor', { anchor: Y.createRelativePositionFromTypeIndex(text, 0), head: Y.createRelativePositionFromTypeIndex(text, 5) });
      const [clientId, state] = await waitFor('the selection on the other instance', () =>
        [...remoteStates(watcher)].find(([, candidate]) => candidate.participant.id === cast.ids.coFacilitator && candidate.cursor !== null),
      );
      expect(resolved(watcher, state.cursor)).toEqual({ anchorParagraph: paragraphId, headParagraph: paragraphId, anchor: 0, head: 5 });
      expect(state.connectionId).toEqual(expect.any(String));
      editor.close();
      await waitFor('the editor to leave the other instance’s awareness', () => !remoteStates(watcher).has(clientId));
    } finally {
      elsewhere.close();
      await other.stop();
    }
  });

  it('tells the others where the local cursor (or selection) is, and nowhere when it goes, in the participant-keyed presence map too', async () => {
    const { session: watcher } = await open(cast.delegation.token!);
    const { session: editor } = await open(cast.coFacilitator2.token!);
    const text = editor.text(paragraphId);
    editor.awareness.setLocalStateField('cursor', { anchor: Y.createRelativePositionFromTypeIndex(text, 1), head: Y.createRelativePositionFromTypeIndex(text, 1) });
    await waitFor('the cursor in the presence map', () => watcher.presence.get(cast.ids.coFacilitator2!)?.index === 1);
    expect(watcher.presence.get(cast.ids.coFacilitator2!)?.paragraphId).toBe(paragraphId);
    // y-monaco's name for it works too.
    editor.awareness.setLocalStateField('cursor', undefined);
    editor.awareness.setLocalStateField('selection', { anchor: Y.createRelativePositionFromTypeIndex(text, 4), head: Y.createRelativePositionFromTypeIndex(text, 4) });
    await waitFor('the selection in the presence map', () => watcher.presence.get(cast.ids.coFacilitator2!)?.index === 4);
    editor.awareness.setLocalStateField('selection', null);
    await waitFor('the cursor gone', () => {
      const entry = watcher.presence.get(cast.ids.coFacilitator2!);
      return entry && entry.paragraphId === null && entry.cursor === null;
    });
    expect([...remoteStates(watcher).values()].find((state) => state.participant.id === cast.ids.coFacilitator2)?.cursor).toBeNull();
  });
});
