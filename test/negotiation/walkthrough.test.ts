/**
 * A whole negotiation of the Progress Declaration as the room lives it, in
 * order: the zero draft, insertions and their labels, live edits, Rev.1 and
 * its diff, amendments tabled, backed, opposed, withdrawn, accepted and
 * rejected, the compilation text, a silence procedure broken and one kept,
 * adoption at the deadline with nobody acting, explanations of position, and
 * the exports of the adopted text and of Rev.1. Each step builds on the one
 * before, so the steps run in order and share the declaration.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, addSection, changeLog, createCast, invite, type Cast } from '../support/factories.js';
import type { GraphQLTestClient } from '../support/client.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { applyUpdate, documentState, Replica, serverDoc } from '../support/yjsClient.js';
import * as N from './negotiation.js';

const TEXT = {
  p1: 'We, the Ministers and representatives of States, have met at United Nations Headquarters for the first International Migration Review Forum.',
  p2: 'We reaffirm our commitment to the Global Compact for Safe, Orderly and Regular Migration.',
  p3: 'We note progress in providing accurate and timely information at all stages of migration.',
  p4: 'We recognize that migrants in vulnerable situations face barriers to access basic services.',
  p5: 'We commit to use migration detention only as a measure of last resort.',
  p6: 'We commit to promote faster, safer and cheaper transfer of remittances.',
  bis: 'We acknowledge the contributions of migrants and diasporas to sustainable development.',
  ter: 'We welcome the contributions of stakeholders, including the <b>&"x"</b> network.',
  zeroBis: 'This declaration is the outcome of the Forum held in May 2022.',
};
const P4_EDITED = 'We recognize that migrants in vulnerable situations face persistent barriers to accessing basic services.';
const BIS_AMENDED = 'We acknowledge the positive contributions of all migrants and diasporas to sustainable development.';
const P1_EDITED = TEXT.p1.replace('the first ', 'the ');

/** The ids of everything the story refers to, filled in as it goes. */
const id: Record<string, string> = {};
let server: TestServer;
let cast: Cast;
let germany: GraphQLTestClient;
let pen: Replica; // Ambassador Diallo's editor
let watcher: Replica; // the press observer's read-only replica
let d: string;

const amendment = async (client: GraphQLTestClient, paragraphId: string, text: string, anchorOn?: string, rationale?: string) => {
  let anchor = null;
  if (anchorOn !== undefined) {
    const current = (await client.ok(N.AMENDMENTS, { p: paragraphId })).paragraph.text as string;
    const start = current.indexOf(anchorOn);
    expect(start, `"${anchorOn}" is in the paragraph`).toBeGreaterThanOrEqual(0);
    anchor = { start, end: start + anchorOn.length };
  }
  return (await client.ok(N.PROPOSE, { p: paragraphId, i: { anchor, text, rationale } })).proposeAmendment;
};

/** Edits the text through Diallo's Yjs editor and waits for the coalesced PARAGRAPH_EDITED. */
async function editThroughYjs(paragraphId: string, edit: (text: Y.Text) => void) {
  const before = await N.lastSeq(cast.observer, d);
  await pen.caughtUp((await documentState(cast.coFacilitator, d)).seq);
  edit(pen.doc.getText(paragraphId));
  await pen.flushed();
  return N.eventAfter(cast.observer, d, before, 'PARAGRAPH_EDITED', paragraphId);
}

beforeAll(async () => {
  server = await startServer({ editQuietMs: 50, editMaxMs: 300 });
  cast = await createCast(server, 'Progress Declaration of the International Migration Review Forum');
  d = cast.declarationId;
  germany = (await invite(server, d, 'DELEGATION', 'Delegate of Germany', 'Germany')).client;
});

afterAll(async () => {
  pen?.close();
  watcher?.close();
  await server?.stop({ dropDatabase: true });
});

