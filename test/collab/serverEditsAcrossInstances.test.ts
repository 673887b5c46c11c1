/**
 * Text the server writes itself (a new paragraph's initial text, an accepted
 * amendment) reaches the `documentUpdates` subscribers of another instance
 * on its own: its `doc` notification is sent in the writing transaction, like
 * the group commit's. Nothing else in this file writes to the document, so a
 * missing notification leaves B's subscriber waiting (until the next
 * `applyUpdate` committed anywhere, which never comes here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPT, PROPOSE } from '../negotiation/negotiation.js';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { Collector, DOCUMENT_UPDATES, fromBase64, Replica, serverDocument } from './collabSupport.js';

interface DocEvent {
  seq: number;
  update: string;
  origin: string | null;
  sync: boolean;
}

const PARAGRAPH_TEXT = 'query($p: ID!) { paragraph(id: $p) { text } }';
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('server edits across two instances', () => {
  let a: TestServer;
  let b: TestServer;
  let cast: Cast;
  let d: string;
  let sectionId: string;
  let observerOnB: GraphQLTestClient;
  let collector: Collector<DocEvent>;
  let sync: DocEvent;

  /** B's subscriber's replica: the sync event, then every live update received so far. */
  function replicaOnB(events: DocEvent[]): Replica {
    const replica = new Replica(d);
    for (const e of events) replica.receive(fromBase64(e.update));
    return replica;
  }

  /** Waits until B's subscriber has every update up to A's current seq; returns its replica. */
  async function bCaughtUpWithA(what: string): Promise<{ replica: Replica; events: DocEvent[]; seq: number }> {
    const { seq } = await serverDocument(cast.observer, d);
    const events = await collector.until((items) => items.at(-1)!.seq >= seq, `B's documentUpdates subscriber to receive ${what} (seq ${seq})`);
    return { replica: replicaOnB(events), events, seq };
  }

  beforeAll(async () => {
    a = await startServer();
    b = await startServer({ databaseUrl: a.databaseUrl, bootstrapToken: a.bootstrapToken });
    cast = await createCast(a, 'Progress Declaration (server edits, two instances)');
    d = cast.declarationId;
    sectionId = (await addSection(cast.coFacilitator, d, 'Introduction')).id;
    observerOnB = b.client(cast.observer.token);
    collector = new Collector<DocEvent>(observerOnB, DOCUMENT_UPDATES, { d, sv: null }, 'documentUpdates');
    [sync] = (await collector.until((items) => items.length >= 1, 'the sync event')) as [DocEvent];
    expect(sync.sync).toBe(true);
  });

  afterAll(async () => {
    collector?.close();
    await b?.stop();
    await a?.stop({ dropDatabase: true });
  });

  it("delivers a paragraph's initial text, added through A, to B's subscriber with no update after it", async () => {
    const text = 'We, the Ministers and representatives of States, have met at United Nations Headquarters.';
    const paragraph = await addParagraph(cast.coFacilitator, sectionId, { text });

    const { replica, events, seq } = await bCaughtUpWithA('the new paragraph');
    expect(events.slice(1).map((e) => e.seq)).toEqual(range(sync.seq + 1, seq));
    expect(events.slice(1).map((e) => [e.origin, e.sync])).toEqual(events.slice(1).map(() => ['server', false]));
    expect(replica.text(paragraph.id)).toBe(text);
    expect((await observerOnB.ok(PARAGRAPH_TEXT, { p: paragraph.id })).paragraph.text).toBe(text);
  });

  it("delivers the replacement made by accepting an amendment through A to B's subscriber, and Paragraph.text on B agrees", async () => {
    const before = 'We note progress in providing accurate and timely information at all stages of migration.';
    const paragraph = await addParagraph(cast.coFacilitator, sectionId, { text: before });
    const quote = 'accurate and timely';
    const start = before.indexOf(quote);
    const amendment = (
      await cast.delegation.ok(PROPOSE, { p: paragraph.id, i: { anchor: { start, end: start + quote.length }, text: 'accurate, timely and accessible' } })
    ).proposeAmendment;
    const seen = (await bCaughtUpWithA('the paragraph the amendment is tabled on')).seq;

    await cast.coFacilitator.ok(ACCEPT, { a: amendment.id });
    const after = before.replace(quote, 'accurate, timely and accessible');

    const { replica, events, seq } = await bCaughtUpWithA('the accepted amendment');
    expect(seq).toBe(seen + 1);
    expect(events.at(-1)).toMatchObject({ seq, origin: 'server', sync: false });
    expect(replica.text(paragraph.id)).toBe(after);
    expect((await observerOnB.ok(PARAGRAPH_TEXT, { p: paragraph.id })).paragraph.text).toBe(after);
    expect((await serverDocument(observerOnB, d)).doc.getText(paragraph.id).toString()).toBe(after);
  });
});
