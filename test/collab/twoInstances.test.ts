/**
 * Two server instances on one database, as behind a load balancer: whatever
 * one commits reaches the subscribers of the other (PostgreSQL NOTIFY brings
 * the news, the rows bring the data), the document's and the change feed's
 * seqs stay gapless while both write, and a client may send each update to
 * either instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import {
  CHANGES,
  Collector,
  DOCUMENT_STATE,
  DOCUMENT_UPDATES,
  eventually,
  fromBase64,
  PARAGRAPH_TEXTS,
  Replica,
  sendUpdate,
  serverDocument,
  toBase64,
} from './collabSupport.js';

interface DocEvent {
  seq: number;
  update: string;
  origin: string | null;
  sync: boolean;
}

interface FeedEvent {
  seq: number;
  kind: string;
  paragraphId: string | null;
  text: string | null;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** A subscriber's replica: the sync event, then every live update. */
function replicaOf(declarationId: string, events: DocEvent[]): Replica {
  const replica = new Replica(declarationId);
  for (const e of events) replica.receive(fromBase64(e.update));
  return replica;
}

describe('two server instances on one database', () => {
  let a: TestServer;
  let b: TestServer;
  let cast: Cast;
  let d: string;
  /** The same participants, talking to instance B. */
  let onB: { coFacilitator: GraphQLTestClient; coFacilitator2: GraphQLTestClient; delegation: GraphQLTestClient; observer: () => GraphQLTestClient };
  let sectionId: string;
  const subscriptions: Collector<unknown>[] = [];

  function subscribe<T>(client: GraphQLTestClient, query: string, variables: Record<string, unknown>, field: string): Collector<T> {
    const collector = new Collector<T>(client, query, variables, field);
    subscriptions.push(collector as Collector<unknown>);
    return collector;
  }

  /** Subscribes to documentUpdates and waits for the sync event. */
  async function followDocument(client: GraphQLTestClient) {
    const collector = subscribe<DocEvent>(client, DOCUMENT_UPDATES, { d, sv: null }, 'documentUpdates');
    const [sync] = await collector.until((items) => items.length >= 1, 'the sync event');
    expect(sync!.sync).toBe(true);
    return { collector, sync: sync! };
  }

  async function newParagraph(client: GraphQLTestClient, text: string) {
    return (await addParagraph(client, sectionId, { text })).id;
  }

  /** Types `count` updates, one in flight at a time; each goes to the client `via(k)` chooses. */
  async function type(
    replica: Replica,
    via: (k: number) => GraphQLTestClient,
    count: number,
    paragraphFor: (k: number) => string,
    origin: string,
  ): Promise<{ seq: number; update: string; origin: string }[]> {
    const acks: { seq: number; update: string; origin: string }[] = [];
    for (let k = 0; k < count; k++) {
      const paragraphId = paragraphFor(k);
      const update = replica.edit((doc) => doc.getText(paragraphId).insert(doc.getText(paragraphId).length, ` ${origin}:${k}`));
      const result = await sendUpdate(via(k), d, update, origin);
      if (!result.ok) throw new Error(`${origin} update ${k} was refused: ${result.code} ${result.message}`);
      acks.push({ seq: result.seq, update: toBase64(update), origin });
    }
    return acks;
  }

  /**
   * The change log once the coalesced PARAGRAPH_EDITED events have been
   * written: every paragraph's last edit event carries its text, and no new
   * event has come for longer than the quiet period.
   */
  async function settledChangeLog() {
    let previous = -1;
    return eventually(
      async () => {
        const events = await changeLog(cast.observer, d);
        const { declaration } = await cast.observer.ok(PARAGRAPH_TEXTS, { d });
        const owed = (declaration.paragraphs as { id: string; text: string }[]).some((p) => {
          const last = events.filter((e) => e.paragraphId === p.id && (e.kind === 'PARAGRAPH_EDITED' || e.kind === 'PARAGRAPH_ADDED')).at(-1);
          return last?.text !== p.text;
        });
        const stable = !owed && events.length === previous;
        previous = owed ? -1 : events.length;
        return stable ? events : undefined;
      },
      'the coalesced PARAGRAPH_EDITED events',
      30_000,
      2_500,
    );
  }

  beforeAll(async () => {
    a = await startServer();
    b = await startServer({ databaseUrl: a.databaseUrl, bootstrapToken: a.bootstrapToken });
    cast = await createCast(a, 'Progress Declaration (two instances)');
    d = cast.declarationId;
    onB = {
      coFacilitator: b.client(cast.coFacilitator.token),
      coFacilitator2: b.client(cast.coFacilitator2.token),
      delegation: b.client(cast.delegation.token),
      observer: () => b.client(cast.observer.token),
    };
    sectionId = (await addSection(cast.coFacilitator, d, 'Introduction')).id;
  });

  afterAll(async () => {
    for (const s of subscriptions) s.close();
    await b?.stop();
    await a?.stop({ dropDatabase: true });
  });

  it('delivers updates written through A to documentUpdates subscribers of B, in order and without gaps', async () => {
    const p = await newParagraph(cast.coFacilitator, 'We, the Ministers,');
    const { collector, sync } = await followDocument(onB.observer());
    const writer = new Replica(d);
    await writer.sync(cast.coFacilitator);
    const acks = await type(writer, () => cast.coFacilitator, 40, () => p, 'writer-a');
    const last = acks.at(-1)!.seq;

    const events = await collector.until((items) => items.at(-1)!.seq >= last, `B to see seq ${last}`);
    const live = events.slice(1);
    expect(live.map((e) => e.seq)).toEqual(range(sync.seq + 1, last));
    expect(live.map((e) => e.seq)).toEqual(acks.map((ack) => ack.seq));
    expect(live.map((e) => [e.update, e.origin, e.sync])).toEqual(acks.map((ack) => [ack.update, 'writer-a', false]));
    expect(replicaOf(d, events).text(p)).toBe(writer.text(p));
  });

  it('delivers to the subscribers of both instances every update of two writers on A and B, in one gapless order', async () => {
    const own = { a: await newParagraph(cast.coFacilitator, 'Paragraph of A.'), b: await newParagraph(cast.coFacilitator, 'Paragraph of B.') };
    const shared = await newParagraph(cast.coFacilitator, 'Shared paragraph.');
    const onA = await followDocument(a.client(cast.observer.token));
    const onBSide = await followDocument(onB.observer());
    expect(onBSide.sync.seq).toBe(onA.sync.seq);
    const base = onA.sync.seq;

    const writerA = new Replica(d);
    const writerB = new Replica(d);
    await writerA.sync(cast.coFacilitator);
    await writerB.sync(onB.coFacilitator2);
    const [acksA, acksB] = await Promise.all([
      type(writerA, () => cast.coFacilitator, 50, (k) => (k % 2 ? shared : own.a), 'writer-a'),
      type(writerB, () => onB.coFacilitator2, 50, (k) => (k % 2 ? shared : own.b), 'writer-b'),
    ]);
    const acks = [...acksA, ...acksB].sort((x, y) => x.seq - y.seq);
    expect(acks.map((ack) => ack.seq), 'the acknowledged seqs are the next 100, each once').toEqual(range(base + 1, base + 100));

    for (const [name, side] of Object.entries({ A: onA, B: onBSide })) {
      const events = await side.collector.until((items) => items.at(-1)!.seq >= base + 100, `subscribers of ${name} to see seq ${base + 100}`);
      expect(events.slice(1).map((e) => e.seq), `seqs seen on ${name}`).toEqual(range(base + 1, base + 100));
      expect(
        events.slice(1).map((e) => [e.seq, e.update, e.origin]),
        `updates seen on ${name}`,
      ).toEqual(acks.map((ack) => [ack.seq, ack.update, ack.origin]));
      const replica = replicaOf(d, events);
      for (const p of [own.a, own.b, shared]) {
        expect(replica.text(p), `paragraph ${p} on ${name}`).toBe((await serverDocument(cast.observer, d)).doc.getText(p).toString());
      }
    }
    const [docA, docB] = [await serverDocument(cast.observer, d), await serverDocument(onB.observer(), d)];
    expect(docB.seq).toBe(docA.seq);
    expect(docB.doc.getText(shared).toString()).toBe(docA.doc.getText(shared).toString());
    expect(docA.doc.getText(own.a).toString()).toBe(writerA.text(own.a));
    expect(docA.doc.getText(own.b).toString()).toBe(writerB.text(own.b));
    for (let k = 1; k < 50; k += 2) {
      expect(docA.doc.getText(shared).toString()).toContain(` writer-a:${k}`);
      expect(docA.doc.getText(shared).toString()).toContain(` writer-b:${k}`);
    }
    const texts = async (client: GraphQLTestClient) =>
      Object.fromEntries((await client.ok(PARAGRAPH_TEXTS, { d })).declaration.paragraphs.map((p: { id: string; text: string }) => [p.id, p.text]));
    const [textsA, textsB] = [await texts(cast.observer), await texts(onB.observer())];
    expect(textsB).toEqual(textsA);
    expect(textsA[shared]).toBe(docA.doc.getText(shared).toString());
  });

  it('accepts an update built on one just committed by the other instance (the client alternates A and B)', async () => {
    const p = await newParagraph(cast.coFacilitator, 'Alternating.');
    const writer = new Replica(d);
    await writer.sync(onB.coFacilitator);
    const instances = [cast.coFacilitator, onB.coFacilitator];
    const refused: string[] = [];
    // No read in between: the next update goes to the other instance as soon as the ack arrives.
    for (let k = 0; k < 100; k++) {
      const update = writer.edit((doc) => doc.getText(p).insert(doc.getText(p).length, ` ${k}`));
      const result = await sendUpdate(instances[k % 2]!, d, update, 'alternating');
      if (!result.ok) {
        refused.push(`${k}: ${result.code} ${result.message}`);
        break;
      }
    }
    expect(refused).toEqual([]);
    const text = (await serverDocument(onB.observer(), d)).doc.getText(p).toString();
    expect(text).toBe(writer.text(p));
    expect(text).toBe('Alternating.' + range(0, 99).map((k) => ` ${k}`).join(''));
  });

  it('answers documentState on one instance with the update the other has just acknowledged', async () => {
    const p = await newParagraph(cast.coFacilitator, 'Read your writes.');
    const writer = new Replica(d);
    await writer.sync(cast.coFacilitator);
    const instances = [cast.coFacilitator, onB.coFacilitator];
    const stale: number[] = [];
    for (let k = 0; k < 60; k++) {
      const update = writer.edit((doc) => doc.getText(p).insert(doc.getText(p).length, ` ${k}`));
      const result = await sendUpdate(instances[k % 2]!, d, update, 'reader');
      expect(result.ok).toBe(true);
      const state = (await instances[(k + 1) % 2]!.ok(DOCUMENT_STATE, { d, sv: toBase64(Y.encodeStateVector(writer.doc)) })).documentState;
      const serverVector = Y.decodeStateVector(fromBase64(state.stateVector));
      const covered = [...Y.decodeStateVector(Y.encodeStateVector(writer.doc))].every(([client, clock]) => (serverVector.get(client) ?? 0) >= clock);
      if (result.ok && (state.seq < result.seq || !covered)) stale.push(k);
    }
    expect(stale, 'rounds where the other instance answered without the acknowledged update').toEqual([]);
  });

  it("streams A's mutations to changes subscribers of B, in order", async () => {
    const before = (await changeLog(cast.observer, d)).at(-1)!.seq;
    const feed = subscribe<FeedEvent>(onB.observer(), CHANGES, { d, a: before }, 'changes');

    const section = await addSection(cast.coFacilitator, d, 'Recommended actions');
    const first = await addParagraph(cast.coFacilitator, section.id, { text: 'We commit to strengthen regular pathways.' });
    const second = await addParagraph(cast.coFacilitator, section.id, { text: 'We commit to save lives.', afterParagraphId: first.id });
    await cast.coFacilitator.ok('mutation($p: ID!, $i: MoveParagraphInput!) { moveParagraph(paragraphId: $p, input: $i) { id } }', {
      p: second.id,
      i: { sectionId: section.id },
    });
    await cast.coFacilitator.ok('mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id } }', {
      p: first.id,
      o: [5, 8],
    });
    const comment = (
      await cast.delegation.ok('mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id } }', {
        p: first.id,
        i: { body: 'Mexico welcomes this paragraph.' },
      })
    ).addComment;
    await cast.coFacilitator.ok('mutation($c: ID!) { resolveComment(commentId: $c) { id } }', { c: comment.id });
    const expected = ['SECTION_ADDED', 'PARAGRAPH_ADDED', 'PARAGRAPH_ADDED', 'PARAGRAPH_MOVED', 'PARAGRAPH_OBJECTIVES_CHANGED', 'COMMENT_ADDED', 'COMMENT_RESOLVED'];

    const last = (await changeLog(cast.observer, d)).at(-1)!.seq;
    // A PARAGRAPH_EDITED owed by the tests before may still land after `last`: it is the next test's business.
    const received = (await feed.until((items) => items.length > 0 && items.at(-1)!.seq >= last, `B's feed to reach seq ${last}`)).filter(
      (e) => e.seq <= last,
    );
    const log = (await changeLog(cast.observer, d)).filter((e) => e.seq > before && e.seq <= last);
    expect(received.map((e) => e.seq)).toEqual(range(before + 1, last));
    expect(received).toEqual(log.map((e) => ({ seq: e.seq, kind: e.kind, paragraphId: e.paragraphId, text: e.text })));
    // Coalesced text edits from the tests before may be interleaved; A's mutations come in the order A made them.
    expect(received.map((e) => e.kind).filter((kind) => kind !== 'PARAGRAPH_EDITED')).toEqual(expected);
  });

  describe('when both instances write concurrently', () => {
    let docSubscribers: { name: string; collector: Collector<DocEvent>; sync: DocEvent }[];
    let feedSubscribers: { name: string; collector: Collector<FeedEvent> }[];
    let events: Awaited<ReturnType<typeof changeLog>>;
    let lastDocSeq: number;

    beforeAll(async () => {
      docSubscribers = [
        { name: 'A', ...(await followDocument(a.client(cast.observer.token))) },
        { name: 'B', ...(await followDocument(onB.observer())) },
      ];
      feedSubscribers = [
        { name: 'A', collector: subscribe<FeedEvent>(a.client(cast.observer.token), CHANGES, { d, a: 0 }, 'changes') },
        { name: 'B', collector: subscribe<FeedEvent>(onB.observer(), CHANGES, { d, a: 0 }, 'changes') },
      ];
      const shared = await newParagraph(cast.coFacilitator, 'Both co-facilitators type here.');
      const writerA = new Replica(d);
      const writerB = new Replica(d);
      await writerA.sync(cast.coFacilitator);
      await writerB.sync(onB.coFacilitator2);

      const structure = async (client: GraphQLTestClient, who: string) => {
        let after: string | undefined;
        for (let k = 0; k < 8; k++) {
          after = (await addParagraph(client, sectionId, { text: `Paragraph ${k} added through ${who}.`, afterParagraphId: after })).id;
          await client.ok('mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id } }', {
            p: after,
            o: [1 + k, 23 - k],
          });
        }
      };
      const comments = async (client: GraphQLTestClient, who: string) => {
        for (let k = 0; k < 10; k++) {
          await client.ok('mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id } }', {
            p: shared,
            i: { body: `Comment ${k} through ${who}.` },
          });
        }
      };
      await Promise.all([
        type(writerA, () => cast.coFacilitator, 60, () => shared, 'writer-a'),
        type(writerB, () => onB.coFacilitator2, 60, () => shared, 'writer-b'),
        structure(cast.coFacilitator, 'A'),
        structure(onB.coFacilitator, 'B'),
        comments(cast.delegation, 'A'),
        comments(onB.delegation, 'B'),
      ]);
      events = await settledChangeLog();
      lastDocSeq = (await serverDocument(cast.observer, d)).seq;
    });

    it('numbers the change events 1..N without gaps, the same on both instances', async () => {
      expect(events.map((e) => e.seq)).toEqual(range(1, events.length));
      expect(await changeLog(onB.observer(), d)).toEqual(events);
    });

    it('streams every change event once, in order, to the changes subscribers of both instances', async () => {
      const N = events.length;
      for (const { name, collector } of feedSubscribers) {
        const received = await collector.until((items) => items.length > 0 && items.at(-1)!.seq >= N, `${name}'s feed to reach ${N}`);
        expect(received.map((e) => e.seq), `seqs on ${name}`).toEqual(range(1, N));
        expect(received.map((e) => [e.kind, e.paragraphId, e.text]), `events on ${name}`).toEqual(events.map((e) => [e.kind, e.paragraphId, e.text]));
      }
    });

    it('streams every document update (client and server edits from both instances) once, in seq order, to the subscribers of both', async () => {
      const states = [await serverDocument(cast.observer, d), await serverDocument(onB.observer(), d)];
      for (const { name, collector, sync } of docSubscribers) {
        const received = await collector.until((items) => items.at(-1)!.seq >= lastDocSeq, `${name} to see seq ${lastDocSeq}`);
        expect(received.slice(1).map((e) => e.seq), `seqs on ${name}`).toEqual(range(sync.seq + 1, lastDocSeq));
        const replica = replicaOf(d, received);
        for (const state of states) {
          expect(Y.encodeStateVector(replica.doc)).toEqual(Y.encodeStateVector(state.doc));
          for (const key of state.doc.share.keys()) expect(replica.text(key), `paragraph ${key} on ${name}`).toBe(state.doc.getText(key).toString());
        }
      }
    });

    it('writes no PARAGRAPH_EDITED twice: each one carries a new text, the last one the current text', async () => {
      const { declaration } = await cast.observer.ok(PARAGRAPH_TEXTS, { d });
      let edited = 0;
      for (const p of declaration.paragraphs as { id: string; text: string }[]) {
        const edits = events.filter((e) => e.kind === 'PARAGRAPH_EDITED' && e.paragraphId === p.id);
        if (edits.length === 0) continue;
        edited += 1;
        // Every edit in this file only inserts, so each event must show a longer text than the one before.
        const lengths = edits.map((e) => e.text!.length);
        expect(lengths, `PARAGRAPH_EDITED texts of ${p.id}`).toEqual([...lengths].sort((x, y) => x - y));
        expect(new Set(lengths).size, `distinct PARAGRAPH_EDITED texts of ${p.id}`).toBe(lengths.length);
        expect(edits.at(-1)!.text).toBe(p.text);
      }
      expect(edited).toBeGreaterThanOrEqual(5);
    });
  });
});
