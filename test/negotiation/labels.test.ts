/**
 * Negotiation labels through the API: what delegations call a paragraph.
 * Before the first revision a label is the paragraph's number; once a
 * revision is published the labels in it are fixed wherever the paragraphs
 * move, insertions take "bis", "ter", ... after the label before them, never
 * a label already taken; and adoption relabels the live paragraphs 1..N.
 *
 * One declaration goes through the steps in order (zero draft, insertions,
 * Rev.1, moves, deletions, Rev.2, adoption); another shows the labels before
 * any revision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import * as N from './negotiation.js';

let server: TestServer;
let cast: Cast;
let pen: GraphQLTestClient;
let d: string;
/** Paragraph and section ids by name. */
const id: Record<string, string> = {};

/** The labels of the named paragraphs, in the order of the names. */
const labelsOf = async (...names: string[]) => N.labelsOf(cast.observer, d, names.map((n) => id[n]!));
/** Every paragraph's label by id. */
const labelMap = async () => new Map((await N.paragraphs(cast.observer, d)).map((p) => [p.id, p.label]));

async function add(name: string, section: string, after?: string, client = pen) {
  const added = await addParagraph(client, id[section]!, { text: `Paragraph ${name}.`, afterParagraphId: after ? id[after] : null });
  id[name] = added.id;
  return added;
}

async function move(name: string, section: string, after?: string) {
  return (await pen.ok(N.MOVE, { p: id[name], i: { sectionId: id[section], afterParagraphId: after ? id[after] : null } })).moveParagraph;
}

const LATIN = ['bis', 'ter', 'quater', 'quinquies', 'sexies', 'septies', 'octies', 'novies', 'decies'];
const RUN = LATIN.map((_, i) => `r${i + 1}`);

beforeAll(async () => {
  server = await startServer();
  cast = await createCast(server, 'Labels');
  pen = cast.coFacilitator;
  d = cast.declarationId;
});

afterAll(async () => {
  await server?.stop({ dropDatabase: true });
});

describe('before any revision', () => {
  it('labels every paragraph with its number, which follows insertions, moves and deletions', async () => {
    const other = await createCast(server, 'No revision yet');
    const section = await addSection(other.coFacilitator, other.declarationId);
    const p1 = await addParagraph(other.coFacilitator, section.id, { text: 'One.' });
    const p2 = await addParagraph(other.coFacilitator, section.id, { text: 'Two.', afterParagraphId: p1.id });
    const p3 = await addParagraph(other.coFacilitator, section.id, { text: 'Three.', afterParagraphId: p2.id });
    const first = await addParagraph(other.coFacilitator, section.id, { text: 'New first.' });
    expect(first).toMatchObject({ label: '1', number: 1 });
    const ids = [first.id, p1.id, p2.id, p3.id];
    expect(await N.labelsOf(other.observer, other.declarationId, ids)).toEqual(['1', '2', '3', '4']);

    await other.coFacilitator.ok(N.MOVE, { p: first.id, i: { sectionId: section.id, afterParagraphId: p3.id } });
    expect(await N.labelsOf(other.observer, other.declarationId, ids)).toEqual(['4', '1', '2', '3']);

    // A DELETED paragraph has no number: it is labelled like an insertion at its place.
    await other.coFacilitator.ok(N.SET_STATUS, { p: p2.id, s: 'DELETED' });
    expect(await N.labelsOf(other.observer, other.declarationId, ids)).toEqual(['3', '1', '1 bis', '2']);
  });
});

