/**
 * Comment anchors follow the text through live edits: co-facilitators type
 * in the paragraph from their replicas (acknowledged `applyUpdate`s), and a
 * comment's anchor keeps covering the text it was made on: shifted by edits
 * before it, grown or shrunk by edits inside it, clipped by deletions over
 * one edge, and orphaned (start and end null, quote kept) once all of it is
 * deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { Replica } from '../support/yjsClient.js';

const TEXT = 'We commit to strengthen regular pathways for migration.';
const QUOTE = 'regular pathways';
const START = TEXT.indexOf(QUOTE);
const END = START + QUOTE.length;

const COMMENT = 'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id anchor { start end quote orphaned } } }';
const ANCHORS = 'query($p: ID!) { paragraph(id: $p) { text comments { id anchor { start end quote orphaned } } } }';

interface Anchor {
  start: number | null;
  end: number | null;
  quote: string;
  orphaned: boolean;
}

describe('comment anchors under live edits', () => {
  let server: TestServer;
  let cast: Cast;
  let sectionId: string;
  let editor: Replica;
  let editor2: Replica;

  beforeAll(async () => {
    server = await startServer({ compaction: { maxUpdates: 20, keepTail: 5, intervalMs: 100 } });
    cast = await createCast(server);
    sectionId = (await addSection(cast.coFacilitator, cast.declarationId)).id;
    editor = new Replica(cast.coFacilitator, cast.declarationId);
    editor2 = new Replica(cast.coFacilitator2, cast.declarationId);
  });
  afterAll(async () => {
    editor?.close();
    editor2?.close();
    await server?.stop({ dropDatabase: true });
  });

  /** A fresh paragraph with TEXT and Mexico's comment on QUOTE, synced to both editors. */
  async function anchoredParagraph(): Promise<{ paragraphId: string; commentId: string }> {
    const paragraph = await addParagraph(cast.coFacilitator, sectionId, { text: TEXT });
    const { addComment } = await cast.delegation.ok(COMMENT, { p: paragraph.id, i: { body: 'Add "and safe".', anchor: { start: START, end: END } } });
    expect(addComment.anchor).toEqual({ start: START, end: END, quote: QUOTE, orphaned: false });
    for (const replica of [editor, editor2]) await replica.connect();
    return { paragraphId: paragraph.id, commentId: addComment.id };
  }

  /** Runs the edits on the replicas (each Yjs call its own update), waits for every acknowledgement, returns the committed text and anchor. */
  async function afterEdits(paragraphId: string, commentId: string, ...edits: [Replica, (text: Y.Text) => void][]) {
    for (const [replica, edit] of edits) edit(replica.doc.getText(paragraphId));
    await Promise.all([editor.flushed(), editor2.flushed()]);
    const data = await cast.observer.ok(ANCHORS, { p: paragraphId });
    const anchor: Anchor = data.paragraph.comments.find((c: { id: string }) => c.id === commentId).anchor;
    return { text: data.paragraph.text as string, anchor };
  }

  /** Types `typed` at `index`, one acknowledged update per keystroke. */
  async function typeAt(replica: Replica, paragraphId: string, index: number, typed: string) {
    for (const [i, ch] of [...typed].entries()) {
      replica.doc.getText(paragraphId).insert(index + i, ch);
      await replica.flushed();
    }
  }

  /** The anchor covers exactly `covered` in `text`, and still quotes the original selection. */
  function expectCovers({ text, anchor }: { text: string; anchor: Anchor }, covered: string) {
    expect(anchor.orphaned).toBe(false);
    expect(anchor.quote).toBe(QUOTE);
    expect(text.slice(anchor.start!, anchor.end!)).toBe(covered);
  }

  it('shifts with text typed and deleted before the range, by both co-facilitators', async () => {
    const { paragraphId, commentId } = await anchoredParagraph();
    const after = await afterEdits(
      paragraphId,
      commentId,
      [editor, (t) => t.insert(3, 'firmly ')],
      [editor2, (t) => t.delete(10, 3)],
      [editor2, (t) => t.insert(0, 'Today ')],
    );
    expect(after.text).toBe('Today We firmly commit strengthen regular pathways for migration.');
    expect(after.anchor).toMatchObject({ start: START + 6 + 7 - 3, end: END + 6 + 7 - 3 });
    expectCovers(after, QUOTE);
  });

  it('stays put when the text after the range changes, and leaves text typed at its edges outside', async () => {
    const { paragraphId, commentId } = await anchoredParagraph();
    const after = await afterEdits(
      paragraphId,
      commentId,
      [editor, (t) => t.insert(t.length - 1, ' in all regions')],
      [editor, (t) => t.insert(END, ' and')],
      [editor2, (t) => t.insert(START, 'more ')],
    );
    expect(after.text).toBe('We commit to strengthen more regular pathways and for migration in all regions.');
    expectCovers(after, QUOTE);
  });

  it('grows with text typed inside the range, keystroke by keystroke', async () => {
    const { paragraphId, commentId } = await anchoredParagraph();
    const typed = ' and safe';
    await typeAt(editor, paragraphId, START + 'regular'.length, typed);
    const after = await afterEdits(paragraphId, commentId);
    expectCovers(after, 'regular and safe pathways');
    expect(after.anchor).toMatchObject({ start: START, end: END + typed.length });
  });

  it('shrinks with text deleted inside the range', async () => {
    const { paragraphId, commentId } = await anchoredParagraph();
    const after = await afterEdits(paragraphId, commentId, [editor2, (t) => t.delete(START + 3, 5)]);
    expectCovers(after, 'regpathways');
    expect(after.anchor).toMatchObject({ start: START, end: END - 5 });
  });

  it('keeps what is left when a deletion covers its start or its end', async () => {
    const overStart = await anchoredParagraph();
    // "strengthen regular" → "strength|ular": deletes "en reg".
    const a = await afterEdits(overStart.paragraphId, overStart.commentId, [editor, (t) => t.delete(START - 3, 6)]);
    expectCovers(a, 'ular pathways');
    expect(a.anchor).toMatchObject({ start: START - 3, end: END - 6 });

    const overEnd = await anchoredParagraph();
    // "pathways for" → "path| for" minus "ways for": deletes "ways for".
    const b = await afterEdits(overEnd.paragraphId, overEnd.commentId, [editor2, (t) => t.delete(END - 4, 8)]);
    expectCovers(b, 'regular path');
    expect(b.text).toBe('We commit to strengthen regular path migration.');
  });

  it('is orphaned when the whole range is deleted, keeping its quote, even once text is typed there again', async () => {
    const exact = await anchoredParagraph();
    const a = await afterEdits(exact.paragraphId, exact.commentId, [editor, (t) => t.delete(START, QUOTE.length)]);
    expect(a.text).toBe('We commit to strengthen  for migration.');
    expect(a.anchor).toEqual({ start: null, end: null, quote: QUOTE, orphaned: true });
    const retyped = await afterEdits(exact.paragraphId, exact.commentId, [editor2, (t) => t.insert(START, QUOTE)]);
    expect(retyped.text).toBe(TEXT);
    expect(retyped.anchor).toEqual({ start: null, end: null, quote: QUOTE, orphaned: true });

    // Deleted piece by piece, by both, within a wider deletion.
    const pieces = await anchoredParagraph();
    const b = await afterEdits(
      pieces.paragraphId,
      pieces.commentId,
      [editor, (t) => t.delete(START + 8, 8)],
      [editor2, (t) => t.delete(START - 11, 19)],
    );
    expect(b.text).toBe('We commit to  for migration.');
    expect(b.anchor).toEqual({ start: null, end: null, quote: QUOTE, orphaned: true });
  });

  it('resolves the same on a fresh server that loads the compacted document', async () => {
    const { paragraphId, commentId } = await anchoredParagraph();
    const created = editor.seq;
    const typed = 'Recalling the 2030 Agenda, ';
    await typeAt(editor, paragraphId, 0, typed);
    const after = await afterEdits(paragraphId, commentId, [editor, (t) => t.delete(typed.length + START + 3, 5)]);
    expectCovers(after, 'regpathways');
    // Fold the log into a snapshot that holds the paragraph and some of the typing
    // (how many updates the typing took depends on batching: compact explicitly).
    const em = server.app.orm.em.fork();
    await server.app.services.compactor.compact(cast.declarationId, 2);
    const [row] = await em.execute<{ seq: number }[]>('select seq from doc_snapshot where declaration_id = ?', [cast.declarationId]);
    expect(row!.seq).toBeGreaterThan(created);

    const fresh = await startServer({ databaseUrl: server.databaseUrl, bootstrapToken: server.bootstrapToken });
    try {
      const data = await fresh.client(cast.observer.token).ok(ANCHORS, { p: paragraphId });
      expect(data.paragraph.text).toBe(after.text);
      expect(data.paragraph.comments.find((c: { id: string }) => c.id === commentId).anchor).toEqual(after.anchor);
    } finally {
      await fresh.stop();
    }
  });
});