describe('a negotiation from zero draft to adoption', () => {
  it('the co-facilitators build the zero draft and publish it: labels are the numbers, everything ADDED', async () => {
    const s1 = await addSection(cast.coFacilitator, d, 'Introduction');
    const s2 = await addSection(cast.coFacilitator2, d, 'Progress, challenges and gaps');
    const s3 = await addSection(cast.coFacilitator, d, 'Recommended actions to accelerate implementation');
    Object.assign(id, { s1: s1.id, s2: s2.id, s3: s3.id });
    id.p1 = (await addParagraph(cast.coFacilitator, s1.id, { text: TEXT.p1, objectives: [23] })).id;
    id.p2 = (await addParagraph(cast.coFacilitator2, s1.id, { text: TEXT.p2, afterParagraphId: id.p1, objectives: [23] })).id;
    id.p3 = (await addParagraph(cast.coFacilitator, s2.id, { text: TEXT.p3, objectives: [3] })).id;
    id.p4 = (await addParagraph(cast.coFacilitator, s2.id, { text: TEXT.p4, afterParagraphId: id.p3, objectives: [7, 15] })).id;
    id.p5 = (await addParagraph(cast.coFacilitator2, s3.id, { text: TEXT.p5, objectives: [13] })).id;
    id.p6 = (await addParagraph(cast.coFacilitator2, s3.id, { text: TEXT.p6, afterParagraphId: id.p5, objectives: [20] })).id;
    expect(await N.labels(cast.observer, d)).toEqual(['1', '2', '3', '4', '5', '6']);

    const zero = await N.publish(cast.coFacilitator, d);
    id.zero = zero.id;
    expect(zero).toMatchObject({ name: 'Zero draft', sequence: 0, publishedBy: { name: 'Ambassador Diallo' } });
    const recorded = await N.revisionParagraphs(cast.delegation, zero.id);
    expect(recorded.map((p) => [p.label, p.number, p.status])).toEqual(
      ['1', '2', '3', '4', '5', '6'].map((l, i) => [l, i + 1, 'OPEN']),
    );
    expect(recorded.map((p) => p.sectionTitle)).toEqual([
      'Introduction', 'Introduction', 'Progress, challenges and gaps', 'Progress, challenges and gaps',
      'Recommended actions to accelerate implementation', 'Recommended actions to accelerate implementation',
    ]);
    const texts = [TEXT.p1, TEXT.p2, TEXT.p3, TEXT.p4, TEXT.p5, TEXT.p6];
    expect(await N.diff(cast.delegation, zero.id)).toEqual(
      ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((k, i) => ({
        paragraphId: id[k], label: String(i + 1), change: 'ADDED', hunks: [{ op: 'INSERT', text: texts[i] }],
      })),
    );
  });

  it('labels insertions "2 bis", "2 ter" and "0 bis" around the fixed labels', async () => {
    const bis = await addParagraph(cast.coFacilitator, id.s1!, { text: TEXT.bis, afterParagraphId: id.p2, objectives: [19] });
    expect(bis).toMatchObject({ label: '2 bis', number: 3 });
    // Between "2 bis" and "3" (the first paragraph of the next section).
    const ter = await addParagraph(cast.coFacilitator2, id.s1!, { text: TEXT.ter, afterParagraphId: bis.id });
    expect(ter).toMatchObject({ label: '2 ter', number: 4 });
    const zeroBis = await addParagraph(cast.coFacilitator, id.s1!, { text: TEXT.zeroBis });
    expect(zeroBis).toMatchObject({ label: '0 bis', number: 1 });
    Object.assign(id, { bis: bis.id, ter: ter.id, zeroBis: zeroBis.id });
    expect(await N.labels(cast.observer, d)).toEqual(['0 bis', '1', '2', '2 bis', '2 ter', '3', '4', '5', '6']);
  });

  it('edits paragraph 4 live through Yjs: the text and the change feed follow', async () => {
    pen = new Replica(cast.coFacilitator, d);
    await pen.connect();
    expect(pen.text(id.p4!)).toBe(TEXT.p4);
    const event = await editThroughYjs(id.p4!, (text) => {
      const at = TEXT.p4.indexOf('barriers');
      text.insert(at, 'persistent ');
      const access = text.toString().indexOf('access basic');
      text.delete(access, 'access'.length);
      text.insert(access, 'accessing');
    });
    expect(event).toMatchObject({ text: P4_EDITED, summary: 'Ambassador Diallo edited paragraph 4' });
    expect((await cast.delegation.ok(N.BY_LABEL, { d, l: '4' })).declaration.paragraph.text).toBe(P4_EDITED);
  });

  it('deletes paragraph 5: it keeps its label, and the numbers after it skip it', async () => {
    const deleted = (await cast.coFacilitator.ok(N.SET_STATUS, { p: id.p5, s: 'DELETED' })).setParagraphStatus;
    expect(deleted).toMatchObject({ label: '5', number: null, status: 'DELETED' });
    const all = await N.paragraphs(cast.observer, d);
    expect(all.map((p) => [p.label, p.number])).toEqual([
      ['0 bis', 1], ['1', 2], ['2', 3], ['2 bis', 4], ['2 ter', 5], ['3', 6], ['4', 7], ['5', null], ['6', 8],
    ]);
  });

  it('publishes Rev.1, whose diff shows what was added, removed, modified and left unchanged', async () => {
    const rev1 = await N.publish(cast.coFacilitator2, d);
    id.rev1 = rev1.id;
    expect(rev1).toMatchObject({ name: 'Rev.1', sequence: 1, publishedBy: { name: 'Ambassador Voss' } });
    const recorded = await N.revisionParagraphs(cast.observer, rev1.id);
    expect(recorded.find((p) => p.paragraphId === id.p5)).toMatchObject({ label: '5', number: null, status: 'DELETED', text: TEXT.p5 });
    expect(recorded.find((p) => p.paragraphId === id.p4)).toMatchObject({ label: '4', number: 7, text: P4_EDITED });

    const changes = await N.diff(cast.delegation, rev1.id);
    expect(changes.map((c) => [c.label, c.change])).toEqual([
      ['0 bis', 'ADDED'], ['1', 'UNCHANGED'], ['2', 'UNCHANGED'], ['2 bis', 'ADDED'], ['2 ter', 'ADDED'],
      ['3', 'UNCHANGED'], ['4', 'MODIFIED'], ['5', 'REMOVED'], ['6', 'UNCHANGED'],
    ]);
    expect(changes.find((c) => c.label === '2 bis')!.hunks).toEqual([{ op: 'INSERT', text: TEXT.bis }]);
    expect(changes.find((c) => c.label === '5')!.hunks).toEqual([{ op: 'DELETE', text: TEXT.p5 }]);
    expect(changes.find((c) => c.label === '1')!.hunks).toEqual([{ op: 'EQUAL', text: TEXT.p1 }]);
    const modified = changes.find((c) => c.label === '4')!.hunks;
    expect(N.rebuild(modified, 'old')).toBe(TEXT.p4);
    expect(N.rebuild(modified, 'new')).toBe(P4_EDITED);
    expect(modified).toEqual([
      { op: 'EQUAL', text: 'We recognize that migrants in vulnerable situations face ' },
      { op: 'INSERT', text: 'persistent ' },
      { op: 'EQUAL', text: 'barriers to ' },
      { op: 'DELETE', text: 'access' },
      { op: 'INSERT', text: 'accessing' },
      { op: 'EQUAL', text: ' basic services.' },
    ]);

    expect(await N.diff(cast.delegation, rev1.id, id.zero), 'against the zero draft, named').toEqual(changes);
    expect((await cast.stakeholder.ok(N.REVISIONS, { d })).declaration.revisions.map((r: { name: string }) => r.name)).toEqual(['Zero draft', 'Rev.1']);
  });

  it('finds a paragraph by its label', async () => {
    const found = (await cast.delegation2.ok(N.BY_LABEL, { d, l: '2 bis' })).declaration.paragraph;
    expect(found).toMatchObject({ id: id.bis, number: 4, text: TEXT.bis });
    expect((await cast.delegation2.ok(N.BY_LABEL, { d, l: '5' })).declaration.paragraph).toMatchObject({ id: id.p5, status: 'DELETED' });
    expect((await cast.delegation2.ok(N.BY_LABEL, { d, l: '2 quater' })).declaration.paragraph).toBeNull();
  });

  it('takes amendments: Mexico tables, Morocco supports, Germany opposes, sides change, one is withdrawn', async () => {
    const m1 = await amendment(cast.delegation, id.bis!, 'positive contributions of all migrants', 'contributions of migrants');
    expect(m1).toMatchObject({
      status: 'PENDING', proposer: { name: 'Delegate of Mexico' }, paragraph: { label: '2 bis' },
      anchor: { start: 19, end: 44, quote: 'contributions of migrants', orphaned: false },
    });
    const m2 = await amendment(cast.delegation, id.p6!, '', undefined, 'Remittances are covered by objective 20 elsewhere.');
    expect(m2).toMatchObject({ status: 'PENDING', anchor: null, text: '', rationale: 'Remittances are covered by objective 20 elsewhere.' });
    const m3 = await amendment(cast.delegation, id.p3!, 'accurate, timely and accessible', 'accurate and timely');
    const m4 = await amendment(cast.delegation2, id.p4!, 'basic services, including health care', 'basic services');
    const m5 = await amendment(germany, id.p1!, 'inaugural', 'first');
    Object.assign(id, { m1: m1.id, m2: m2.id, m3: m3.id, m4: m4.id, m5: m5.id });

    const sides = (a: { supporters: { delegation: string }[]; opponents: { delegation: string }[] }) => [
      a.supporters.map((p) => p.delegation), a.opponents.map((p) => p.delegation),
    ];
    expect(sides((await cast.delegation2.ok(N.SUPPORT, { a: m1.id })).supportAmendment)).toEqual([['Morocco'], []]);
    expect(sides((await germany.ok(N.OPPOSE, { a: m1.id })).opposeAmendment)).toEqual([['Morocco'], ['Germany']]);
    expect(sides((await cast.delegation2.ok(N.OPPOSE, { a: m1.id })).opposeAmendment), 'Morocco changes side').toEqual([[], ['Germany', 'Morocco']]);
    expect(sides((await cast.delegation2.ok(N.SUPPORT, { a: m1.id })).supportAmendment), 'and back').toEqual([['Morocco'], ['Germany']]);
    expect(sides((await cast.delegation.ok(N.SUPPORT, { a: m4.id })).supportAmendment)).toEqual([['Mexico'], []]);
    expect(sides((await germany.ok(N.OPPOSE, { a: m4.id })).opposeAmendment)).toEqual([['Mexico'], ['Germany']]);

    const withdrawn = (await cast.delegation.ok(N.WITHDRAW, { a: m3.id })).withdrawAmendment;
    expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', decisionReason: null });
    expect(withdrawn.decidedAt).not.toBeNull();
  });

  it('accepts Mexico\'s amendment: the text changes in Yjs, live for subscribers, and in the feed', async () => {
    watcher = new Replica(cast.observer, d);
    await watcher.connect();
    const before = await N.lastSeq(cast.observer, d);
    const accepted = (await cast.coFacilitator.ok(N.ACCEPT, { a: id.m1 })).acceptAmendment;
    expect(accepted).toMatchObject({ status: 'ACCEPTED', paragraph: { label: '2 bis' } });
    const paragraph = (await cast.observer.ok(N.AMENDMENTS, { p: id.bis })).paragraph;
    expect(paragraph.text).toBe(BIS_AMENDED);
    await watcher.caughtUp((await serverDoc(cast.observer, d)).seq);
    expect(watcher.text(id.bis!), "the subscriber's replica").toBe(paragraph.text);
    expect(watcher.received.at(-1)).toMatchObject({ sync: false, origin: expect.any(String) });

    const events = (await changeLog(cast.observer, d)).filter((e) => e.seq > before);
    expect(events.map((e) => [e.kind, e.paragraphId, e.text, e.summary])).toEqual([
      ['AMENDMENT_ACCEPTED', id.bis, BIS_AMENDED, "Ambassador Diallo accepted Mexico's amendment to paragraph 2 bis"],
      ['PARAGRAPH_EDITED', id.bis, BIS_AMENDED, 'Ambassador Diallo edited paragraph 2 bis (amendment accepted)'],
    ]);
  });

  it('rejects the deletion of paragraph 6 with a reason', async () => {
    const rejected = (await cast.coFacilitator2.ok(N.REJECT, { a: id.m2, r: 'The room agreed to keep remittances.' })).rejectAmendment;
    expect(rejected).toMatchObject({ status: 'REJECTED', decisionReason: 'The room agreed to keep remittances.' });
    expect((await N.paragraphs(cast.observer, d)).find((p) => p.id === id.p6)!.text).toBe(TEXT.p6);
  });

  it('cannot accept an amendment whose anchored text was deleted: CONFLICT, anchor orphaned', async () => {
    const event = await editThroughYjs(id.p1!, (text) => text.delete(text.toString().indexOf('first '), 'first '.length));
    expect(event).toMatchObject({ text: P1_EDITED, summary: 'Ambassador Diallo edited paragraph 1' });
    const before = await N.lastSeq(cast.observer, d);
    expect(await cast.coFacilitator.errorCode(N.ACCEPT, { a: id.m5 })).toBe('CONFLICT');
    const [m5] = (await cast.observer.ok(N.AMENDMENTS, { p: id.p1 })).paragraph.amendments;
    expect(m5).toMatchObject({ status: 'PENDING', anchor: { start: null, end: null, quote: 'first', orphaned: true } });
    expect(await N.lastSeq(cast.observer, d)).toBe(before);
  });

  it('compiles the pending amendments with who proposed, supported and opposed them', async () => {
    const compilation = (await cast.delegation.ok(N.EXPORT, { d, f: 'COMPILATION' })).export as string;
    expect(compilation).toContain('Proposed by Morocco; supported by Mexico; opposed by Germany.');
    expect(compilation).toContain('Proposed by Germany.');
    expect(compilation).toContain('“basic services, including health care”');
    expect(compilation).toContain('“inaugural”');
    expect(compilation, 'decided and withdrawn amendments are not pending').not.toMatch(/accessible|Proposed by Mexico|delete\*\*/);
    expect(compilation.indexOf('basic services, including')).toBeGreaterThan(compilation.indexOf('**4.**'));
  });

  it('refuses explanations of position before adoption', async () => {
    expect(await germany.errorCode(N.EXPLAIN, { d, t: 'Too early.' })).toBe('CONFLICT');
  });

  it('starts a silence procedure that freezes the text but not the comments', async () => {
    expect(await cast.coFacilitator.errorCode(N.START_SILENCE, { d, t: N.inMs(-60_000) }), 'a deadline in the past').toBe('BAD_USER_INPUT');
    // This one will be broken: its deadline is far enough not to pass meanwhile.
    const deadline = (id.firstDeadline = N.inMs(10 * 60_000));
    const started = (await cast.coFacilitator.ok(N.START_SILENCE, { d, t: deadline })).startSilenceProcedure;
    expect(started).toMatchObject({ status: 'SILENCE_PROCEDURE', silenceDeadline: deadline });

    const { doc, stateVector } = await serverDoc(cast.coFacilitator, d);
    doc.getText(id.p3!).insert(0, 'Frozen? ');
    expect((await applyUpdate(cast.coFacilitator, d, Y.encodeStateAsUpdate(doc, stateVector))).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await cast.coFacilitator.errorCode(N.ADD_PARAGRAPH, { s: id.s3, i: { text: 'Late.' } })).toBe('CONFLICT');
    expect(await cast.delegation.errorCode(N.PROPOSE, { p: id.p3, i: { text: 'Late.' } })).toBe('CONFLICT');
    expect(await cast.delegation2.errorCode(N.SUPPORT, { a: id.m5 })).toBe('CONFLICT');
    await cast.stakeholder.ok(N.ADD_COMMENT, { p: id.p3, i: { body: 'Civil society welcomes paragraph 3.' } });
    expect((await N.paragraphs(cast.observer, d)).find((p) => p.id === id.p3)!.text).toBe(TEXT.p3);
  });

  it('returns to DRAFTING when a delegation breaks silence with a reason', async () => {
    const broken = (await cast.delegation2.ok(N.BREAK_SILENCE, { d, r: 'Paragraph 4 needs a reference to health care.' })).breakSilence;
    expect(broken).toEqual({ id: d, status: 'DRAFTING', silenceDeadline: null });
    const last = (await changeLog(cast.observer, d)).at(-1)!;
    expect(last).toMatchObject({ kind: 'SILENCE_BROKEN', summary: 'Morocco broke silence: Paragraph 4 needs a reference to health care.' });
  });

  it('keeps silence the second time: no early adoption, then adoption at the deadline with nobody acting', async () => {
    const deadline = (id.secondDeadline = N.inMs(2_000));
    await cast.coFacilitator.ok(N.START_SILENCE, { d, t: deadline });
    expect(await cast.coFacilitator.errorCode(N.ADOPT, { d }), 'before the deadline').toBe('CONFLICT');
    // Nobody reads or writes the declaration until the live feed tells of the adoption.
    const live: { kind: string; actor: { name: string } | null }[] = [];
    const stop = cast.observer.socket().subscribe<any>(
      { query: 'subscription($d: ID!, $a: Int) { changes(declarationId: $d, after: $a) { kind actor { name } } }', variables: { d, a: await N.lastSeq(cast.observer, d) } },
      { next: (r) => void (r.data && live.push(r.data.changes)), error: () => {}, complete: () => {} },
    );
    await waitFor('DECLARATION_ADOPTED on the live feed', () => live.some((e) => e.kind === 'DECLARATION_ADOPTED'), { timeoutMs: 30_000, intervalMs: 50 });
    stop();
    expect(live).toEqual([{ kind: 'REVISION_PUBLISHED', actor: { name: 'Ambassador Diallo' } }, { kind: 'DECLARATION_ADOPTED', actor: null }]);
    await N.untilAdopted(cast.observer, d);

    const all = await N.paragraphs(cast.observer, d);
    expect(all.map((p) => [p.id, p.label, p.number])).toEqual([
      [id.zeroBis, '1', 1], [id.p1, '2', 2], [id.p2, '3', 3], [id.bis, '4', 4], [id.ter, '5', 5],
      [id.p3, '6', 6], [id.p4, '7', 7], [id.p5, '7 bis', null], [id.p6, '8', 8],
    ]);
    const revisions = (await cast.observer.ok(N.REVISIONS, { d })).declaration.revisions;
    expect(revisions.map((r: { name: string; sequence: number }) => [r.name, r.sequence])).toEqual([['Zero draft', 0], ['Rev.1', 1], ['Adopted text', 2]]);
    id.adopted = revisions[2].id;
    const adopted = await N.revisionParagraphs(cast.observer, id.adopted!);
    expect(adopted.filter((p) => p.status !== 'DELETED').map((p) => p.label)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect((await N.diff(cast.observer, id.adopted!)).map((c) => [c.label, c.change])).toEqual([
      ['1', 'UNCHANGED'], ['2', 'MODIFIED'], ['3', 'UNCHANGED'], ['4', 'MODIFIED'], ['5', 'UNCHANGED'],
      ['6', 'UNCHANGED'], ['7', 'UNCHANGED'], ['8', 'UNCHANGED'],
    ]);
    expect((await N.diff(cast.observer, id.adopted!)).find((c) => c.label === '2')!.hunks).toEqual([
      { op: 'EQUAL', text: 'We, the Ministers and representatives of States, have met at United Nations Headquarters for the ' },
      { op: 'DELETE', text: 'first ' },
      { op: 'EQUAL', text: 'International Migration Review Forum.' },
    ]);
    expect((await N.diff(cast.observer, id.adopted!, id.zero)).map((c) => c.change)).toEqual([
      'ADDED', 'MODIFIED', 'UNCHANGED', 'ADDED', 'ADDED', 'UNCHANGED', 'MODIFIED', 'REMOVED', 'UNCHANGED',
    ]);

    const tail = (await changeLog(cast.observer, d)).slice(-2);
    expect(tail.map((e) => [e.kind, e.summary])).toEqual([
      ['REVISION_PUBLISHED', 'Ambassador Diallo published Adopted text (8 paragraphs)'],
      ['DECLARATION_ADOPTED', `The declaration was adopted by consensus: the silence procedure ended on ${deadline} unbroken`],
    ]);
  });

  it('freezes everything after adoption', async () => {
    const before = await N.lastSeq(cast.observer, d);
    const { doc, stateVector } = await serverDoc(cast.coFacilitator, d);
    doc.getText(id.p6!).insert(0, 'After adoption: ');
    expect((await applyUpdate(cast.coFacilitator, d, Y.encodeStateAsUpdate(doc, stateVector))).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await cast.delegation.errorCode(N.PROPOSE, { p: id.p6, i: { text: 'Too late.' } })).toBe('CONFLICT');
    expect(await cast.delegation.errorCode(N.SUPPORT, { a: id.m5 })).toBe('CONFLICT');
    expect(await cast.stakeholder.errorCode(N.ADD_COMMENT, { p: id.p6, i: { body: 'Too late.' } })).toBe('CONFLICT');
    expect(await cast.coFacilitator.errorCode(N.SET_STATUS, { p: id.p6, s: 'AGREED' })).toBe('CONFLICT');
    expect(await cast.coFacilitator.errorCode(N.PUBLISH, { d })).toBe('CONFLICT');
    expect(await cast.coFacilitator.errorCode(N.ADOPT, { d })).toBe('CONFLICT');
    expect(await N.lastSeq(cast.observer, d)).toBe(before);
  });

  it('takes explanations of position after adoption, from delegations', async () => {
    const text = 'Germany joins the consensus and underlines objective 13.';
    expect((await germany.ok(N.EXPLAIN, { d, t: text })).addExplanationOfPosition).toMatchObject({ delegation: 'Germany', text, author: { name: 'Delegate of Germany' } });
    await cast.delegation.ok(N.EXPLAIN, { d, t: 'Mexico welcomes the adoption.' });
    const listed = (await cast.observer.ok('query($d: ID!) { declaration(id: $d) { explanationsOfPosition { delegation text } } }', { d }))
      .declaration.explanationsOfPosition;
    expect(listed).toEqual([{ delegation: 'Germany', text }, { delegation: 'Mexico', text: 'Mexico welcomes the adoption.' }]);
    expect((await changeLog(cast.observer, d)).at(-1)).toMatchObject({ kind: 'EXPLANATION_ADDED', summary: 'Mexico explained its position on the adopted declaration' });
  });
});

describe('the exports of the adopted text and of Rev.1', () => {
  const base = () => server.url.replace(/\/graphql$/, '');
  const exported = async (format: string, revisionId?: string) =>
    (await cast.observer.ok(N.EXPORT, { d, f: format, r: revisionId ?? null })).export as string;
  const download = (file: string, revisionId?: string) =>
    fetch(`${base()}/declarations/${d}/${file}${revisionId ? `?revisionId=${revisionId}` : ''}`, {
      headers: { authorization: `Bearer ${cast.observer.token}` },
    });
  const akn = (xml: string) => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => ['hcontainer', 'paragraph'].includes(name) }).parse(xml);
    const body = parsed.akomaNtoso.statement.mainBody;
    return (body.hcontainer as { paragraph?: { num: string; content: { p: string } }[] }[]).flatMap((s) => s.paragraph ?? []);
  };
  const ESCAPED = '&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;';

  it('exports the adopted text as Markdown, HTML and Akoma Ntoso, user markup escaped', async () => {
    const md = await exported('MARKDOWN');
    expect(md).toContain('**1.** This declaration is the outcome of the Forum held in May 2022.');
    expect(md).toContain('**5.** We welcome the contributions of stakeholders, including the \\<b\\>\\&"x"\\</b\\> network.');
    expect(md).not.toContain(TEXT.p5);
    const html = await exported('HTML');
    expect(html).toContain(ESCAPED);
    expect(html).not.toContain('<b>');
    expect(XMLValidator.validate(html), 'the HTML is well-formed').toBe(true);
    const xml = await exported('AKOMA_NTOSO');
    expect(xml).toContain(ESCAPED);
    const paras = akn(xml);
    expect(paras.map((p) => p.num)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(paras[4]!.content.p).toBe(TEXT.ter);
    expect(paras[3]!.content.p).toBe(BIS_AMENDED);
  });

  it('exports Rev.1 as it was published', async () => {
    const md = await exported('MARKDOWN', id.rev1);
    expect(md).toContain('Rev.1 (revision 1)');
    expect(md).toContain(`**2 bis.** ${TEXT.bis}`);
    expect(md).not.toContain(TEXT.p5);
    const paras = akn(await exported('AKOMA_NTOSO', id.rev1));
    expect(paras.map((p) => p.num)).toEqual(['0 bis', '1', '2', '2 bis', '2 ter', '3', '4', '6']);
    expect(paras.map((p) => p.content.p)).toEqual([TEXT.zeroBis, TEXT.p1, TEXT.p2, TEXT.bis, TEXT.ter, TEXT.p3, P4_EDITED, TEXT.p6]);
    expect(await exported('HTML', id.rev1)).toContain(ESCAPED);
  });

  it('serves the same exports over HTTP with the bearer token', async () => {
    const cases: [string, string, string][] = [['export.md', 'MARKDOWN', 'text/markdown'], ['export.html', 'HTML', 'text/html'], ['export.xml', 'AKOMA_NTOSO', 'application/akn+xml']];
    for (const [file, format, type] of cases) {
      const response = await download(file, id.rev1);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect(await response.text(), `${file} of Rev.1`).toBe(await exported(format, id.rev1));
      const current = await (await download(file)).text();
      const minute = / as of \d{4}-\d\d-\d\d \d\d:\d\d UTC/g;
      expect(current.replace(minute, ''), `${file} of the current text`).toBe((await exported(format)).replace(minute, ''));
    }
    const compilation = await download('export.compilation.md');
    expect(compilation.status).toBe(200);
    expect(await compilation.text()).toContain('Proposed by Morocco; supported by Mexico; opposed by Germany.');
    const anonymous = await fetch(`${base()}/declarations/${d}/export.md`);
    expect(anonymous.status).toBe(401);
  });
});