describe('a declaration from zero draft to adoption', () => {
  it('publishes the zero draft with labels 1..6', async () => {
    for (const [i, title] of ['Introduction', 'Progress', 'Actions'].entries()) id[`S${i + 1}`] = (await addSection(pen, d, title)).id;
    await add('a1', 'S1');
    await add('a2', 'S1', 'a1');
    await add('a3', 'S1', 'a2');
    await add('b1', 'S2');
    await add('b2', 'S2', 'b1');
    await add('c1', 'S3');
    await N.publish(pen, d);
    expect(await N.labels(cast.observer, d)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('labels a run of insertions after "2" bis, ter, quater, ... decies', async () => {
    let after = 'a2';
    for (const [i, name] of RUN.entries()) {
      expect((await add(name, 'S1', after, i % 2 ? cast.coFacilitator2 : pen)).label).toBe(`2 ${LATIN[i]}`);
      after = name;
    }
    expect(await labelsOf('a2', ...RUN, 'a3')).toEqual(['2', ...LATIN.map((s) => `2 ${s}`), '3']);
  });

  it('labels an insertion before the first paragraph "0 bis"', async () => {
    expect((await add('z1', 'S1')).label).toBe('0 bis');
    expect((await N.paragraphs(cast.observer, d))[0]).toMatchObject({ id: id.z1, label: '0 bis', number: 1 });
  });

  it('labels unpublished insertions in document order until a revision fixes them', async () => {
    expect((await add('s1', 'S3', 'c1')).label).toBe('6 bis');
    // Inserted between "6" and the unpublished "6 bis": it takes "6 bis", the other moves on.
    expect((await add('s2', 'S3', 'c1')).label).toBe('6 bis');
    expect(await labelsOf('c1', 's2', 's1')).toEqual(['6', '6 bis', '6 ter']);
  });

  it('fixes every label at Rev.1, as recorded in the revision', async () => {
    const rev1 = await N.publish(pen, d);
    id.rev1 = rev1.id;
    const recorded = await N.revisionParagraphs(cast.observer, rev1.id);
    expect(recorded.map((p) => p.label)).toEqual([
      '0 bis', '1', '2', ...LATIN.map((s) => `2 ${s}`), '3', '4', '5', '6', '6 bis', '6 ter',
    ]);
    expect(recorded.map((p) => p.number)).toEqual(recorded.map((_, i) => i + 1));
  });

  it('labels insertions between insertions with the next suffix not yet taken', async () => {
    // Between "2" and "2 bis": bis to decies are taken.
    expect((await add('i1', 'S1', 'a2')).label).toBe('2 undecies');
    // Between "2 ter" and "2 quater": quater to undecies are taken.
    expect((await add('i2', 'S1', 'r2')).label).toBe('2 duodecies');
    // Before "0 bis", the first paragraph.
    expect((await add('i3', 'S1')).label).toBe('0 ter');
    // After "5", the last of its section, before "6" in the next.
    expect((await add('i4', 'S2', 'b2')).label).toBe('5 bis');
    expect(await labelsOf('i3', 'z1', 'a1', 'a2', 'i1', 'r1', 'r2', 'i2', 'r3')).toEqual([
      '0 ter', '0 bis', '1', '2', '2 undecies', '2 bis', '2 ter', '2 duodecies', '2 quater',
    ]);
    expect(new Set(await N.labels(cast.observer, d)).size, 'no label is given twice').toBe((await N.labels(cast.observer, d)).length);
  });

  it('keeps the labels of published paragraphs wherever they move; the numbers follow the order', async () => {
    const before = await labelMap();
    expect(await move('a1', 'S3', 's1')).toMatchObject({ label: '1', number: 22 });
    expect(await move('r2', 'S2')).toMatchObject({ label: '2 ter' });
    // An unpublished paragraph has no fixed label yet: moved after "1", it continues from there.
    expect(await move('i3', 'S3', 'a1')).toMatchObject({ label: '1 bis', number: 22 });
    const after = await labelMap();
    for (const [paragraph, label] of before) if (paragraph !== id.i3) expect(after.get(paragraph), label).toBe(label);
    expect((await N.paragraphs(cast.observer, d)).map((p) => p.number)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect((await cast.delegation.ok(N.BY_LABEL, { d, l: '1' })).declaration.paragraph).toMatchObject({ id: id.a1, number: 21 });
  });

  it('keeps the label of a deleted paragraph, and every other label; numbers skip it', async () => {
    const before = await labelMap();
    expect((await pen.ok(N.SET_STATUS, { p: id.r1, s: 'DELETED' })).setParagraphStatus).toMatchObject({ label: '2 bis', number: null });
    expect((await pen.ok(N.SET_STATUS, { p: id.i1, s: 'DELETED' })).setParagraphStatus).toMatchObject({ label: '2 undecies', number: null });
    expect(await labelMap()).toEqual(before);
    const numbers = (await N.paragraphs(cast.observer, d)).map((p) => p.number);
    expect(numbers.filter((n) => n !== null)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('keeps every Rev.1 label in Rev.2, and fixes the labels given since', async () => {
    const current = await labelMap();
    const rev2 = await N.publish(pen, d);
    id.rev2 = rev2.id;
    expect(rev2).toMatchObject({ name: 'Rev.2', sequence: 2 });
    const rev1 = await N.revisionParagraphs(cast.observer, id.rev1!);
    const recorded = new Map((await N.revisionParagraphs(cast.observer, rev2.id)).map((p) => [p.paragraphId, p.label]));
    for (const p of rev1) expect(recorded.get(p.paragraphId), `Rev.1 "${p.label}"`).toBe(p.label);
    expect(recorded).toEqual(current);

    const changes = await N.diff(cast.observer, rev2.id);
    expect(changes.filter((c) => c.change !== 'UNCHANGED').map((c) => [c.label, c.change])).toEqual([
      ['2 bis', 'REMOVED'], ['2 duodecies', 'ADDED'], ['5 bis', 'ADDED'], ['1 bis', 'ADDED'],
    ]);
    expect(changes.every((c) => c.label === recorded.get(c.paragraphId)), 'a diff names paragraphs by their Rev.2 labels').toBe(true);

    // "2 bis" to "2 duodecies" are taken, deleted ones included.
    expect((await add('n1', 'S1', 'a2')).label).toBe('2 terdecies');
    // Between "5 bis", fixed since Rev.2, and "6" in the next section.
    expect((await add('n2', 'S2', 'i4')).label).toBe('5 ter');
  });

  it('relabels the live paragraphs 1..N at adoption, the deleted ones after them', async () => {
    await pen.ok(N.START_SILENCE, { d, t: N.inMs(1_500) });
    await N.untilAdopted(cast.observer, d);
    const order = ['z1', 'a2', 'n1', 'i1', 'r1', 'i2', ...RUN.slice(2), 'a3', 'r2', 'b1', 'b2', 'i4', 'n2', 'c1', 's2', 's1', 'a1', 'i3'];
    const live = order.filter((n) => n !== 'i1' && n !== 'r1');
    const expected = new Map(live.map((n, i) => [id[n], String(i + 1)]));
    expected.set(id.i1!, '3 bis').set(id.r1!, '3 ter');
    const all = await N.paragraphs(cast.observer, d);
    expect(all.map((p) => p.id)).toEqual(order.map((n) => id[n]));
    expect(new Map(all.map((p) => [p.id, p.label]))).toEqual(expected);
    expect(all.map((p) => p.number)).toEqual(all.map((p) => (p.status === 'DELETED' ? null : Number(p.label))));

    const revisions = (await cast.observer.ok(N.REVISIONS, { d })).declaration.revisions;
    expect(revisions.at(-1)).toMatchObject({ name: 'Adopted text', sequence: 3 });
    const adopted = await N.revisionParagraphs(cast.observer, revisions.at(-1).id);
    expect(new Map(adopted.map((p) => [p.paragraphId, p.label]))).toEqual(expected);
    expect((await cast.delegation.ok(N.BY_LABEL, { d, l: '1' })).declaration.paragraph).toMatchObject({ id: id.z1, number: 1 });
    expect((await cast.delegation.ok(N.BY_LABEL, { d, l: '2 bis' })).declaration.paragraph, 'the negotiation labels are gone').toBeNull();
  });
});
