/**
 * Bidirectional controls and invisible characters (U+202A–U+202E,
 * U+2066–U+2069, U+200B, U+FEFF) would make an exported text read
 * differently from what it holds: each is refused through every way text
 * enters the server (titles, names, delegations, comments, paragraphs,
 * amendments, reasons, explanations, revision names, typed Yjs text, update
 * origins) with BAD_USER_INPUT, a message naming the character and where it
 * is, and nothing changed: every table's row count, every declaration as the
 * secretariat reads it, their change logs and the Yjs document are as they
 * were. Nothing is stripped either: Arabic, Chinese and Russian text, with
 * the joiners and direction marks those scripts need (U+200C, U+200D,
 * U+200E, U+200F, U+061C), is accepted and read back exactly.
 */
import pg from 'pg';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLTestClient, Result } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { applyUpdate, serverDoc } from '../support/yjsClient.js';
import * as N from '../negotiation/negotiation.js';

const REFUSED = [
  { code: 'U+202A', name: 'LEFT-TO-RIGHT EMBEDDING' },
  { code: 'U+202B', name: 'RIGHT-TO-LEFT EMBEDDING' },
  { code: 'U+202C', name: 'POP DIRECTIONAL FORMATTING' },
  { code: 'U+202D', name: 'LEFT-TO-RIGHT OVERRIDE' },
  { code: 'U+202E', name: 'RIGHT-TO-LEFT OVERRIDE' },
  { code: 'U+2066', name: 'LEFT-TO-RIGHT ISOLATE' },
  { code: 'U+2067', name: 'RIGHT-TO-LEFT ISOLATE' },
  { code: 'U+2068', name: 'FIRST STRONG ISOLATE' },
  { code: 'U+2069', name: 'POP DIRECTIONAL ISOLATE' },
  { code: 'U+200B', name: 'ZERO WIDTH SPACE' },
  { code: 'U+FEFF', name: 'ZERO WIDTH NO-BREAK SPACE' },
].map((c) => ({ ...c, char: String.fromCharCode(parseInt(c.code.slice(2), 16)) }));

/** Arabic (with a vowel mark, and the RLM / ALM marks that place "(21)"), Persian with ZWNJ, ZWJ, Chinese and Russian. */
const ARABIC = 'نؤكد من جديد التزامنا بالاتفاق العالمي، الفقرة \u200F(21)\u061C، حَقّ';
const PERSIAN = 'می\u200Cخواهیم · ل\u200Dا · \u200Eabc\u200E';
const CHINESE = '我们重申致力于执行《安全、有序和正常移民全球契约》。';
const RUSSIAN = 'Мы признаём прогресс, достигнутый в осуществлении Договора.';
const WORLD = `${ARABIC} — ${PERSIAN} — ${CHINESE} — ${RUSSIAN}`;
/** Short enough for a name (200 characters). */
const SHORT = 'وفد المكسيك\u200F · می\u200Cخواهیم · 墨西哥 · Мексика';

const CREATE_DECLARATION = 'mutation($i: CreateDeclarationInput!) { createDeclaration(input: $i) { id title forum } }';
const INVITE = 'mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { participant { id name delegation } } }';
const ADD_SECTION = 'mutation($d: ID!, $i: AddSectionInput!) { addSection(declarationId: $d, input: $i) { id title } }';
const ADD_PARAGRAPH = 'mutation($s: ID!, $i: AddParagraphInput!) { addParagraph(sectionId: $s, input: $i) { id text } }';
const ADD_COMMENT = 'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id body } }';
const EDIT_COMMENT = 'mutation($c: ID!, $b: String!) { editComment(commentId: $c, body: $b) { id body } }';
const READ_BACK = `query($n: ID!, $d: ID!, $p: ID!, $a: ID!, $e: ID!) {
  created: declaration(id: $n) { title forum }
  declaration(id: $d) { participants { id name delegation } sections { id title } revisions { name } }
  paragraph(id: $p) { text comments { id body } amendments { id text rationale decisionReason } }
  added: paragraph(id: $a) { text }
  adopted: declaration(id: $e) { explanationsOfPosition { text } }
}`;
const APPLY_UPDATE = 'mutation($d: ID!, $u: Base64!, $o: String) { applyUpdate(declarationId: $d, update: $u, origin: $o) { seq } }';

