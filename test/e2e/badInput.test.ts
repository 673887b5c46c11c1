/**
 * Bad input, end to end: every malformed, out-of-range or dangling input gets
 * its contract code (`extensions.code`) and changes nothing — no row, no Yjs
 * update, no change event. Each refusal is checked against a snapshot of
 * both declarations (as the API shows them), their change logs, and the row
 * count of every table, taken just before and just after the request.
 *
 * Ids: the target of an operation (the declaration, section, paragraph or
 * comment it acts on) that does not exist is NOT_FOUND; a reference inside
 * the input (afterSectionId, afterParagraphId, replyTo, moveParagraph's
 * sectionId) that is not in that declaration or section is BAD_USER_INPUT:
 * the target exists, the request about it is malformed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLErrorShape, GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, createDeclaration, invite, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';

const UNKNOWN_UUID = '6f1c2b4e-9d7a-4c3e-8b21-5a0f3e9d7c11';
const UNKNOWN_IDS = [
  { kind: 'a well-formed UUID that does not exist', id: UNKNOWN_UUID },
  { kind: 'a malformed id', id: 'nope' },
  // An empty string is no id at all; as a reference it must not be taken for "absent" (that is null).
  { kind: 'an empty id', id: '' },
];

const TEXT1 = 'We recognize the progress made in implementing the Global Compact.';

const ADD_SECTION = 'mutation($d: ID!, $i: AddSectionInput!) { addSection(declarationId: $d, input: $i) { id } }';
const ADD_PARAGRAPH = 'mutation($s: ID!, $i: AddParagraphInput!) { addParagraph(sectionId: $s, input: $i) { id text objectives } }';
const MOVE_PARAGRAPH = 'mutation($p: ID!, $i: MoveParagraphInput!) { moveParagraph(paragraphId: $p, input: $i) { id } }';
const SET_STATUS = 'mutation($p: ID!, $s: ParagraphStatus!) { setParagraphStatus(paragraphId: $p, status: $s) { id status } }';
const SET_OBJECTIVES = 'mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id objectives } }';
const ADD_COMMENT =
  'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id body replyTo { id } anchor { start end quote orphaned } } }';
const EDIT_COMMENT = 'mutation($c: ID!, $b: String!) { editComment(commentId: $c, body: $b) { id body } }';
const RESOLVE_COMMENT = 'mutation($c: ID!) { resolveComment(commentId: $c) { id resolved } }';
const REOPEN_COMMENT = 'mutation($c: ID!) { reopenComment(commentId: $c) { id resolved } }';
const CREATE_DECLARATION = 'mutation($i: CreateDeclarationInput!) { createDeclaration(input: $i) { id title forum } }';
const INVITE = 'mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { participant { id name delegation } } }';
const CHANGE_LOG = 'query($d: ID!, $a: Int, $f: Int) { changeLog(declarationId: $d, after: $a, first: $f) { seq } }';

/** Everything the secretariat can see: every declaration with its structure, text, comments and participants. */
const EVERYTHING = `{
  declarations {
    id title forum status
    participants { id name role delegation }
    sections {
      id title position
      paragraphs {
        id label number text status objectives
        comments {
          id body resolved replyTo { id }
          anchor { start end quote orphaned }
          replies { id body resolved }
        }
      }
    }
  }
}`;

