/**
 * `applyUpdate` refuses whatever it must, whole: after each refusal the
 * server's document (state vector and texts), `Paragraph.text` and the change
 * log are as they were, and an observer following `documentUpdates` received
 * nothing (checked with a sentinel edit made right after: it is the only
 * thing the observer gets). A duplicate update is acknowledged and changes
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { GraphQLTestClient, Result } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { applyUpdate, fingerprint, Replica, serverDoc } from '../support/yjsClient.js';

const M = {
  status: 'mutation($p: ID!, $s: ParagraphStatus!) { setParagraphStatus(paragraphId: $p, status: $s) { id } }',
  silence: 'mutation($d: ID!, $t: DateTime!) { startSilenceProcedure(declarationId: $d, deadline: $t) { status } }',
  breakSilence: 'mutation($d: ID!) { breakSilence(declarationId: $d, reason: "Mexico cannot join consensus on paragraph 1.") { status } }',
  declaration: 'query($d: ID!) { declaration(id: $d) { status paragraphs { id text status } } }',
};

/** A declaration being drafted, with paragraphs in every status, a writer's and an observer's replica. */
interface World {
  server: TestServer;
  cast: Cast;
  /** OPEN paragraphs: `open` for the tests, `sentinel` for the sentinel edits. */
  open: string;
  sentinel: string;
  agreed: string;
  adRef: string;
  deleted: string;
  writer: Replica;
  observer: Replica;
}

async function world(server: TestServer): Promise<World> {
  const cast = await createCast(server);
  const section = await addSection(cast.coFacilitator, cast.declarationId);
  const ids: string[] = [];
  for (const text of ['We reaffirm the Global Compact.', 'Sentinel.', 'We agree.', 'We agree ad ref.', 'We withdraw this.']) {
    ids.push((await addParagraph(cast.coFacilitator, section.id, { text, afterParagraphId: ids.at(-1) })).id);
  }
  const [open, sentinel, agreed, adRef, deleted] = ids as [string, string, string, string, string];
  await cast.coFacilitator.ok(M.status, { p: agreed, s: 'AGREED' });
  await cast.coFacilitator.ok(M.status, { p: adRef, s: 'AGREED_AD_REF' });
  await cast.coFacilitator.ok(M.status, { p: deleted, s: 'DELETED' });
  const writer = new Replica(cast.coFacilitator2, cast.declarationId);
  const observer = new Replica(cast.observer, cast.declarationId);
  await writer.connect();
  await observer.connect();
  return { server, cast, open, sentinel, agreed, adRef, deleted, writer, observer };
}

/** An update made on a copy of the server's document (a client id of its own), built by `edit`. */
async function updateOf(w: World, edit: (doc: Y.Doc) => void): Promise<Uint8Array> {
  const { doc } = await serverDoc(w.cast.observer, w.cast.declarationId);
  const before = Y.encodeStateVector(doc);
  doc.transact(() => edit(doc));
  return Y.encodeStateAsUpdate(doc, before);
}

/**
 * What must not move: the server's document, Paragraph.text, the change log
 * (but for the sentinel's coalesced edits). Taken once the edit coalescer has
 * written every PARAGRAPH_EDITED it owes (`flushAll` resolves when they are
 * in the change log): an edit a moment earlier (a test's own, or an earlier
 * test's) would otherwise have its event land, after the quiet period,
 * between two snapshots; and whatever the operation under test made owed is
 * in the second one rather than still waiting out its quiet period.
 */
async function state(w: World) {
  const { cast, sentinel } = w;
  await w.server.app.services.coalescer.flushAll();
  const { doc, seq } = await serverDoc(cast.observer, cast.declarationId);
  const { declaration } = await cast.observer.ok(M.declaration, { d: cast.declarationId });
  const log = await changeLog(cast.observer, cast.declarationId);
  return {
    seq,
    document: fingerprint(doc, declaration.paragraphs.map((p: { id: string }) => p.id)),
    paragraphs: declaration.paragraphs,
    log: log.filter((e) => e.paragraphId !== sentinel || e.kind !== 'PARAGRAPH_EDITED'),
  };
}