/** Every declaration as the secretariat reads it: structure, texts, comments, amendments, revisions, participants. */
const EVERYTHING = `{
  declarations {
    id title forum status silenceDeadline
    participants { id name role delegation }
    sections { id title paragraphs {
      id label text status
      comments { id body replies { id body } }
      amendments { id status text rationale decisionReason supporters { id } opponents { id } }
    } }
    revisions { id name paragraphs { label text } }
    explanationsOfPosition { id text }
  }
}`;

let server: TestServer;
let admin: GraphQLTestClient;
let db: pg.Client;
/** D: drafting (a paragraph, a comment, a pending amendment); S: under silence procedure; E: adopted. */
let D: Cast;
let S: Cast;
let E: Cast;
let section: string;
let paragraph: string;
let comment: string;
let amendment: string;

beforeAll(async () => {
  server = await startServer();
  admin = server.client();
  D = await createCast(server, 'Drafting');
  section = (await addSection(D.coFacilitator, D.declarationId, 'Introduction')).id;
  paragraph = (await addParagraph(D.coFacilitator, section, { text: 'We recognize the progress made.' })).id;
  comment = (await D.delegation.ok(ADD_COMMENT, { p: paragraph, i: { body: 'Mexico would prefer "welcome".' } })).addComment.id;
  amendment = (await D.delegation.ok(N.PROPOSE, { p: paragraph, i: { text: 'We welcome the progress made.' } })).proposeAmendment.id;

  S = await createCast(server, 'Under silence');
  await S.coFacilitator.ok(N.START_SILENCE, { d: S.declarationId, t: N.inMs(3_600_000) });

  E = await createCast(server, 'Adopted');
  await E.coFacilitator.ok(N.START_SILENCE, { d: E.declarationId, t: N.inMs(1_500) });
  await N.untilAdopted(E.observer, E.declarationId);

  db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await server?.stop({ dropDatabase: true });
});

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
  const { doc, seq, stateVector } = await serverDoc(D.coFacilitator, D.declarationId);
  return {
    everything: await admin.ok(EVERYTHING),
    logs: await Promise.all([D, S, E].map((c) => changeLog(admin, c.declarationId))),
    rows: await rowCounts(),
    document: { seq, stateVector: Buffer.from(stateVector).toString('base64'), text: doc.getText(paragraph).toString() },
  };
}

/** An update made on a copy of D's document: `text` typed into the paragraph after its first word. */
async function typed(text: string): Promise<Uint8Array> {
  const { doc } = await serverDoc(D.coFacilitator, D.declarationId);
  const before = Y.encodeStateVector(doc);
  doc.transact(() => doc.getText(paragraph).insert(3, text), 'local');
  return Y.encodeStateAsUpdate(doc, before);
}

/** A way text enters the server: the field it fills, and the request that sends `text` in it. */
interface Path {
  what: string;
  field: string;
  send: (text: string) => Promise<Result>;
}

