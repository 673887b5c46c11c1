/**
 * Convergence: three co-facilitators type into the declaration at the same
 * time, keystroke by keystroke, each from a Y.Doc of their own synced over
 * `documentUpdates` and `applyUpdate`. Once every keystroke is acknowledged,
 * every replica, the server's document, `Paragraph.text`, an observer's
 * read-only replica and a fresh server started on the same database hold
 * the same document, byte for byte.
 *
 * The log is compacted aggressively meanwhile, so the fresh server loads a
 * snapshot plus a tail rather than one row per keystroke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createCast, invite, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { fingerprint, Replica, serverDoc, toBase64 } from '../support/yjsClient.js';
import { mulberry32 as prng } from '../support/random.js';

const OPS_PER_TYPIST = 300;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz     ,.éüçñ进展تقدمαβ';


/**
 * One typist: `ops` single-character inserts and deletes at random
 * positions of the given paragraphs, each its own Yjs transaction (so its
 * own update), with the event loop turning between keystrokes so that
 * remote updates and acknowledgements interleave with local typing.
 */
async function type(replica: Replica, paragraphIds: string[], seed: number, ops: number): Promise<{ inserts: number; deletes: number }> {
  const random = prng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  let inserts = 0;
  let deletes = 0;
  for (let i = 0; i < ops; i++) {
    const text = replica.doc.getText(paragraphIds[pick(paragraphIds.length)]!);
    if (text.length === 0 || random() < 0.65) {
      text.insert(pick(text.length + 1), ALPHABET[pick(ALPHABET.length)]!);
      inserts += 1;
    } else {
      text.delete(pick(text.length), 1);
      deletes += 1;
    }
    // Sometimes wait for the acknowledgement (the keystroke travels alone), sometimes type on (queued ones go merged).
    const pace = random();
    if (pace < 0.25) await replica.flushed();
    else if (pace < 0.75) await new Promise((resolve) => setImmediate(resolve));
    else await new Promise((resolve) => setTimeout(resolve, pick(3)));
  }
  return { inserts, deletes };
}

const PARAGRAPH_TEXTS = 'query($d: ID!) { declaration(id: $d) { paragraphs { id text } } }';

async function paragraphTexts(client: GraphQLTestClient, declarationId: string, ids: string[]): Promise<Record<string, string>> {
  const { declaration } = await client.ok(PARAGRAPH_TEXTS, { d: declarationId });
  return Object.fromEntries(declaration.paragraphs.filter((p: { id: string }) => ids.includes(p.id)).map((p: { id: string; text: string }) => [p.id, p.text]));
}