/**
 * Runs `act`, then checks nothing changed; then, unless the text is frozen,
 * makes a sentinel edit and checks it is the only update the observer got.
 */
async function expectNothingChanged(w: World, act: () => Promise<void>, { sentinel = true } = {}): Promise<void> {
  const before = await state(w);
  const received = w.observer.received.length;
  await act();
  expect(await state(w), 'the server is as it was').toEqual(before);
  if (!sentinel) return;
  w.writer.doc.getText(w.sentinel).insert(0, '.');
  const seq = await w.writer.flushed();
  await w.observer.caughtUp(seq);
  expect(w.observer.received.slice(received).map((e) => e.seq), 'the observer got only the sentinel').toEqual([seq]);
}

async function expectRefused(w: World, code: string, send: () => Promise<Result>, options?: { sentinel?: boolean }): Promise<void> {
  await expectNothingChanged(
    w,
    async () => {
      const result = await send();
      expect(result.data?.applyUpdate ?? null).toBeNull();
      expect(result.errors?.map((e) => e.extensions?.code), JSON.stringify(result.errors)).toEqual([code]);
    },
    options,
  );
}

const send = (w: World, update: Uint8Array | string, client: GraphQLTestClient = w.cast.coFacilitator, origin?: string) =>
  applyUpdate(client, w.cast.declarationId, update, origin);