const PATHS: Path[] = [
  { what: 'a declaration title', field: 'title', send: (t) => admin.query(CREATE_DECLARATION, { i: { title: t } }) },
  { what: 'a declaration forum', field: 'forum', send: (t) => admin.query(CREATE_DECLARATION, { i: { title: 'Progress Declaration', forum: t } }) },
  { what: 'a participant name', field: 'name', send: (t) => admin.query(INVITE, { d: D.declarationId, i: { name: t, role: 'OBSERVER' } }) },
  {
    what: 'a delegation',
    field: 'delegation',
    send: (t) => admin.query(INVITE, { d: D.declarationId, i: { name: 'Delegate', role: 'DELEGATION', delegation: t } }),
  },
  { what: 'a section title', field: 'title', send: (t) => D.coFacilitator.query(ADD_SECTION, { d: D.declarationId, i: { title: t } }) },
  { what: 'a paragraph text', field: 'text', send: (t) => D.coFacilitator.query(ADD_PARAGRAPH, { s: section, i: { text: t } }) },
  { what: 'a comment body', field: 'body', send: (t) => D.delegation.query(ADD_COMMENT, { p: paragraph, i: { body: t } }) },
  { what: 'an edited comment body', field: 'body', send: (t) => D.delegation.query(EDIT_COMMENT, { c: comment, b: t }) },
  { what: 'an amendment text', field: 'text', send: (t) => D.delegation.query(N.PROPOSE, { p: paragraph, i: { text: t } }) },
  {
    what: 'an amendment rationale',
    field: 'rationale',
    send: (t) => D.delegation.query(N.PROPOSE, { p: paragraph, i: { text: 'We welcome.', rationale: t } }),
  },
  { what: 'a rejection reason', field: 'reason', send: (t) => D.coFacilitator.query(N.REJECT, { a: amendment, r: t }) },
  { what: 'a revision name', field: 'name', send: (t) => D.coFacilitator.query(N.PUBLISH, { d: D.declarationId, n: t }) },
  { what: 'a reason for breaking silence', field: 'reason', send: (t) => S.delegation.query(N.BREAK_SILENCE, { d: S.declarationId, r: t }) },
  { what: 'an explanation of position', field: 'text', send: (t) => E.delegation.query(N.EXPLAIN, { d: E.declarationId, t }) },
  {
    what: 'the origin of a Yjs update',
    field: 'origin',
    send: async (t) => applyUpdate(D.coFacilitator, D.declarationId, await typed('warmly '), t),
  },
];