describe('three co-facilitators typing at once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ compaction: { maxUpdates: 100, keepTail: 20, intervalMs: 200 } });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  interface Session {
    cast: Cast;
    paragraphIds: string[];
    typists: Replica[];
    observer: Replica;
  }

  /** A declaration with `paragraphs` paragraphs, three co-facilitator replicas and an observer's replica, all synced. */
  async function session(paragraphs: number): Promise<Session> {
    const cast = await createCast(server);
    const third = await invite(server, cast.declarationId, 'CO_FACILITATOR', 'Ambassador Okafor');
    const section = await addSection(cast.coFacilitator, cast.declarationId, 'Introduction');
    const paragraphIds: string[] = [];
    for (let i = 0; i < paragraphs; i++) {
      const added = await addParagraph(cast.coFacilitator, section.id, {
        text: `We, the Ministers, reaffirm paragraph ${i + 1}.`,
        afterParagraphId: paragraphIds.at(-1),
      });
      paragraphIds.push(added.id);
    }
    const typists = [cast.coFacilitator, cast.coFacilitator2, third.client].map((c) => new Replica(c, cast.declarationId));
    const observer = new Replica(cast.observer, cast.declarationId);
    for (const replica of [...typists, observer]) await replica.connect();
    for (const replica of [...typists, observer]) {
      expect(replica.text(paragraphIds[0]!), 'the sync event carries the initial text').toBe('We, the Ministers, reaffirm paragraph 1.');
    }
    return { cast, paragraphIds, typists, observer };
  }

  /** Types concurrently, waits for every acknowledgement and every replica to catch up; returns the last seq. */
  async function typeConcurrently({ typists, observer, paragraphIds }: Session, seed: number): Promise<number> {
    const counts = await Promise.all(typists.map((replica, i) => type(replica, paragraphIds, seed + i, OPS_PER_TYPIST)));
    for (const { inserts, deletes } of counts) expect(inserts + deletes).toBe(OPS_PER_TYPIST);
    const acks = await Promise.all(typists.map((replica) => replica.flushed()));
    const last = Math.max(...acks);
    for (const replica of [...typists, observer]) await replica.caughtUp(last);
    return last;
  }

  /** Every copy of the document agrees with the first typist's, byte for byte. */
  async function expectConverged(s: Session, last: number): Promise<void> {
    const { cast, paragraphIds, typists, observer } = s;
    const reference = fingerprint(typists[0]!.doc, paragraphIds);
    typists.forEach((replica, i) => expect(fingerprint(replica.doc, paragraphIds), `typist ${i + 1}`).toEqual(reference));
    expect(fingerprint(observer.doc, paragraphIds), "the observer's replica").toEqual(reference);

    const onServer = await serverDoc(cast.observer, cast.declarationId);
    expect(onServer.seq, 'documentState.seq is the last acknowledged update').toBe(last);
    expect(toBase64(onServer.stateVector)).toBe(reference.stateVector);
    expect(fingerprint(onServer.doc, paragraphIds), "the server's documentState").toEqual(reference);
    expect(await paragraphTexts(cast.observer, cast.declarationId, paragraphIds), 'Paragraph.text').toEqual(reference.texts);

    const fresh = await startServer({ databaseUrl: server.databaseUrl, bootstrapToken: server.bootstrapToken });
    try {
      const reader = fresh.client(cast.observer.token);
      const reloaded = await serverDoc(reader, cast.declarationId);
      expect(reloaded.seq, 'the fresh server is at the same seq').toBe(last);
      expect(fingerprint(reloaded.doc, paragraphIds), 'a fresh server on the same database').toEqual(reference);
      expect(await paragraphTexts(reader, cast.declarationId, paragraphIds), 'Paragraph.text on the fresh server').toEqual(reference.texts);
    } finally {
      await fresh.stop();
    }
  }

  it('converges when all three type in the same paragraph', async () => {
    const s = await session(1);
    const last = await typeConcurrently(s, 1000);
    expect(s.typists[0]!.text(s.paragraphIds[0]!)).not.toBe('We, the Ministers, reaffirm paragraph 1.');
    await expectConverged(s, last);
    // Every typist's keystrokes are in the document: each one's client id has a clock in the state vector.
    const clocks = Y.decodeStateVector(Y.encodeStateVector(s.typists[0]!.doc));
    for (const replica of s.typists) expect(clocks.get(replica.doc.clientID)).toBeGreaterThan(0);
    for (const replica of [...s.typists, s.observer]) replica.close();
  });

  it('converges when they type across two paragraphs', async () => {
    const s = await session(2);
    const last = await typeConcurrently(s, 2000);
    for (const id of s.paragraphIds) expect(s.typists[0]!.text(id)).not.toMatch(/^We, the Ministers, reaffirm paragraph \d\.$/);
    await expectConverged(s, last);
    for (const replica of [...s.typists, s.observer]) replica.close();
  });

  it('keeps every keystroke a typist queued while one update was in flight, sent merged', async () => {
    const s = await session(1);
    const [typist] = s.typists;
    const before = (await serverDoc(s.cast.observer, s.cast.declarationId)).seq;
    const text = typist!.doc.getText(s.paragraphIds[0]!);
    const typed = ' Safe, orderly and regular migration benefits all.';
    for (const ch of typed) text.insert(text.length, ch);
    const seq = await typist!.flushed();
    expect(seq, 'the first keystroke goes alone, the rest as one merged update').toBe(before + 2);
    const onServer = await serverDoc(s.cast.observer, s.cast.declarationId);
    expect(onServer.seq).toBe(seq);
    expect(onServer.doc.getText(s.paragraphIds[0]!).toString()).toBe(`We, the Ministers, reaffirm paragraph 1.${typed}`);
    for (const replica of [...s.typists, s.observer]) await replica.caughtUp(seq);
    for (const replica of [...s.typists, s.observer]) expect(replica.text(s.paragraphIds[0]!)).toBe(`We, the Ministers, reaffirm paragraph 1.${typed}`);
    for (const replica of [...s.typists, s.observer]) replica.close();
  });
});