describe('applyUpdate refusals', () => {
  let server: TestServer;
  let w: World;
  let valid: Uint8Array;
  beforeAll(async () => {
    server = await startServer();
    w = await world(server);
    valid = await updateOf(w, (doc) => doc.getText(w.open).insert(3, 'all '));
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('refuses every role but the co-facilitators with FORBIDDEN', async () => {
    const { secretariat, delegation, stakeholder, observer } = w.cast;
    for (const client of [secretariat, delegation, stakeholder, observer]) await expectRefused(w, 'FORBIDDEN', () => send(w, valid, client));
  });

  it('refuses a caller without a token with UNAUTHENTICATED', async () => {
    await expectRefused(w, 'UNAUTHENTICATED', () => send(w, valid, server.client(null)));
  });

  it("refuses another declaration's participants with NOT_FOUND", async () => {
    const other = await createCast(server, 'Another declaration');
    for (const client of [other.coFacilitator, other.observer]) await expectRefused(w, 'NOT_FOUND', () => send(w, valid, client));
  });

  it('refuses bytes that are not a Yjs update, and strings that are not base64, with BAD_USER_INPUT', async () => {
    const garbage = new Uint8Array([0xff, 0x13, 0x00, 0x42, 0x99, 0x01, 0x07]);
    await expectRefused(w, 'BAD_USER_INPUT', () => send(w, garbage));
    await expectRefused(w, 'BAD_USER_INPUT', () => send(w, valid.slice(0, valid.length - 1)));
    await expectRefused(w, 'BAD_USER_INPUT', () => send(w, new Uint8Array([...valid, 0, 0])));
    for (const text of ['not base64!', 'AAE', 'AA==AA==', '😀😀😀😀']) await expectRefused(w, 'BAD_USER_INPUT', () => send(w, text));
  });

  it('refuses, with BAD_USER_INPUT, updates touching anything but the plain text of a paragraph', async () => {
    const other = await createCast(server, 'Another declaration');
    const otherParagraph = await addParagraph(other.coFacilitator, (await addSection(other.coFacilitator, other.declarationId)).id, { text: 'Theirs.' });
    const blank = (edit: (doc: Y.Doc) => void) => {
      const doc = new Y.Doc();
      edit(doc);
      return Y.encodeStateAsUpdate(doc);
    };
    const refused: Record<string, Uint8Array> = {
      'a Y.Map': await updateOf(w, (doc) => doc.getMap('metadata').set('status', 'final')),
      'a Y.Array': await updateOf(w, (doc) => doc.getArray('order').insert(0, [w.open])),
      'a root that is not a paragraph': await updateOf(w, (doc) => doc.getText('preamble').insert(0, 'Recalling')),
      "another declaration's paragraph": await updateOf(w, (doc) => doc.getText(otherParagraph.id).insert(0, 'Ours.')),
      'a subdocument in a paragraph': blank((doc) => doc.getArray(w.open).insert(0, [new Y.Doc()])),
      'a Y.Map nested in a paragraph': await updateOf(w, (doc) => doc.getText(w.open).insertEmbed(0, new Y.Map())),
      'an embed': await updateOf(w, (doc) => doc.getText(w.open).insertEmbed(0, { image: 'flag.png' })),
      'formatting': await updateOf(w, (doc) => doc.getText(w.open).format(0, 2, { bold: true })),
      'formatted text': await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'Strongly ', { italic: true })),
      'text and a Y.Map together': await updateOf(w, (doc) => {
        doc.getText(w.open).insert(0, 'Also ');
        doc.getMap('metadata').set('status', 'final');
      }),
    };
    for (const [what, update] of Object.entries(refused)) {
      await expectRefused(w, 'BAD_USER_INPUT', () => send(w, update)).catch((error: Error) => {
        throw new Error(`${what}: ${error.message}`);
      });
    }
  });

  it('refuses edits of AGREED, AGREED_AD_REF and DELETED paragraphs with CONFLICT, inserts and deletes alike', async () => {
    for (const paragraph of [w.agreed, w.adRef, w.deleted]) {
      const insert = await updateOf(w, (doc) => doc.getText(paragraph).insert(0, 'Not '));
      const remove = await updateOf(w, (doc) => doc.getText(paragraph).delete(0, 3));
      await expectRefused(w, 'CONFLICT', () => send(w, insert));
      await expectRefused(w, 'CONFLICT', () => send(w, remove));
    }
  });

  it('refuses an update built on one the server never got with CONFLICT, and takes both once the missing one comes first', async () => {
    const { doc } = await serverDoc(w.cast.observer, w.cast.declarationId);
    const text = doc.getText(w.open);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    text.insert(0, 'Firmly, ');
    doc.transact(() => {
      text.insert(7, ' and together');
      text.delete(0, 2); // deletes characters of the first update too
    });
    const [first, second] = updates as [Uint8Array, Uint8Array];
    await expectRefused(w, 'CONFLICT', () => send(w, second));

    const a = await send(w, first);
    const b = await send(w, second);
    expect(b.data!.applyUpdate.seq).toBe(a.data!.applyUpdate.seq + 1);
    const onServer = await serverDoc(w.cast.observer, w.cast.declarationId);
    expect(onServer.doc.getText(w.open).toString()).toBe(text.toString());
    await w.observer.caughtUp(b.data!.applyUpdate.seq);
    expect(w.observer.text(w.open)).toBe(text.toString());
  });

  it('refuses an update over 1 MiB with BAD_USER_INPUT', async () => {
    const big = await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'x'.repeat(1024 * 1024 + 16)));
    expect(big.length).toBeGreaterThan(1024 * 1024);
    await expectRefused(w, 'BAD_USER_INPUT', () => send(w, big));
  });

  it('takes a paragraph up to 100,000 characters, and refuses one character more with BAD_USER_INPUT', async () => {
    const long = await addParagraph(w.cast.coFacilitator, (await addSection(w.cast.coFacilitator, w.cast.declarationId, 'Annex')).id, { text: 'ab' });
    const fill = await updateOf(w, (doc) => doc.getText(long.id).insert(1, 'y'.repeat(100_000 - 2)));
    expect((await send(w, fill)).data?.applyUpdate.seq).toBeGreaterThan(0);
    const oneMore = await updateOf(w, (doc) => doc.getText(long.id).insert(0, 'z'));
    await expectRefused(w, 'BAD_USER_INPUT', () => send(w, oneMore));
    const onServer = await serverDoc(w.cast.observer, w.cast.declarationId);
    expect(onServer.doc.getText(long.id).length).toBe(100_000);
  });

  it('refuses an origin over 200 characters with BAD_USER_INPUT, and takes one of 200', async () => {
    await expectRefused(w, 'BAD_USER_INPUT', () => send(w, valid, undefined, 'o'.repeat(201)));
    const own = await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'We '));
    expect((await send(w, own, undefined, 'o'.repeat(200))).data?.applyUpdate.seq).toBeGreaterThan(0);
  });

  it('acknowledges an update it already has with the current seq, and changes nothing', async () => {
    const update = await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'Indeed, '));
    const { seq } = (await send(w, update)).data!.applyUpdate;
    await expectNothingChanged(w, async () => {
      expect((await send(w, update)).data?.applyUpdate.seq).toBe(seq);
      expect((await send(w, update, w.cast.coFacilitator2, 'someone-else')).data?.applyUpdate.seq).toBe(seq);
    });
  });
});