describe('bidirectional controls and invisible characters', () => {
  it.each(PATHS)('are refused in $what, with BAD_USER_INPUT, and nothing changes', async ({ field, send }) => {
    const before = await snapshot();
    for (const { code, name, char } of REFUSED) {
      const result = await send(`Progress${char} Declaration`);
      expect(result.errors?.map((e) => e.extensions?.code), `${code}: ${JSON.stringify(result)}`).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toBe(
        `${field} contains ${code} ${name} at offset 8; bidirectional controls and invisible characters are not accepted`,
      );
      expect(result.errors![0]!.extensions).toMatchObject({ field, character: code, offset: 8 });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('are refused in text typed into the live document (a Yjs update): the update whole, the document unchanged', async () => {
    const before = await snapshot();
    for (const { code, name, char } of REFUSED) {
      const result = await applyUpdate(D.coFacilitator, D.declarationId, await typed(`warmly${char} `));
      expect(result.errors?.map((e) => e.extensions?.code), `${code}: ${JSON.stringify(result)}`).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain(`inserts ${code} ${name} at offset 6 of its text; bidirectional controls and invisible characters are not accepted`);
    }
    // Over the WebSocket too, and with the character alone or at the very start.
    for (const text of ['\u202E', '\uFEFFWe ']) {
      const result = await D.coFacilitator.overSocket(APPLY_UPDATE, { d: D.declarationId, u: Buffer.from(await typed(text)).toString('base64') });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('are refused even where trimming would have dropped them (a U+FEFF at either end of a title)', async () => {
    const before = await snapshot();
    for (const title of ['\uFEFFProgress Declaration', 'Progress Declaration\uFEFF', ' \u200B ']) {
      expect(await admin.errorCode(CREATE_DECLARATION, { i: { title } })).toBe('BAD_USER_INPUT');
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('Arabic, Chinese and Russian text', () => {
  it('is accepted and read back exactly, joiners and direction marks included, through every path', async () => {
    const created = await admin.ok(CREATE_DECLARATION, { i: { title: WORLD, forum: WORLD } });
    expect(created.createDeclaration).toMatchObject({ title: WORLD, forum: WORLD });
    const invited = await admin.ok(INVITE, { d: D.declarationId, i: { name: SHORT, role: 'DELEGATION', delegation: SHORT } });
    expect(invited.inviteParticipant.participant).toMatchObject({ name: SHORT, delegation: SHORT });
    const newSection = await D.coFacilitator.ok(ADD_SECTION, { d: D.declarationId, i: { title: WORLD } });
    expect(newSection.addSection.title).toBe(WORLD);
    const added = await D.coFacilitator.ok(ADD_PARAGRAPH, { s: section, i: { text: WORLD } });
    expect(added.addParagraph.text).toBe(WORLD);
    const commented = await D.delegation.ok(ADD_COMMENT, { p: paragraph, i: { body: WORLD } });
    expect(commented.addComment.body).toBe(WORLD);
    expect((await D.delegation.ok(EDIT_COMMENT, { c: comment, b: WORLD })).editComment.body).toBe(WORLD);
    const proposed = await D.delegation.ok(N.PROPOSE, { p: paragraph, i: { text: WORLD, rationale: WORLD } });
    expect(proposed.proposeAmendment).toMatchObject({ text: WORLD, rationale: WORLD });
    expect((await D.coFacilitator.ok(N.REJECT, { a: amendment, r: WORLD })).rejectAmendment.decisionReason).toBe(WORLD);
    expect((await D.coFacilitator.ok(N.PUBLISH, { d: D.declarationId, n: WORLD })).publishRevision.name).toBe(WORLD);
    await S.delegation.ok(N.BREAK_SILENCE, { d: S.declarationId, r: WORLD });
    expect((await E.delegation.ok(N.EXPLAIN, { d: E.declarationId, t: WORLD })).addExplanationOfPosition.text).toBe(WORLD);
    const ack = await applyUpdate(D.coFacilitator, D.declarationId, await typed(`${WORLD} `), SHORT);
    expect(ack.errors).toBeUndefined();

    // Read back, not taken from what the mutations returned.
    const read = await admin.ok(READ_BACK, {
      n: created.createDeclaration.id,
      d: D.declarationId,
      p: paragraph,
      a: added.addParagraph.id,
      e: E.declarationId,
    });
    expect(read.created).toEqual({ title: WORLD, forum: WORLD });
    expect(read.declaration.participants).toContainEqual({ id: invited.inviteParticipant.participant.id, name: SHORT, delegation: SHORT });
    expect(read.declaration.sections).toContainEqual({ id: newSection.addSection.id, title: WORLD });
    expect(read.declaration.revisions.map((r: { name: string }) => r.name)).toContain(WORLD);
    expect(read.added.text).toBe(WORLD);
    expect(read.paragraph.text).toBe(`We ${WORLD} recognize the progress made.`);
    expect(read.paragraph.comments).toEqual(
      expect.arrayContaining([
        { id: comment, body: WORLD },
        { id: commented.addComment.id, body: WORLD },
      ]),
    );
    expect(read.paragraph.amendments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: amendment, decisionReason: WORLD }),
        expect.objectContaining({ id: proposed.proposeAmendment.id, text: WORLD, rationale: WORLD }),
      ]),
    );
    expect(read.adopted.explanationsOfPosition.map((e: { text: string }) => e.text)).toEqual([WORLD]);
    const { doc } = await serverDoc(D.coFacilitator, D.declarationId);
    expect(doc.getText(paragraph).toString()).toBe(`We ${WORLD} recognize the progress made.`);
    const log = await changeLog(admin, S.declarationId);
    expect(log.at(-1)?.kind).toBe('SILENCE_BROKEN');
    expect(log.at(-1)!.summary).toContain(WORLD);
  });
});