describe('the change feed of the negotiation', () => {
  it('numbers every event 1..N and gives each a readable summary', async () => {
    const events = await changeLog(cast.observer, d);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const e of events) expect(e.summary, `event ${e.seq}`).toMatch(/^[A-Z][^\n]{10,}[^\s]$/);
    for (const e of events) expect(e.summary, `event ${e.seq}`).not.toMatch(/undefined|null|\?|\[object/);
    const D = 'Ambassador Diallo';
    const V = 'Ambassador Voss';
    expect(events.map((e) => [e.kind, e.summary])).toEqual([
      ...['Ambassador Diallo (co-facilitator)', 'Ambassador Voss (co-facilitator)', 'Delegate of Mexico (delegation, Mexico)',
        'Delegate of Morocco (delegation, Morocco)', 'Migrant workers network (stakeholder, Civil society)', 'Press observer (observer)',
        'Delegate of Germany (delegation, Germany)'].map((who) => ['PARTICIPANT_INVITED', `Secretariat invited ${who}`]),
      ['SECTION_ADDED', `${D} added section 1 "Introduction"`],
      ['SECTION_ADDED', `${V} added section 2 "Progress, challenges and gaps"`],
      ['SECTION_ADDED', `${D} added section 3 "Recommended actions to accelerate implementation"`],
      ...[D, V, D, D, V, V].map((who, i) => ['PARAGRAPH_ADDED', `${who} added paragraph ${i + 1}`]),
      ['REVISION_PUBLISHED', `${D} published Zero draft (6 paragraphs)`],
      ['PARAGRAPH_ADDED', `${D} added paragraph 2 bis`],
      ['PARAGRAPH_ADDED', `${V} added paragraph 2 ter`],
      ['PARAGRAPH_ADDED', `${D} added paragraph 0 bis`],
      ['PARAGRAPH_EDITED', `${D} edited paragraph 4`],
      ['PARAGRAPH_STATUS_CHANGED', `${D} set paragraph 5 to deleted`],
      ['REVISION_PUBLISHED', `${V} published Rev.1 (8 paragraphs)`],
      ['AMENDMENT_PROPOSED', 'Mexico proposed an amendment to paragraph 2 bis'],
      ['AMENDMENT_PROPOSED', 'Mexico proposed an amendment to paragraph 6'],
      ['AMENDMENT_PROPOSED', 'Mexico proposed an amendment to paragraph 3'],
      ['AMENDMENT_PROPOSED', 'Morocco proposed an amendment to paragraph 4'],
      ['AMENDMENT_PROPOSED', 'Germany proposed an amendment to paragraph 1'],
      ['AMENDMENT_SUPPORTED', "Morocco supported Mexico's amendment to paragraph 2 bis"],
      ['AMENDMENT_OPPOSED', "Germany opposed Mexico's amendment to paragraph 2 bis"],
      ['AMENDMENT_OPPOSED', "Morocco opposed Mexico's amendment to paragraph 2 bis"],
      ['AMENDMENT_SUPPORTED', "Morocco supported Mexico's amendment to paragraph 2 bis"],
      ['AMENDMENT_SUPPORTED', "Mexico supported Morocco's amendment to paragraph 4"],
      ['AMENDMENT_OPPOSED', "Germany opposed Morocco's amendment to paragraph 4"],
      ['AMENDMENT_WITHDRAWN', 'Mexico withdrew its amendment to paragraph 3'],
      ['AMENDMENT_ACCEPTED', `${D} accepted Mexico's amendment to paragraph 2 bis`],
      ['PARAGRAPH_EDITED', `${D} edited paragraph 2 bis (amendment accepted)`],
      ['AMENDMENT_REJECTED', `${V} rejected Mexico's amendment to paragraph 6: The room agreed to keep remittances.`],
      ['PARAGRAPH_EDITED', `${D} edited paragraph 1`],
      ['SILENCE_STARTED', `${D} put the text under silence procedure until ${id.firstDeadline}`],
      ['COMMENT_ADDED', 'Civil society commented on paragraph 3'],
      ['SILENCE_BROKEN', 'Morocco broke silence: Paragraph 4 needs a reference to health care.'],
      ['SILENCE_STARTED', `${D} put the text under silence procedure until ${id.secondDeadline}`],
      ['REVISION_PUBLISHED', `${D} published Adopted text (8 paragraphs)`],
      ['DECLARATION_ADOPTED', `The declaration was adopted by consensus: the silence procedure ended on ${id.secondDeadline} unbroken`],
      ['EXPLANATION_ADDED', 'Germany explained its position on the adopted declaration'],
      ['EXPLANATION_ADDED', 'Mexico explained its position on the adopted declaration'],
    ]);
  });
});