describe('applyUpdate while the text is frozen', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('refuses updates during the silence procedure with CONFLICT, and takes them again once silence is broken', async () => {
    const w = await world(server);
    const update = await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'We '));
    const deadline = new Date(Date.now() + 3_600_000).toISOString();
    expect((await w.cast.coFacilitator.ok(M.silence, { d: w.cast.declarationId, t: deadline })).startSilenceProcedure.status).toBe('SILENCE_PROCEDURE');
    await expectRefused(w, 'CONFLICT', () => send(w, update), { sentinel: false });

    await w.cast.delegation.ok(M.breakSilence, { d: w.cast.declarationId });
    expect((await send(w, update)).data?.applyUpdate.seq).toBeGreaterThan(0);
    await expectNothingChanged(w, async () => {}); // the observer follows on: the sentinel still arrives
  });

  it('refuses updates to an adopted declaration with CONFLICT', async () => {
    const w = await world(server);
    const update = await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'We '));
    await w.cast.coFacilitator.ok(M.silence, { d: w.cast.declarationId, t: new Date(Date.now() + 1_500).toISOString() });
    await waitFor('adoption at the deadline', async () => (await w.cast.observer.ok(M.declaration, { d: w.cast.declarationId })).declaration.status === 'ADOPTED');
    // No sentinel: nothing can be edited any more.
    await expectRefused(w, 'CONFLICT', () => send(w, update), { sentinel: false });
  });
});

describe('applyUpdate with smaller limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ limits: { updateBytes: 2_048, paragraphChars: 300 } });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('refuses an update over the configured updateBytes, and takes one under it', async () => {
    const w = await world(server);
    const big = await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'x'.repeat(2_100)));
    expect(big.length).toBeGreaterThan(2_048);
    await expectRefused(w, 'BAD_USER_INPUT', () => send(w, big));
    const small = await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'x'.repeat(200)));
    expect(small.length).toBeLessThan(2_048);
    expect((await send(w, small)).data?.applyUpdate.seq).toBeGreaterThan(0);
  });

  it('refuses an update making a paragraph longer than paragraphChars, counting its deletions too', async () => {
    const w = await world(server);
    const length = w.writer.text(w.open).length;
    w.writer.doc.getText(w.open).insert(length, 'x'.repeat(300 - length));
    await w.writer.flushed();
    const oneMore = await updateOf(w, (doc) => doc.getText(w.open).insert(0, 'y'));
    await expectRefused(w, 'BAD_USER_INPUT', () => send(w, oneMore));
    const swap = await updateOf(w, (doc) => {
      doc.getText(w.open).delete(0, 5);
      doc.getText(w.open).insert(0, 'Five!');
    });
    expect((await send(w, swap)).data?.applyUpdate.seq).toBeGreaterThan(0);
    const onServer = await serverDoc(w.cast.observer, w.cast.declarationId);
    expect(onServer.doc.getText(w.open).toString()).toMatch(/^Five!/);
    expect(onServer.doc.getText(w.open).length).toBe(300);
  });
});
