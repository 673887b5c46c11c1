/**
 * The two live streams, subscribed while writes stream in:
 *  - `documentUpdates`: a sync event, then every committed update exactly
 *    once, in seq order, with no gap; a reconnecting replica gets exactly
 *    what it lacks;
 *  - `changes(after)`: every event after `after`, replayed then live,
 *    exactly once and in order, across reconnects;
 * and text edits reach the change feed coalesced into PARAGRAPH_EDITED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { fingerprint, Replica, serverDoc } from '../support/yjsClient.js';

const CHANGES = 'subscription($d: ID!, $a: Int) { changes(declarationId: $d, after: $a) { seq kind paragraphId text summary } }';
const M = {
  objectives: 'mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id } }',
  comment: 'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id } }',
};

interface Change {
  seq: number;
  kind: string;
  paragraphId: string | null;
  text: string | null;
  summary: string;
}

/** Subscribes `changes(after)` and collects the events. */
function followChanges(client: GraphQLTestClient, declarationId: string, after: number) {
  const events: Change[] = [];
  const errors: unknown[] = [];
  const stop = client.socket().subscribe<{ changes: Change }>(
    { query: CHANGES, variables: { d: declarationId, a: after } },
    { next: (r) => (r.errors ? errors.push(r.errors) : events.push(r.data!.changes)), error: (e) => errors.push(e), complete: () => {} },
  );
  const reached = (seq: number) =>
    waitFor(`changes to reach seq ${seq}`, () => {
      if (errors.length) throw new Error(JSON.stringify(errors));
      return (events.at(-1)?.seq ?? after) >= seq;
    });
  return { events, stop, reached };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A declaration with three paragraphs of text. */
async function drafted(server: TestServer) {
  const cast = await createCast(server);
  const section = await addSection(cast.coFacilitator, cast.declarationId);
  const p: { id: string }[] = [];
  for (const text of ['We reaffirm the Global Compact.', 'We note progress.', 'We commit to act.']) {
    p.push(await addParagraph(cast.coFacilitator, section.id, { text, afterParagraphId: p.at(-1)?.id }));
  }
  return { cast, paragraphIds: p.map((x) => x.id) };
}

/** Appends `count` keystrokes to a paragraph, each acknowledged before the next (so each is its own seq). */
async function typeSlowly(replica: Replica, paragraphId: string, count: number, text = 'migrants ') {
  const ytext = replica.doc.getText(paragraphId);
  for (let i = 0; i < count; i++) {
    ytext.insert(ytext.length, text[i % text.length]!);
    await replica.flushed();
  }
}

describe('live streams', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ editQuietMs: 200, editMaxMs: 1_000 });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  describe('documentUpdates', () => {
    it('gives a subscriber joining mid-burst a sync event, then every seq once, in order, and the server’s document', async () => {
      const { cast, paragraphIds } = await drafted(server);
      const writers = [cast.coFacilitator, cast.coFacilitator2].map((c) => new Replica(c, cast.declarationId));
      for (const w of writers) await w.connect();
      const start = writers[0]!.seq;
      const burst = Promise.all(writers.map((w, i) => typeSlowly(w, paragraphIds[i]!, 60)));
      await waitFor('the burst to be under way', () => writers[0]!.acked >= start + 10);

      const subscriber = new Replica(cast.observer, cast.declarationId);
      const sync = await subscriber.connect();
      await burst;
      const last = Math.max(...(await Promise.all(writers.map((w) => w.flushed()))));
      await subscriber.caughtUp(last);

      expect(sync.sync).toBe(true);
      expect(sync.seq, 'the subscription began during the burst').toBeGreaterThan(start);
      expect(sync.seq).toBeLessThan(last);
      expect(subscriber.received.slice(1).every((e) => !e.sync), 'only the first event is a sync event').toBe(true);
      expect(subscriber.received.map((e) => e.seq)).toEqual(range(sync.seq, last));
      expect(new Set(subscriber.received.slice(1).map((e) => e.origin))).toEqual(new Set(writers.map((w) => w.origin)));

      const onServer = await serverDoc(cast.observer, cast.declarationId);
      expect(fingerprint(subscriber.doc, paragraphIds)).toEqual(fingerprint(onServer.doc, paragraphIds));
      for (const r of [...writers, subscriber]) r.close();
    });

    it('gives a replica reconnecting with its state vector exactly what it lacks, then the updates after it', async () => {
      const { cast, paragraphIds } = await drafted(server);
      const writer = new Replica(cast.coFacilitator, cast.declarationId);
      const reader = new Replica(cast.observer, cast.declarationId);
      await writer.connect();
      await reader.connect();
      await typeSlowly(writer, paragraphIds[0]!, 5);
      await reader.caughtUp(writer.acked);
      reader.disconnect();

      const had = Y.decodeStateVector(Y.encodeStateVector(reader.doc));
      await typeSlowly(writer, paragraphIds[1]!, 12, 'dignity ');
      writer.doc.getText(paragraphIds[0]!).delete(0, 3);
      const missedUpTo = await writer.flushed();

      const sync = await reader.connect();
      expect(sync).toMatchObject({ sync: true, seq: missedUpTo });
      const { from, to } = Y.parseUpdateMeta(sync.update);
      for (const [client, clock] of from) expect(clock, `client ${client} starts where the reader stopped`).toBeGreaterThanOrEqual(had.get(client) ?? 0);
      expect([...to.keys()], 'only the writer has written since').toEqual([writer.doc.clientID]);
      expect(to.get(writer.doc.clientID)).toBe(Y.getState(writer.doc.store, writer.doc.clientID));
      expect(to.get(writer.doc.clientID)! - (from.get(writer.doc.clientID) ?? 0), 'the 12 keystrokes it missed').toBe(12);
      for (const id of paragraphIds) expect(reader.text(id)).toBe(writer.text(id));

      await typeSlowly(writer, paragraphIds[2]!, 2);
      await reader.caughtUp(writer.acked);
      expect(reader.received.slice(-3).map((e) => [e.seq, e.sync])).toEqual([
        [missedUpTo, true],
        [missedUpTo + 1, false],
        [missedUpTo + 2, false],
      ]);
      for (const id of paragraphIds) expect(reader.text(id)).toBe(writer.text(id));
      writer.close();
      reader.close();
    });
  });

  describe('changes', () => {
    /** Two people writing change events concurrently: `count` objective changes and `count` comments. */
    function mutationStream(cast: Cast, paragraphId: string, count: number) {
      return Promise.all([
        (async () => {
          for (let i = 0; i < count; i++) await cast.coFacilitator.ok(M.objectives, { p: paragraphId, o: [1 + (i % 23)] });
        })(),
        (async () => {
          for (let i = 0; i < count; i++) await cast.delegation.ok(M.comment, { p: paragraphId, i: { body: `Mexico, remark ${i + 1}.` } });
        })(),
      ]);
    }

    it('replays every event after n, then streams the live ones, each exactly once and in order', async () => {
      const { cast, paragraphIds } = await drafted(server);
      const n = (await changeLog(cast.observer, cast.declarationId)).length - 4;
      const stream = mutationStream(cast, paragraphIds[0]!, 25);
      await waitFor('the mutations to be under way', async () => (await changeLog(cast.observer, cast.declarationId)).length >= n + 10);

      const feed = followChanges(cast.observer, cast.declarationId, n);
      await stream;
      const log = await changeLog(cast.observer, cast.declarationId);
      await feed.reached(log.at(-1)!.seq);
      expect(feed.events.map((e) => e.seq)).toEqual(range(n + 1, log.at(-1)!.seq));
      expect(feed.events).toEqual(log.slice(n).map(({ seq, kind, paragraphId, text, summary }) => ({ seq, kind, paragraphId, text, summary })));

      await cast.delegation2.ok(M.comment, { p: paragraphIds[1], i: { body: 'Morocco agrees.' } });
      await feed.reached(log.at(-1)!.seq + 1);
      expect(feed.events.at(-1)).toMatchObject({ seq: log.at(-1)!.seq + 1, kind: 'COMMENT_ADDED', summary: 'Morocco commented on paragraph 2' });
      feed.stop();
    });

    it('resumes a subscriber reconnecting with after: <last seq> with no gap and no repeat', async () => {
      const { cast, paragraphIds } = await drafted(server);
      const first = followChanges(cast.observer, cast.declarationId, 0);
      const stream = mutationStream(cast, paragraphIds[1]!, 20);
      await waitFor('some events to arrive', () => first.events.length >= 15);
      first.stop();
      const last = first.events.at(-1)!.seq;
      expect(first.events.map((e) => e.seq)).toEqual(range(1, last));

      // A new connection of the same observer, while the mutations go on.
      const again = followChanges(server.client(cast.observer.token), cast.declarationId, last);
      await stream;
      const log = await changeLog(cast.observer, cast.declarationId);
      await again.reached(log.at(-1)!.seq);
      expect(again.events.map((e) => e.seq)).toEqual(range(last + 1, log.at(-1)!.seq));
      expect(log.at(-1)!.seq, 'events happened while it was away').toBeGreaterThan(last);
      again.stop();
    });
  });

  describe('PARAGRAPH_EDITED', () => {
    it('comes at least once within editMaxMs while someone types without pause, then with the final text', async () => {
      const { cast, paragraphIds } = await drafted(server);
      const [p] = paragraphIds;
      const typist = new Replica(cast.coFacilitator, cast.declarationId);
      await typist.connect();
      const feed = followChanges(cast.observer, cast.declarationId, (await changeLog(cast.observer, cast.declarationId)).length);
      const edited = () => feed.events.filter((e) => e.kind === 'PARAGRAPH_EDITED' && e.paragraphId === p);

      let keystrokes = 0;
      while (edited().length === 0 && keystrokes < 5_000) {
        await typeSlowly(typist, p!, 1, 'x');
        keystrokes += 1;
      }
      expect(keystrokes, 'an event arrived while the typing went on').toBeLessThan(5_000);
      const during = edited()[0]!.text!;
      expect(during.startsWith('We reaffirm the Global Compact.x')).toBe(true);
      expect(typist.text(p!).startsWith(during)).toBe(true);

      await typeSlowly(typist, p!, 3, 'end');
      const final = typist.text(p!);
      await waitFor('an event carrying the final text', () => edited().at(-1)?.text === final);
      expect(edited().length, 'coalesced: far fewer events than keystrokes').toBeLessThan(keystrokes / 2 + 2);
      typist.close();
      feed.stop();
    });
  });
});

