/**
 * Nothing lives only in memory: a server started on the database of a
 * stopped one serves the same declaration (structure, Yjs texts, labels,
 * comments and their anchors), knows the same tokens, and continues the
 * change log where it stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';

const FULL_DECLARATION = `query($d: ID!) {
  declaration(id: $d) {
    id title forum status silenceDeadline createdAt updatedAt
    participants { id name role delegation }
    sections {
      id title position
      paragraphs { id label number }
    }
    paragraphs {
      id number label text status objectives updatedAt
      section { id title position }
      comments {
        id body resolved createdAt editedAt
        author { id name role delegation }
        anchor { start end quote orphaned }
        replyTo { id }
        replies {
          id body resolved createdAt editedAt
          author { id name role delegation }
          anchor { start end quote orphaned }
          replyTo { id }
        }
      }
    }
  }
}`;

const M = {
  move: 'mutation($p: ID!, $i: MoveParagraphInput!) { moveParagraph(paragraphId: $p, input: $i) { id } }',
  status: 'mutation($p: ID!, $s: ParagraphStatus!) { setParagraphStatus(paragraphId: $p, status: $s) { id } }',
  objectives: 'mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id } }',
  comment: 'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id anchor { start end quote orphaned } } }',
  edit: 'mutation($c: ID!, $b: String!) { editComment(commentId: $c, body: $b) { id } }',
  resolve: 'mutation($c: ID!) { resolveComment(commentId: $c) { id } }',
};

const CHANGE_LOG = 'query($d: ID!, $a: Int) { changeLog(declarationId: $d, after: $a, first: 1000) { seq kind summary paragraphId commentId text } }';

const TEXTS = {
  intro: 'We, the Ministers and representatives of States, have gathered at United Nations Headquarters.',
  vision: 'We reaffirm that the Global Compact is rooted in the 2030 Agenda for Sustainable Development.',
  unity: 'We recognise that no State can address migration alone.',
  progress: 'We note with appreciation the progress made in implementing the Global Compact — «progrès» 进展 تقدم.',
  gaps: 'We are concerned that migrants continue to face discrimination.',
  action: 'We commit to strengthen regular pathways.',
};

describe('a server restarted on the same database', () => {
  let first: TestServer | null = null;
  let second: TestServer | null = null;
  let cast: Cast;
  let before: unknown;
  let logBefore: { seq: number }[];
  let viewersBefore: Record<string, unknown>;

  beforeAll(async () => {
    first = await startServer();
    cast = await createCast(first, 'Progress Declaration of the IMRF');
    const d = cast.declarationId;
    const intro = await addSection(cast.coFacilitator, d, 'Introduction');
    const progress = await addSection(cast.coFacilitator2, d, 'Progress, challenges and gaps');
    const actions = await addSection(cast.coFacilitator, d, 'Recommended actions');

    const p1 = await addParagraph(cast.coFacilitator, intro.id, { text: TEXTS.intro, objectives: [23] });
    const p2 = await addParagraph(cast.coFacilitator, intro.id, { text: TEXTS.vision, afterParagraphId: p1.id });
    const p3 = await addParagraph(cast.coFacilitator2, intro.id, { text: TEXTS.unity, afterParagraphId: p2.id });
    const p4 = await addParagraph(cast.coFacilitator2, progress.id, { text: TEXTS.progress, objectives: [1, 16, 17] });
    const p5 = await addParagraph(cast.coFacilitator, progress.id, { text: TEXTS.gaps, afterParagraphId: p4.id });
    const p6 = await addParagraph(cast.coFacilitator, actions.id, { text: TEXTS.action, objectives: [5] });
    const empty = await addParagraph(cast.coFacilitator, actions.id, { afterParagraphId: p6.id });

    // Restructure: "unity" moves to the actions; "vision" goes before "intro".
    await cast.coFacilitator.ok(M.move, { p: p3.id, i: { sectionId: actions.id, afterParagraphId: p6.id } });
    await cast.coFacilitator2.ok(M.move, { p: p2.id, i: { sectionId: intro.id } });
    await cast.coFacilitator.ok(M.status, { p: p1.id, s: 'AGREED' });
    await cast.coFacilitator.ok(M.status, { p: p5.id, s: 'AGREED_AD_REF' });
    await cast.coFacilitator2.ok(M.status, { p: empty.id, s: 'DELETED' });
    await cast.coFacilitator2.ok(M.objectives, { p: p5.id, o: [17, 7] });

    const quote = (text: string, part: string) => ({ start: text.indexOf(part), end: text.indexOf(part) + part.length });
    const c1 = (await cast.delegation.ok(M.comment, { p: p4.id, i: { body: 'Mexico asks to name the objectives.', anchor: quote(TEXTS.progress, 'progress made') } })).addComment;
    expect(c1.anchor).toEqual({ ...quote(TEXTS.progress, 'progress made'), quote: 'progress made', orphaned: false });
    await cast.delegation2.ok(M.comment, { p: p4.id, i: { body: 'Morocco supports Mexico.', replyTo: c1.id } });
    await cast.stakeholder.ok(M.comment, { p: p4.id, i: { body: 'Civil society recalls the whole-of-society approach.', replyTo: c1.id } });
    const c2 = (await cast.stakeholder.ok(M.comment, { p: p4.id, i: { body: 'Non-Latin text is anchored too.', anchor: quote(TEXTS.progress, '进展 تقدم') } })).addComment;
    const c3 = (await cast.delegation2.ok(M.comment, { p: p5.id, i: { body: 'Add "and xenophobia".', anchor: quote(TEXTS.gaps, 'discrimination') } })).addComment;
    expect(await cast.delegation.errorCode(M.edit, { c: c3.id, b: 'Hm.' }), 'only the author edits').toBe('FORBIDDEN');
    await cast.delegation2.ok(M.edit, { c: c3.id, b: 'Add "racism and xenophobia".' });
    const c4 = (await cast.secretariat.ok(M.comment, { p: p1.id, i: { body: 'Agreed at the informal consultations.' } })).addComment;
    await cast.coFacilitator.ok(M.comment, { p: p1.id, i: { body: 'Thank you.', replyTo: c4.id } });
    await cast.coFacilitator.ok(M.resolve, { c: c4.id });
    await cast.delegation.ok(M.comment, { p: p6.id, i: { body: 'An empty anchor marks a point.', anchor: { start: 6, end: 6 } } });
    expect(c2.anchor.orphaned).toBe(false);

    before = await cast.secretariat.ok(FULL_DECLARATION, { d });
    logBefore = (await cast.observer.ok(CHANGE_LOG, { d })).changeLog;
    viewersBefore = {};
    for (const [name, client] of Object.entries(roles(cast))) viewersBefore[name] = (await client.ok('{ viewer { id name role delegation } }')).viewer;

    const { databaseUrl, bootstrapToken } = first;
    await first.stop();
    first = null;
    second = await startServer({ databaseUrl, bootstrapToken });
  });

  afterAll(async () => {
    await first?.stop({ dropDatabase: true });
    await second?.stop({ dropDatabase: true });
  });

  /** The cast's clients by role. */
  function roles(c: Cast) {
    return {
      secretariat: c.secretariat,
      coFacilitator: c.coFacilitator,
      coFacilitator2: c.coFacilitator2,
      delegation: c.delegation,
      delegation2: c.delegation2,
      stakeholder: c.stakeholder,
      observer: c.observer,
    };
  }

  /** The same participant's client on the second server. */
  const on = (server: TestServer, client: { token: string | null }) => server.client(client.token);

  it('was built as intended before the restart', () => {
    const declaration = (before as any).declaration;
    expect(declaration.paragraphs.map((p: any) => [p.label, p.number, p.status, p.text])).toEqual([
      ['1', 1, 'OPEN', TEXTS.vision],
      ['2', 2, 'AGREED', TEXTS.intro],
      ['3', 3, 'OPEN', TEXTS.progress],
      ['4', 4, 'AGREED_AD_REF', TEXTS.gaps],
      ['5', 5, 'OPEN', TEXTS.action],
      ['6', 6, 'OPEN', TEXTS.unity],
      ['6 bis', null, 'DELETED', ''],
    ]);
    const comments = declaration.paragraphs.flatMap((p: any) => p.comments.flatMap((c: any) => [c, ...c.replies]));
    expect(comments).toHaveLength(8);
    expect(comments.filter((c: any) => c.anchor).map((c: any) => c.anchor.quote)).toEqual(['progress made', '进展 تقدم', 'discrimination', '']);
  });

  it('serves the full declaration as identical JSON', async () => {
    const after = await on(second!, cast.secretariat).ok(FULL_DECLARATION, { d: cast.declarationId });
    expect(after).toEqual(before);
  });

  it('still resolves the anchors in the Yjs texts', async () => {
    const data = await on(second!, cast.observer).ok(
      'query($d: ID!) { declaration(id: $d) { paragraphs { text comments { anchor { start end quote orphaned } } } } }',
      { d: cast.declarationId },
    );
    const anchored = data.declaration.paragraphs.flatMap((p: any) =>
      p.comments.filter((c: any) => c.anchor).map((c: any) => ({ text: p.text as string, ...c.anchor })),
    );
    expect(anchored).toHaveLength(4);
    for (const a of anchored) {
      expect(a.orphaned).toBe(false);
      expect(a.text.slice(a.start, a.end)).toBe(a.quote);
    }
  });

  it('knows every token it handed out, and the same bootstrap token', async () => {
    for (const [name, client] of Object.entries(roles(cast))) {
      const { viewer } = await on(second!, client).ok('{ viewer { id name role delegation } }');
      expect(viewer, name).toEqual(viewersBefore[name]);
    }
    const { declarations } = await second!.client().ok('{ declarations { id } }');
    expect(declarations).toEqual([{ id: cast.declarationId }]);
  });

  it('continues the change log from N+1, and edits the reloaded text', async () => {
    const N = logBefore.length;
    expect(logBefore.map((e) => e.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const coFacilitator = on(second!, cast.coFacilitator);
    const delegation = on(second!, cast.delegation);
    const sections = (await coFacilitator.ok('query($d: ID!) { declaration(id: $d) { sections { id paragraphs { id text } } } }', { d: cast.declarationId }))
      .declaration.sections;
    const added = await addParagraph(coFacilitator, sections[2].id, { text: 'We decide to meet again in 2026.' });
    const progress = sections[1].paragraphs[0];
    const comment = (await delegation.ok(M.comment, { p: progress.id, i: { body: 'On "Global Compact".', anchor: { start: progress.text.indexOf('Global Compact'), end: progress.text.indexOf('Global Compact') + 14 } } }))
      .addComment;
    expect(comment.anchor).toMatchObject({ quote: 'Global Compact', orphaned: false });

    const log = (await on(second!, cast.observer).ok(CHANGE_LOG, { d: cast.declarationId })).changeLog;
    expect(log.slice(0, N)).toEqual(logBefore);
    expect(log.slice(N)).toMatchObject([
      { seq: N + 1, kind: 'PARAGRAPH_ADDED', paragraphId: added.id, text: 'We decide to meet again in 2026.', summary: 'Ambassador Diallo added paragraph 5' },
      { seq: N + 2, kind: 'COMMENT_ADDED', commentId: comment.id, summary: 'Mexico commented on paragraph 3' },
    ]);
  });
});
