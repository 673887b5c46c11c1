/**
 * Two DraftSessions typing at once into the same paragraph, keystroke by
 * keystroke (one Yjs transaction per keystroke, as an editor binding makes
 * them), converge with each other and with the server.
 *
 * Each typist types characters of its own alphabet and deletes only its own
 * characters, so the final text's length and each typist's share of it are
 * known: a remote update applied twice, or an echo of one's own update
 * applied as if it were new, would not change a Yjs text (updates are
 * idempotent), but a keystroke lost or sent twice as a *new* edit would
 * break the arithmetic.
 */
import type { DraftroomClient, DraftSession } from '@draftroom/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { mulberry32 } from '../support/random.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { countOf, sdkClient, serverText, typeRandomly } from './sdkSupport.js';

const KEYSTROKES = 300;
const GREEK = 'αβγδεζηθικλμ';
const DIGITS = '0123456789';
const INITIAL = 'We reaffirm the Global Compact. ';

describe('two sessions typing into one paragraph at once', () => {
  let server: TestServer;
  let cast: Cast;
  let sectionId: string;
  let clients: DraftroomClient[] = [];
  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    sectionId = (await addSection(cast.coFacilitator, cast.declarationId)).id;
  });
  afterEach(() => {
    for (const client of clients) client.close();
    clients = [];
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  const client = (token: string) => {
    const made = sdkClient(server.url, token);
    clients.push(made);
    return made;
  };
  /** Co-facilitator Voss, through `proxy`. */
  const sdkClientThrough = (proxy: TcpProxy) => {
    const made = sdkClient(proxy.url('/graphql'), cast.coFacilitator2.token!);
    clients.push(made);
    return made;
  };

  async function typeTogether(a: DraftSession, b: DraftSession, paragraphId: string, seed: number) {
    const [typedA, typedB] = await Promise.all([
      typeRandomly(a.text(paragraphId), { alphabet: GREEK, count: KEYSTROKES, random: mulberry32(seed) }),
      typeRandomly(b.text(paragraphId), { alphabet: DIGITS, count: KEYSTROKES, random: mulberry32(seed + 1) }),
    ]);
    const acked = Math.max(await a.flushed(), await b.flushed());
    // Each session has then seen the other's last acknowledged update too.
    await waitFor(`both sessions to reach seq ${acked} (at ${a.seq} and ${b.seq})`, () => a.seq >= acked && b.seq >= acked);
    return { typedA, typedB };
  }

  it.each([
    ['two co-facilitators, one session each', 'two', 11],
    ['one co-facilitator with two sessions on one client', 'one', 23],
  ])('converges with the server: %s', async (_, who, seed) => {
    const paragraphId = (await addParagraph(cast.coFacilitator, sectionId, { text: INITIAL })).id;
    const first = client(cast.coFacilitator.token!);
    const second = who === 'two' ? client(cast.coFacilitator2.token!) : first;
    const a = await first.openDeclaration(cast.declarationId);
    const b = await second.openDeclaration(cast.declarationId);
    expect(a.origin).not.toBe(b.origin);

    const { typedA, typedB } = await typeTogether(a, b, paragraphId, seed);

    const textA = a.text(paragraphId).toString();
    const textB = b.text(paragraphId).toString();
    expect(textB).toBe(textA);
    expect(textA.length).toBe(INITIAL.length + typedA.inserted - typedA.deleted + typedB.inserted - typedB.deleted);
    expect(countOf(textA, GREEK)).toBe(typedA.inserted - typedA.deleted);
    expect(countOf(textA, DIGITS)).toBe(typedB.inserted - typedB.deleted);
    expect(typedA.inserted + typedB.inserted).toBeGreaterThan(KEYSTROKES); // the typists did type

    const onServer = await serverText(first, cast.declarationId, paragraphId);
    expect(onServer.doc).toBe(textA);
    expect(onServer.paragraph).toBe(textA);
    expect(a.status).toBe('synced');
    expect(b.status).toBe('synced');
    expect(a.unacknowledged).toBe(0);
    expect(b.unacknowledged).toBe(0);
  });

  it('converges when one of the two is cut off twice mid-typing and comes back', async () => {
    const paragraphId = (await addParagraph(cast.coFacilitator, sectionId, { text: INITIAL })).id;
    const proxy = await TcpProxy.start([server.app.port]);
    try {
      const a = await client(cast.coFacilitator.token!).openDeclaration(cast.declarationId);
      const b = await sdkClientThrough(proxy).openDeclaration(cast.declarationId);
      const typing = Promise.all([
        typeRandomly(a.text(paragraphId), { alphabet: GREEK, count: KEYSTROKES, random: mulberry32(41), maxPauseMs: 4 }),
        typeRandomly(b.text(paragraphId), { alphabet: DIGITS, count: KEYSTROKES, random: mulberry32(43), maxPauseMs: 4 }),
      ]);
      // B is cut off twice, early on, while both type; it types on offline, then comes back.
      for (const grownBy of [40, 100]) {
        await waitFor(`the text to grow by ${grownBy}`, () => b.text(paragraphId).length >= INITIAL.length + grownBy);
        proxy.cut();
        await waitFor('B to go offline', () => b.status === 'offline');
        await waitFor('B to type 10 keystrokes offline', () => b.unacknowledged >= 10);
        proxy.restore();
        await waitFor('B to be synced again', () => b.status === 'synced');
      }
      const [typedA, typedB] = await typing;
      const acked = Math.max(await a.flushed(), await b.flushed());
      await waitFor(`both sessions to reach seq ${acked}`, () => a.seq >= acked && b.seq >= acked);

      const textA = a.text(paragraphId).toString();
      expect(b.text(paragraphId).toString()).toBe(textA);
      expect(countOf(textA, GREEK)).toBe(typedA.inserted - typedA.deleted);
      expect(countOf(textA, DIGITS)).toBe(typedB.inserted - typedB.deleted);
      expect(textA.length).toBe(INITIAL.length + typedA.inserted - typedA.deleted + typedB.inserted - typedB.deleted);
      const onServer = await serverText(clients[0]!, cast.declarationId, paragraphId);
      expect(onServer.doc).toBe(textA);
      expect(onServer.paragraph).toBe(textA);
    } finally {
      await proxy.close();
    }
  });
});