describe('PARAGRAPH_EDITED after a burst of edits', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A long editMaxMs: the burst ends well within it, so only the quiet period ends it.
    // The quiet period is long next to one acknowledgement, even on a loaded CI machine.
    server = await startServer({ editQuietMs: 2_000, editMaxMs: 60_000 });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('writes one event per paragraph after the quiet period, carrying its final text', async () => {
    const { cast, paragraphIds } = await drafted(server);
    const [p1, p2, p3] = paragraphIds as [string, string, string];
    const typist = new Replica(cast.coFacilitator, cast.declarationId);
    await typist.connect();
    const before = (await changeLog(cast.observer, cast.declarationId)).length;
    const feed = followChanges(cast.observer, cast.declarationId, before);

    for (let i = 0; i < 30; i++) {
      await typeSlowly(typist, i % 2 === 0 ? p1 : p2, 1, 'abc'[i % 3]);
    }
    typist.doc.getText(p2).delete(0, 3);
    await typist.flushed();
    const texts = { [p1]: typist.text(p1), [p2]: typist.text(p2) };
    const edited = (id: string) => feed.events.filter((e) => e.kind === 'PARAGRAPH_EDITED' && e.paragraphId === id);
    await waitFor('an event for each paragraph', () => edited(p1).length > 0 && edited(p2).length > 0);

    // One more edit elsewhere, and its event: anything still owed for p1 and p2 would have come by now.
    await typeSlowly(typist, p3, 1, '!');
    await waitFor('the event of the later edit', () => edited(p3).length > 0);
    for (const id of [p1, p2]) {
      expect(edited(id), `paragraph ${id}`).toHaveLength(1);
      expect(edited(id)[0]!.text).toBe(texts[id]);
    }
    expect(edited(p1)[0]!.summary).toBe('Ambassador Diallo edited paragraph 1');
    const log = await changeLog(cast.observer, cast.declarationId);
    expect(log.filter((e) => e.kind === 'PARAGRAPH_EDITED').map((e) => [e.paragraphId, e.text])).toEqual(
      feed.events.filter((e) => e.kind === 'PARAGRAPH_EDITED').map((e) => [e.paragraphId, e.text]),
    );
    typist.close();
    feed.stop();
  });
});