describe('bad input', () => {
  let server: TestServer;
  let cast: Cast;
  let admin: GraphQLTestClient;
  let db: pg.Client;
  /** This declaration: sections A (p1, p2) and B (p3); comment c1 on p1, c3 on p3. */
  let sectionA: string;
  let sectionB: string;
  let p1: string;
  let p2: string;
  let p3: string;
  let c1: string;
  let c3: string;
  /** Another declaration, with a section, a paragraph and a comment of its own. */
  let other: { declarationId: string; section: string; paragraph: string; comment: string };

  beforeAll(async () => {
    server = await startServer();
    admin = server.client();
    cast = await createCast(server);
    const co = cast.coFacilitator;
    sectionA = (await addSection(co, cast.declarationId, 'Introduction')).id;
    sectionB = (await addSection(co, cast.declarationId, 'Progress, challenges and gaps')).id;
    p1 = (await addParagraph(co, sectionA, { text: TEXT1, objectives: [1, 23] })).id;
    p2 = (await addParagraph(co, sectionA, { text: 'We reaffirm the guiding principles.', afterParagraphId: p1 })).id;
    p3 = (await addParagraph(co, sectionB, { text: 'Progress remains uneven.' })).id;
    c1 = (await cast.delegation.ok(ADD_COMMENT, { p: p1, i: { body: 'Mexico would prefer "welcome".' } })).addComment.id;
    c3 = (await cast.stakeholder.ok(ADD_COMMENT, { p: p3, i: { body: 'Name the gaps.' } })).addComment.id;

    const otherId = await createDeclaration(admin, 'Another declaration');
    const otherCo = (await invite(server, otherId, 'CO_FACILITATOR', 'Ambassador Other')).client;
    const otherSection = (await addSection(otherCo, otherId, 'Elsewhere')).id;
    const otherParagraph = (await addParagraph(otherCo, otherSection, { text: 'Another text.' })).id;
    const otherComment = (await otherCo.ok(ADD_COMMENT, { p: otherParagraph, i: { body: 'Elsewhere.' } })).addComment.id;
    other = { declarationId: otherId, section: otherSection, paragraph: otherParagraph, comment: otherComment };

    db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await server?.stop({ dropDatabase: true });
  });

  /** Row counts of every table of the server's database, in one statement. */
  async function rowCounts(): Promise<Record<string, number>> {
    const tables = await db.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    );
    const counts = await db.query<Record<string, string>>(
      `select ${tables.rows.map(({ name }) => `(select count(*) from "${name}") as "${name}"`).join(', ')}`,
    );
    return Object.fromEntries(Object.entries(counts.rows[0]!).map(([name, n]) => [name, Number(n)]));
  }

  async function snapshot() {
    return {
      everything: await admin.ok(EVERYTHING),
      changeLog: await changeLog(admin, cast.declarationId),
      otherChangeLog: await changeLog(admin, other.declarationId),
      rows: await rowCounts(),
    };
  }

  /**
   * Sends the operation and expects it to fail with `code` alone, having
   * changed nothing at all. Returns the errors for further checks.
   */
  async function expectRefused(client: GraphQLTestClient, query: string, variables: Record<string, unknown>, code: string) {
    const before = await snapshot();
    const result = await client.query(query, variables);
    const codes = (result.errors ?? []).map((e) => e.extensions?.code);
    expect(codes.length, JSON.stringify(result)).toBeGreaterThan(0);
    expect([...new Set(codes)], JSON.stringify(result.errors)).toEqual([code]);
    expect(await snapshot()).toEqual(before);
    return result.errors!;
  }

  describe('unknown ids', () => {
    describe.each(UNKNOWN_IDS)('given $kind', ({ id }) => {
      it('the declaration query is NOT_FOUND', async () => {
        for (const client of [admin, cast.coFacilitator, cast.observer]) {
          await expectRefused(client, 'query($d: ID!) { declaration(id: $d) { id } }', { d: id }, 'NOT_FOUND');
        }
      });

      it('the paragraph query is NOT_FOUND', async () => {
        await expectRefused(cast.delegation, 'query($p: ID!) { paragraph(id: $p) { id } }', { p: id }, 'NOT_FOUND');
      });

      it('the change log of an unknown declaration is NOT_FOUND', async () => {
        await expectRefused(admin, CHANGE_LOG, { d: id }, 'NOT_FOUND');
      });

      it('adding a section to an unknown declaration is NOT_FOUND and writes nothing', async () => {
        await expectRefused(cast.coFacilitator, ADD_SECTION, { d: id, i: { title: 'Orphan section' } }, 'NOT_FOUND');
      });

      it('inviting into an unknown declaration is NOT_FOUND and writes nothing', async () => {
        await expectRefused(admin, INVITE, { d: id, i: { name: 'Delegate of Nowhere', role: 'DELEGATION' } }, 'NOT_FOUND');
      });

      it('adding a paragraph to an unknown section is NOT_FOUND and writes nothing', async () => {
        await expectRefused(cast.coFacilitator, ADD_PARAGRAPH, { s: id, i: { text: 'Lost.' } }, 'NOT_FOUND');
      });

      it('moving, setting the status or the objectives of an unknown paragraph is NOT_FOUND and writes nothing', async () => {
        await expectRefused(cast.coFacilitator, MOVE_PARAGRAPH, { p: id, i: { sectionId: sectionA } }, 'NOT_FOUND');
        await expectRefused(cast.coFacilitator, SET_STATUS, { p: id, s: 'AGREED' }, 'NOT_FOUND');
        await expectRefused(cast.coFacilitator, SET_OBJECTIVES, { p: id, o: [3] }, 'NOT_FOUND');
      });

      it('commenting on an unknown paragraph is NOT_FOUND and writes nothing', async () => {
        await expectRefused(cast.delegation, ADD_COMMENT, { p: id, i: { body: 'Hello?' } }, 'NOT_FOUND');
      });

      it('editing, resolving or reopening an unknown comment is NOT_FOUND and writes nothing', async () => {
        await expectRefused(cast.delegation, EDIT_COMMENT, { c: id, b: 'Edited.' }, 'NOT_FOUND');
        await expectRefused(cast.delegation, RESOLVE_COMMENT, { c: id }, 'NOT_FOUND');
        await expectRefused(cast.delegation, REOPEN_COMMENT, { c: id }, 'NOT_FOUND');
      });

      it('an unknown afterSectionId is BAD_USER_INPUT and adds no section', async () => {
        const errors = await expectRefused(
          cast.coFacilitator,
          ADD_SECTION,
          { d: cast.declarationId, i: { title: 'Annex', afterSectionId: id } },
          'BAD_USER_INPUT',
        );
        expect(errors[0]!.message).toContain('afterSectionId');
      });

      it('an unknown afterParagraphId is BAD_USER_INPUT and adds no paragraph', async () => {
        const errors = await expectRefused(
          cast.coFacilitator,
          ADD_PARAGRAPH,
          { s: sectionA, i: { text: 'New.', afterParagraphId: id } },
          'BAD_USER_INPUT',
        );
        expect(errors[0]!.message).toContain('afterParagraphId');
      });

      it("an unknown sectionId or afterParagraphId in a move is BAD_USER_INPUT and moves nothing", async () => {
        await expectRefused(cast.coFacilitator, MOVE_PARAGRAPH, { p: p1, i: { sectionId: id } }, 'BAD_USER_INPUT');
        await expectRefused(cast.coFacilitator, MOVE_PARAGRAPH, { p: p1, i: { sectionId: sectionB, afterParagraphId: id } }, 'BAD_USER_INPUT');
      });

      it('an unknown replyTo is BAD_USER_INPUT and adds no comment', async () => {
        const errors = await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body: 'Agreed.', replyTo: id } }, 'BAD_USER_INPUT');
        expect(errors[0]!.message).toContain('replyTo');
      });
    });

    it('a null reference means absent: the new section goes last, the new paragraph first, the comment starts a thread', async () => {
      const section = await cast.coFacilitator.ok(
        'mutation($d: ID!, $i: AddSectionInput!) { addSection(declarationId: $d, input: $i) { id position } }',
        { d: cast.declarationId, i: { title: 'Annex', afterSectionId: null } },
      );
      const sections = (await cast.observer.ok('query($d: ID!) { declaration(id: $d) { sections { id } } }', { d: cast.declarationId }))
        .declaration.sections;
      expect(sections.at(-1).id).toBe(section.addSection.id);
      const first = await addParagraph(cast.coFacilitator, section.addSection.id, { text: 'Second.', afterParagraphId: null });
      const before = await addParagraph(cast.coFacilitator, section.addSection.id, { text: 'First.', afterParagraphId: null });
      const order = (await cast.observer.ok('query($d: ID!) { declaration(id: $d) { sections { paragraphs { id } } } }', { d: cast.declarationId }))
        .declaration.sections.at(-1).paragraphs.map((p: { id: string }) => p.id);
      expect(order).toEqual([before.id, first.id]);
      const comment = await cast.delegation.ok(ADD_COMMENT, { p: first.id, i: { body: 'A thread.', replyTo: null } });
      expect(comment.addComment.replyTo).toBeNull();
    });

    describe("an id of another declaration's", () => {
      it('paragraph or section, as the target of a co-facilitator of this one, is NOT_FOUND', async () => {
        await expectRefused(cast.coFacilitator, ADD_PARAGRAPH, { s: other.section, i: { text: 'Intrusion.' } }, 'NOT_FOUND');
        await expectRefused(cast.coFacilitator, SET_STATUS, { p: other.paragraph, s: 'DELETED' }, 'NOT_FOUND');
        await expectRefused(cast.delegation, ADD_COMMENT, { p: other.paragraph, i: { body: 'Intrusion.' } }, 'NOT_FOUND');
        await expectRefused(cast.delegation, RESOLVE_COMMENT, { c: other.comment }, 'NOT_FOUND');
        await expectRefused(cast.observer, 'query($p: ID!) { paragraph(id: $p) { id } }', { p: other.paragraph }, 'NOT_FOUND');
      });

      it('section, as afterSectionId, is BAD_USER_INPUT', async () => {
        await expectRefused(
          cast.coFacilitator,
          ADD_SECTION,
          { d: cast.declarationId, i: { title: 'Annex', afterSectionId: other.section } },
          'BAD_USER_INPUT',
        );
      });

      it('paragraph, as afterParagraphId, is BAD_USER_INPUT', async () => {
        await expectRefused(
          cast.coFacilitator,
          ADD_PARAGRAPH,
          { s: sectionA, i: { text: 'New.', afterParagraphId: other.paragraph } },
          'BAD_USER_INPUT',
        );
      });

      it("section, as a move's destination, is BAD_USER_INPUT", async () => {
        await expectRefused(cast.coFacilitator, MOVE_PARAGRAPH, { p: p1, i: { sectionId: other.section } }, 'BAD_USER_INPUT');
      });

      it('comment, as replyTo, is BAD_USER_INPUT', async () => {
        await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body: 'Agreed.', replyTo: other.comment } }, 'BAD_USER_INPUT');
      });
    });
  });

  describe('empty or whitespace-only text', () => {
    const BLANKS = ['', '   ', ' \n\t '];

    it.each(BLANKS)('a declaration title %j is BAD_USER_INPUT and creates nothing', async (title) => {
      const errors = await expectRefused(admin, CREATE_DECLARATION, { i: { title, forum: 'IMRF' } }, 'BAD_USER_INPUT');
      expect(errors[0]!.message).toContain('title');
    });

    it.each(BLANKS)('a section title %j is BAD_USER_INPUT and adds no section', async (title) => {
      await expectRefused(cast.coFacilitator, ADD_SECTION, { d: cast.declarationId, i: { title } }, 'BAD_USER_INPUT');
    });

    it.each(BLANKS)('a participant name %j is BAD_USER_INPUT and invites nobody', async (name) => {
      const errors = await expectRefused(admin, INVITE, { d: cast.declarationId, i: { name, role: 'OBSERVER' } }, 'BAD_USER_INPUT');
      expect(errors[0]!.message).toContain('name');
    });

    it.each(BLANKS)('a comment body %j is BAD_USER_INPUT, as a new comment, a reply or an edit', async (body) => {
      await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body } }, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body, replyTo: c1 } }, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, EDIT_COMMENT, { c: c1, b: body }, 'BAD_USER_INPUT');
    });
  });

  describe('objectives', () => {
    const OUT_OF_RANGE = [[0], [24], [-1], [3, 24], [1, 2, 0]].map((objectives) => ({ objectives }));

    it.each(OUT_OF_RANGE)('addParagraph with objectives $objectives is BAD_USER_INPUT and adds no paragraph', async ({ objectives }) => {
      const errors = await expectRefused(
        cast.coFacilitator,
        ADD_PARAGRAPH,
        { s: sectionA, i: { text: 'Tagged.', objectives } },
        'BAD_USER_INPUT',
      );
      expect(errors[0]!.message).toContain('objectives');
    });

    it.each(OUT_OF_RANGE)('setParagraphObjectives with $objectives is BAD_USER_INPUT and leaves the objectives as they were', async ({ objectives }) => {
      await expectRefused(cast.coFacilitator, SET_OBJECTIVES, { p: p1, o: objectives }, 'BAD_USER_INPUT');
      const data = await cast.observer.ok('query($p: ID!) { paragraph(id: $p) { objectives } }', { p: p1 });
      expect(data.paragraph.objectives).toEqual([1, 23]);
    });

    it('addParagraph deduplicates and sorts the objectives it is given', async () => {
      const paragraph = await addParagraph(cast.coFacilitator, sectionB, { text: 'Sorted.', afterParagraphId: p3, objectives: [23, 7, 1, 7, 23, 12] });
      expect(paragraph.objectives).toEqual([1, 7, 12, 23]);
      const data = await cast.observer.ok('query($p: ID!) { paragraph(id: $p) { objectives } }', { p: paragraph.id });
      expect(data.paragraph.objectives).toEqual([1, 7, 12, 23]);
    });

    it('setParagraphObjectives deduplicates and sorts, and an empty list clears them', async () => {
      const paragraph = await addParagraph(cast.coFacilitator, sectionB, { text: 'Retagged.', afterParagraphId: p3 });
      const set = await cast.coFacilitator.ok(SET_OBJECTIVES, { p: paragraph.id, o: [18, 2, 18, 5, 2] });
      expect(set.setParagraphObjectives.objectives).toEqual([2, 5, 18]);
      const read = await cast.observer.ok('query($p: ID!) { paragraph(id: $p) { objectives } }', { p: paragraph.id });
      expect(read.paragraph.objectives).toEqual([2, 5, 18]);
      const cleared = await cast.coFacilitator.ok(SET_OBJECTIVES, { p: paragraph.id, o: [] });
      expect(cleared.setParagraphObjectives.objectives).toEqual([]);
    });
  });

  describe('comment anchors', () => {
    const L = TEXT1.length;
    const OUTSIDE = [
      { what: 'start > end', anchor: { start: 10, end: 3 } },
      { what: 'end > length', anchor: { start: 0, end: L + 1 } },
      { what: 'start and end past the end', anchor: { start: L + 1, end: L + 5 } },
      { what: 'a negative start', anchor: { start: -1, end: 5 } },
      { what: 'both negative', anchor: { start: -5, end: -2 } },
    ];

    it.each(OUTSIDE)('an anchor with $what is BAD_USER_INPUT and adds no comment', async ({ anchor }) => {
      const errors = await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body: 'Here.', anchor } }, 'BAD_USER_INPUT');
      expect(errors[0]!.message).toContain('anchor');
    });

    it('a valid anchor gives its start, end and quote', async () => {
      const start = TEXT1.indexOf('recognize');
      const data = await cast.delegation.ok(ADD_COMMENT, { p: p1, i: { body: 'Prefer "welcome".', anchor: { start, end: start + 9 } } });
      expect(data.addComment.anchor).toEqual({ start, end: start + 9, quote: 'recognize', orphaned: false });
    });

    it('an anchor may span the whole text, or be empty at its very end', async () => {
      const whole = await cast.delegation.ok(ADD_COMMENT, { p: p1, i: { body: 'All of it.', anchor: { start: 0, end: L } } });
      expect(whole.addComment.anchor).toEqual({ start: 0, end: L, quote: TEXT1, orphaned: false });
      const caret = await cast.delegation.ok(ADD_COMMENT, { p: p1, i: { body: 'Add a sentence here.', anchor: { start: L, end: L } } });
      expect(caret.addComment.anchor).toEqual({ start: L, end: L, quote: '', orphaned: false });
    });
  });

  describe('over-long strings', () => {
    it('a declaration title over 500 characters is BAD_USER_INPUT; 500 is accepted', async () => {
      await expectRefused(admin, CREATE_DECLARATION, { i: { title: 'T'.repeat(501) } }, 'BAD_USER_INPUT');
      await expectRefused(admin, CREATE_DECLARATION, { i: { title: 'Title', forum: 'F'.repeat(501) } }, 'BAD_USER_INPUT');
      const data = await admin.ok(CREATE_DECLARATION, { i: { title: 'T'.repeat(500) } });
      expect(data.createDeclaration.title).toHaveLength(500);
    });

    it('a section title over 500 characters is BAD_USER_INPUT; 500 is accepted', async () => {
      const errors = await expectRefused(
        cast.coFacilitator,
        ADD_SECTION,
        { d: cast.declarationId, i: { title: 'S'.repeat(501) } },
        'BAD_USER_INPUT',
      );
      expect(errors[0]!.message).toContain('500');
      await cast.coFacilitator.ok(ADD_SECTION, { d: cast.declarationId, i: { title: 'S'.repeat(500) } });
    });

    it('a participant name or delegation over 200 characters is BAD_USER_INPUT; 200 is accepted', async () => {
      await expectRefused(admin, INVITE, { d: cast.declarationId, i: { name: 'N'.repeat(201), role: 'OBSERVER' } }, 'BAD_USER_INPUT');
      await expectRefused(
        admin,
        INVITE,
        { d: cast.declarationId, i: { name: 'Delegate', role: 'DELEGATION', delegation: 'D'.repeat(201) } },
        'BAD_USER_INPUT',
      );
      const data = await admin.ok(INVITE, { d: cast.declarationId, i: { name: 'N'.repeat(200), role: 'OBSERVER' } });
      expect(data.inviteParticipant.participant.name).toHaveLength(200);
    });

    it('a comment body over 20,000 characters is BAD_USER_INPUT, new or edited; 20,000 is accepted', async () => {
      const long = 'B'.repeat(20_001);
      await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body: long } }, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, EDIT_COMMENT, { c: c1, b: long }, 'BAD_USER_INPUT');
      const data = await cast.delegation.ok(ADD_COMMENT, { p: p2, i: { body: 'B'.repeat(20_000) } });
      expect(data.addComment.body).toHaveLength(20_000);
    });

    it('paragraph text over 100,000 characters is BAD_USER_INPUT; 100,000 is accepted', async () => {
      await expectRefused(cast.coFacilitator, ADD_PARAGRAPH, { s: sectionB, i: { text: 'P'.repeat(100_001) } }, 'BAD_USER_INPUT');
      const paragraph = await addParagraph(cast.coFacilitator, sectionB, { text: 'P'.repeat(100_000), afterParagraphId: p3 });
      expect(paragraph.text).toHaveLength(100_000);
    });
  });

  describe('characters PostgreSQL cannot store as sent', () => {
    it('a NUL character in a title, a name, a comment or a paragraph is BAD_USER_INPUT, never an internal error', async () => {
      await expectRefused(admin, CREATE_DECLARATION, { i: { title: 'Progress\u0000Declaration' } }, 'BAD_USER_INPUT');
      await expectRefused(cast.coFacilitator, ADD_SECTION, { d: cast.declarationId, i: { title: 'Intro\u0000' } }, 'BAD_USER_INPUT');
      await expectRefused(admin, INVITE, { d: cast.declarationId, i: { name: 'A\u0000B', role: 'OBSERVER' } }, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body: 'Nul\u0000' } }, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, EDIT_COMMENT, { c: c1, b: 'Nul\u0000' }, 'BAD_USER_INPUT');
      await expectRefused(cast.coFacilitator, ADD_PARAGRAPH, { s: sectionA, i: { text: 'We\u0000note.' } }, 'BAD_USER_INPUT');
    });

    it('a lone surrogate (not well-formed Unicode) is BAD_USER_INPUT, rather than stored as U+FFFD', async () => {
      await expectRefused(admin, CREATE_DECLARATION, { i: { title: 'Progress \ud800 Declaration' } }, 'BAD_USER_INPUT');
      await expectRefused(admin, INVITE, { d: cast.declarationId, i: { name: 'Delegate', role: 'DELEGATION', delegation: 'M\udc00' } }, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body: 'Half an emoji: \ud83c' } }, 'BAD_USER_INPUT');
      await expectRefused(cast.coFacilitator, ADD_PARAGRAPH, { s: sectionA, i: { text: 'x\ud800y' } }, 'BAD_USER_INPUT');
    });

    it('text outside the Basic Multilingual Plane, as whole surrogate pairs, is stored and read back exactly', async () => {
      const body = 'Migrants 🌍 — مهاجرين — 移民 — 👩🏽‍⚖️';
      const data = await cast.delegation.ok(ADD_COMMENT, { p: p2, i: { body } });
      const read = await cast.observer.ok('query($p: ID!) { paragraph(id: $p) { comments { id body } } }', { p: p2 });
      expect(read.paragraph.comments).toContainEqual({ id: data.addComment.id, body });
    });
  });

  describe('replies', () => {
    it('a reply with an anchor is BAD_USER_INPUT and adds no comment', async () => {
      const errors = await expectRefused(
        cast.delegation2,
        ADD_COMMENT,
        { p: p1, i: { body: 'Morocco agrees.', replyTo: c1, anchor: { start: 0, end: 2 } } },
        'BAD_USER_INPUT',
      );
      expect(errors[0]!.message).toContain('anchor');
    });

    it('a reply to a comment of another paragraph is BAD_USER_INPUT and adds no comment', async () => {
      await expectRefused(cast.delegation2, ADD_COMMENT, { p: p1, i: { body: 'Morocco agrees.', replyTo: c3 } }, 'BAD_USER_INPUT');
    });

    it('a valid reply joins the thread (the contrast: the same reply without the anchor is accepted)', async () => {
      const data = await cast.delegation2.ok(ADD_COMMENT, { p: p1, i: { body: 'Morocco agrees.', replyTo: c1 } });
      expect(data.addComment.replyTo).toEqual({ id: c1 });
      expect(data.addComment.anchor).toBeNull();
    });
  });

  describe('moving paragraphs', () => {
    it('moving a paragraph after itself is BAD_USER_INPUT and moves nothing', async () => {
      const errors = await expectRefused(
        cast.coFacilitator,
        MOVE_PARAGRAPH,
        { p: p1, i: { sectionId: sectionA, afterParagraphId: p1 } },
        'BAD_USER_INPUT',
      );
      expect(errors[0]!.message).toContain('itself');
    });

    it('moving after a paragraph of another section is BAD_USER_INPUT and moves nothing', async () => {
      const errors = await expectRefused(
        cast.coFacilitator,
        MOVE_PARAGRAPH,
        { p: p1, i: { sectionId: sectionA, afterParagraphId: p3 } },
        'BAD_USER_INPUT',
      );
      expect(errors[0]!.message).toContain('afterParagraphId');
    });
  });

  describe('change log paging', () => {
    it.each([
      { args: { f: 0 }, field: 'first' },
      { args: { f: 1001 }, field: 'first' },
      { args: { f: -5 }, field: 'first' },
      { args: { a: -1 }, field: 'after' },
    ])('changeLog with $args is BAD_USER_INPUT naming $field', async ({ args, field }) => {
      const errors = await expectRefused(cast.observer, CHANGE_LOG, { d: cast.declarationId, ...args }, 'BAD_USER_INPUT');
      expect(errors[0]!.message).toContain(field);
    });

    it('changeLog takes first: 1 and first: 1000', async () => {
      const one = await cast.observer.ok(CHANGE_LOG, { d: cast.declarationId, f: 1 });
      expect(one.changeLog).toEqual([{ seq: 1 }]);
      const all = await cast.observer.ok(CHANGE_LOG, { d: cast.declarationId, f: 1000 });
      expect(all.changeLog.length).toBeGreaterThan(1);
    });
  });

  describe('GraphQL-level garbage is BAD_USER_INPUT, never INTERNAL_SERVER_ERROR', () => {
    it('a syntax error', async () => {
      const errors = await expectRefused(cast.delegation, '{ viewer { role }', {}, 'BAD_USER_INPUT');
      expect(errors[0]!.message).toMatch(/Syntax Error/);
    });

    it('an unknown field, an unknown argument, a missing required argument', async () => {
      await expectRefused(cast.delegation, '{ viewer { shoeSize } }', {}, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, '{ viewer(id: 1) { role } }', {}, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, '{ declaration { id } }', {}, 'BAD_USER_INPUT');
      await expectRefused(cast.coFacilitator, 'mutation { addSection(input: { title: "No declaration" }) { id } }', {}, 'BAD_USER_INPUT');
    });

    it('a variable of the wrong type, or declared with a type its argument does not take', async () => {
      await expectRefused(cast.observer, CHANGE_LOG, { d: cast.declarationId, f: 'ten' }, 'BAD_USER_INPUT');
      await expectRefused(cast.observer, CHANGE_LOG, { d: cast.declarationId, f: 2 ** 31 }, 'BAD_USER_INPUT');
      await expectRefused(cast.observer, CHANGE_LOG, { d: cast.declarationId, f: 1.5 }, 'BAD_USER_INPUT');
      await expectRefused(cast.observer, CHANGE_LOG, { d: null }, 'BAD_USER_INPUT');
      await expectRefused(
        cast.observer,
        'query($d: ID!, $f: String) { changeLog(declarationId: $d, first: $f) { seq } }',
        { d: cast.declarationId, f: '10' },
        'BAD_USER_INPUT',
      );
      await expectRefused(cast.coFacilitator, ADD_PARAGRAPH, { s: sectionA, i: { text: 'Typed.', objectives: ['three'] } }, 'BAD_USER_INPUT');
      await expectRefused(cast.coFacilitator, ADD_PARAGRAPH, { s: sectionA, i: { text: 'Typed.', colour: 'red' } }, 'BAD_USER_INPUT');
      await expectRefused(cast.delegation, ADD_COMMENT, { p: p1, i: { body: 42 } }, 'BAD_USER_INPUT');
    });

    it('an invalid enum value, as a literal or a variable', async () => {
      await expectRefused(cast.coFacilitator, `mutation { setParagraphStatus(paragraphId: "${p1}", status: FINISHED) { id } }`, {}, 'BAD_USER_INPUT');
      await expectRefused(cast.coFacilitator, `mutation { setParagraphStatus(paragraphId: "${p1}", status: "AGREED") { id } }`, {}, 'BAD_USER_INPUT');
      await expectRefused(cast.coFacilitator, SET_STATUS, { p: p1, s: 'FINISHED' }, 'BAD_USER_INPUT');
      await expectRefused(cast.coFacilitator, SET_STATUS, { p: p1, s: 'agreed' }, 'BAD_USER_INPUT');
      await expectRefused(admin, INVITE, { d: cast.declarationId, i: { name: 'King', role: 'KING' } }, 'BAD_USER_INPUT');
    });

    it('an unknown operation name, or two anonymous operations', async () => {
      const before = await snapshot();
      const named = await postRaw({ query: 'query A { viewer { role } } query B { viewer { name } }', operationName: 'C' });
      expect(named.status).toBe(400);
      expect(codesOf(named.body)).toEqual(['BAD_USER_INPUT']);
      const ambiguous = await postRaw({ query: 'query A { viewer { role } } query B { viewer { name } }' });
      expect(codesOf(ambiguous.body)).toEqual(['BAD_USER_INPUT']);
      await expectRefused(cast.delegation, '{ viewer { role } } { viewer { name } }', {}, 'BAD_USER_INPUT');
      expect(await snapshot()).toEqual(before);
    });

    it('a request whose query is missing, empty or not a string, or whose variables are not an object', async () => {
      const before = await snapshot();
      for (const body of [{}, { query: '' }, { query: 42 }, { query: '{ viewer { role } }', variables: 'x' }, { query: ['{ viewer { role } }'] }]) {
        const response = await postRaw(body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(codesOf(response.body), JSON.stringify(body)).toEqual(['BAD_USER_INPUT']);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('a mutation whose variables do not coerce writes nothing, even when sent alongside valid fields', async () => {
      await expectRefused(
        cast.coFacilitator,
        `mutation($s: ID!, $bad: [Int!]!) {
           ok: addParagraph(sectionId: $s, input: { text: "Fine." }) { id }
           bad: setParagraphObjectives(paragraphId: "${p1}", objectives: $bad) { id }
         }`,
        { s: sectionA, bad: [1, 'two'] },
        'BAD_USER_INPUT',
      );
    });

    it('over WebSocket too: a syntax error or an unknown field is BAD_USER_INPUT, and the connection stays open', async () => {
      const client = server.client(cast.observer.token);
      for (const query of ['{ viewer { role }', '{ viewer { shoeSize } }']) {
        const errors = await socketErrors(client, query);
        expect([...new Set(errors.map((e) => e.extensions?.code))], `${query}: ${JSON.stringify(errors)}`).toEqual(['BAD_USER_INPUT']);
      }
      // The same connection still answers.
      const result = await client.overSocket('{ viewer { role } }');
      expect(result.data).toEqual({ viewer: { role: 'OBSERVER' } });
    });

    /** The errors of one operation over WebSocket, whether sent as an `error` message or in a `next` result. */
    async function socketErrors(client: GraphQLTestClient, query: string): Promise<GraphQLErrorShape[]> {
      try {
        const result = await client.overSocket(query);
        return result.errors ?? [];
      } catch (thrown) {
        if (Array.isArray(thrown)) return thrown as GraphQLErrorShape[];
        // The socket was closed instead: report how, so that the failure says what happened.
        const close = thrown as { code?: number; reason?: string };
        return [{ message: `socket closed ${close.code}: ${close.reason}`, extensions: { code: `CLOSED_${close.code}` } }];
      }
    }

    /** POSTs `body` as JSON with the delegation's token; returns the status and parsed body. */
    async function postRaw(body: unknown) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${cast.delegation.token}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { errors?: { extensions?: { code?: string } }[] } };
    }

    function codesOf(body: { errors?: { extensions?: { code?: string } }[] }): string[] {
      return [...new Set((body.errors ?? []).map((e) => e.extensions?.code ?? 'none'))];
    }
  });
});
