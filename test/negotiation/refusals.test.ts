/**
 * Every refusal of the negotiation, with its code, and nothing changed: the
 * change log, the declaration as the secretariat reads it (paragraphs,
 * amendments with their supporters and opponents, revisions, explanations)
 * and the Yjs document are exactly as they were before the attempt.
 *
 * Three declarations: A (drafting, or briefly under silence), B (another
 * declaration, whose participants must learn nothing of A) and C (adopted).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import * as N from './negotiation.js';

const STATE = `query($d: ID!) { declaration(id: $d) {
  status silenceDeadline updatedAt
  paragraphs { id label number text status objectives updatedAt comments { id }
    amendments { id status text rationale decisionReason decidedAt anchor { start end quote orphaned } supporters { id } opponents { id } } }
  revisions { id name sequence paragraphs { label number text status } }
  explanationsOfPosition { id text }
} documentState(declarationId: $d) { seq stateVector } }`;

type Who = 'secretariat' | 'coFacilitator' | 'coFacilitator2' | 'delegation' | 'delegation2' | 'stakeholder' | 'observer';
const NOT_CO_FACILITATORS: Who[] = ['secretariat', 'delegation', 'delegation2', 'stakeholder', 'observer'];
const NOT_DELEGATIONS: Who[] = ['secretariat', 'coFacilitator', 'coFacilitator2', 'stakeholder', 'observer'];

let server: TestServer;
let admin: GraphQLTestClient;
let A: Cast;
let B: Cast;
let C: Cast;
/** Ids in A, B and C. */
const a: Record<string, string> = {};
const b: Record<string, string> = {};
const c: Record<string, string> = {};

async function snapshot(declarationId: string) {
  const [state, log] = await Promise.all([admin.ok(STATE, { d: declarationId }), changeLog(admin, declarationId)]);
  return { state, log };
}

type Attempt = [label: string, client: GraphQLTestClient, document: string, variables: Record<string, unknown>];

/** Each attempt is refused with `code`, and the given declarations are exactly as they were. */
async function refused(code: string, attempts: Attempt[], declarations: string[] = [A.declarationId]) {
  const before = await Promise.all(declarations.map(snapshot));
  for (const [label, client, document, variables] of attempts) {
    expect(await client.errorCode(document, variables), label).toBe(code);
  }
  expect(await Promise.all(declarations.map(snapshot)), 'nothing changed').toEqual(before);
}

/** The same operation by each of `who` in `cast`. */
const by = (cast: Cast, who: Who[], name: string, document: string, variables: Record<string, unknown>): Attempt[] =>
  who.map((w) => [`${name} by ${w}`, cast[w], document, variables]);

/** A declaration with one section of `texts`, its zero draft published. */
async function draft(cast: Cast, texts: string[]) {
  const section = await addSection(cast.coFacilitator, cast.declarationId, 'Introduction');
  const ids: string[] = [];
  for (const text of texts) ids.push((await addParagraph(cast.coFacilitator, section.id, { text, afterParagraphId: ids.at(-1) ?? null })).id);
  const zero = await N.publish(cast.coFacilitator, cast.declarationId);
  return { section: section.id, ids, zero: zero.id };
}

const propose = async (client: GraphQLTestClient, p: string, text: string, anchor: { start: number; end: number } | null = null) =>
  (await client.ok(N.PROPOSE, { p, i: { text, anchor } })).proposeAmendment.id as string;

beforeAll(async () => {
  server = await startServer();
  admin = server.client();
  [A, B, C] = [await createCast(server, 'A'), await createCast(server, 'B'), await createCast(server, 'C')];

  const da = await draft(A, [
    'We reaffirm the Global Compact.',
    'We note progress in data collection.',
    'We commit to fair and ethical recruitment.',
    'We will review progress in 2026.',
  ]);
  Object.assign(a, { section: da.section, p1: da.ids[0], p2: da.ids[1], p3: da.ids[2], p4: da.ids[3], zero: da.zero });
  a.pending = await propose(A.delegation, a.p1!, 'We firmly reaffirm', { start: 0, end: 11 });
  a.accepted = await propose(A.delegation, a.p2!, 'We welcome progress in data collection.');
  a.rejected = await propose(A.delegation, a.p2!, '');
  a.withdrawn = await propose(A.delegation, a.p3!, 'decent', { start: 13, end: 17 });
  a.onAgreed = await propose(A.delegation2, a.p4!, 'We will review progress at the next Forum.');
  await A.delegation2.ok(N.SUPPORT, { a: a.pending });
  await A.coFacilitator.ok(N.ACCEPT, { a: a.accepted });
  await A.coFacilitator.ok(N.REJECT, { a: a.rejected, r: 'Not agreed.' });
  await A.delegation.ok(N.WITHDRAW, { a: a.withdrawn });
  await A.coFacilitator.ok(N.SET_STATUS, { p: a.p4, s: 'AGREED' });

  const db = await draft(B, ['Another declaration.']);
  Object.assign(b, { p1: db.ids[0], zero: db.zero });
  b.pending = await propose(B.delegation, b.p1!, 'Yet another declaration.');

  const dc = await draft(C, ['Adopted text.']);
  Object.assign(c, { p1: dc.ids[0] });
  c.pending = await propose(C.delegation, c.p1!, 'An adopted text.');
  await C.coFacilitator.ok(N.START_SILENCE, { d: C.declarationId, t: N.inMs(1_500) });
  await N.untilAdopted(C.observer, C.declarationId);
});

afterAll(async () => {
  await server?.stop({ dropDatabase: true });
});

describe('refusals by role: FORBIDDEN', () => {
  it('lets only co-facilitators publish, accept, reject, start the silence procedure and adopt', async () => {
    const d = A.declarationId;
    await refused('FORBIDDEN', [
      ...by(A, NOT_CO_FACILITATORS, 'publishRevision', N.PUBLISH, { d }),
      ...by(A, NOT_CO_FACILITATORS, 'acceptAmendment', N.ACCEPT, { a: a.pending }),
      ...by(A, NOT_CO_FACILITATORS, 'rejectAmendment', N.REJECT, { a: a.pending, r: 'No.' }),
      ...by(A, NOT_CO_FACILITATORS, 'startSilenceProcedure', N.START_SILENCE, { d, t: N.inMs(3_600_000) }),
      ...by(A, NOT_CO_FACILITATORS, 'adoptDeclaration', N.ADOPT, { d }),
    ]);
  });

  it('lets only delegations propose, support, oppose and withdraw amendments', async () => {
    await refused('FORBIDDEN', [
      ...by(A, NOT_DELEGATIONS, 'proposeAmendment', N.PROPOSE, { p: a.p1, i: { text: 'Ours.' } }),
      ...by(A, NOT_DELEGATIONS, 'supportAmendment', N.SUPPORT, { a: a.pending }),
      ...by(A, NOT_DELEGATIONS, 'opposeAmendment', N.OPPOSE, { a: a.pending }),
      ...by(A, NOT_DELEGATIONS, 'withdrawAmendment', N.WITHDRAW, { a: a.pending }),
    ]);
  });

  it("lets only the proposer withdraw: Morocco cannot withdraw Mexico's amendment", async () => {
    await refused('FORBIDDEN', [['withdraw by another delegation', A.delegation2, N.WITHDRAW, { a: a.pending }]]);
  });

  it('lets only delegations explain their position, after adoption', async () => {
    await refused('FORBIDDEN', by(C, NOT_DELEGATIONS, 'addExplanationOfPosition', N.EXPLAIN, { d: C.declarationId, t: 'Our position.' }), [C.declarationId]);
  });
});

describe('refusals by lifecycle: CONFLICT', () => {
  it('decides an amendment once: accepted, rejected or withdrawn stays so', async () => {
    const decided = [a.accepted, a.rejected, a.withdrawn];
    await refused('CONFLICT', [
      ...decided.flatMap((id): Attempt[] => [
        [`accept ${id}`, A.coFacilitator, N.ACCEPT, { a: id }],
        [`reject ${id}`, A.coFacilitator2, N.REJECT, { a: id, r: 'Again.' }],
        [`support ${id}`, A.delegation2, N.SUPPORT, { a: id }],
        [`oppose ${id}`, A.delegation2, N.OPPOSE, { a: id }],
        [`withdraw ${id}`, A.delegation, N.WITHDRAW, { a: id }],
      ]),
    ]);
  });

  it('refuses to adopt, to break silence or to explain a position while DRAFTING', async () => {
    const d = A.declarationId;
    await refused('CONFLICT', [
      ['adopt while drafting', A.coFacilitator, N.ADOPT, { d }],
      ['break silence while drafting', A.delegation, N.BREAK_SILENCE, { d, r: 'There is no silence.' }],
      ['explain a position while drafting', A.delegation, N.EXPLAIN, { d, t: 'Too early.' }],
    ]);
  });

  it('refuses amendments on an AGREED paragraph, and accepting one whose paragraph became AGREED', async () => {
    await refused('CONFLICT', [
      ['propose on an agreed paragraph', A.delegation, N.PROPOSE, { p: a.p4, i: { text: 'Reopen it.' } }],
      ['accept on a paragraph agreed since', A.coFacilitator, N.ACCEPT, { a: a.onAgreed }],
    ]);
    const [amendment] = (await admin.ok(N.AMENDMENTS, { p: a.p4 })).paragraph.amendments;
    expect(amendment.status).toBe('PENDING');
  });

  it('freezes everything but comments and breaking silence under the silence procedure', async () => {
    const d = A.declarationId;
    await A.coFacilitator.ok(N.START_SILENCE, { d, t: N.inMs(3_600_000) });
    await refused('CONFLICT', [
      ['publish', A.coFacilitator, N.PUBLISH, { d }],
      ['start silence again', A.coFacilitator2, N.START_SILENCE, { d, t: N.inMs(7_200_000) }],
      ['adopt before the deadline', A.coFacilitator, N.ADOPT, { d }],
      ['propose', A.delegation, N.PROPOSE, { p: a.p1, i: { text: 'Late.' } }],
      ['support', A.delegation2, N.SUPPORT, { a: a.pending }],
      ['oppose', A.delegation2, N.OPPOSE, { a: a.pending }],
      ['withdraw', A.delegation, N.WITHDRAW, { a: a.pending }],
      ['accept', A.coFacilitator, N.ACCEPT, { a: a.pending }],
      ['reject', A.coFacilitator, N.REJECT, { a: a.pending }],
      ['explain a position', A.delegation, N.EXPLAIN, { d, t: 'Too early.' }],
    ]);
    await refused('FORBIDDEN', by(A, NOT_DELEGATIONS, 'breakSilence', N.BREAK_SILENCE, { d, r: 'We object.' }));
    await refused('BAD_USER_INPUT', [
      ['break silence without a reason', A.delegation, N.BREAK_SILENCE, { d, r: '' }],
      ['break silence with a blank reason', A.delegation, N.BREAK_SILENCE, { d, r: '   ' }],
      ['break silence with a reason too long', A.delegation, N.BREAK_SILENCE, { d, r: 'r'.repeat(20_001) }],
    ]);
    expect((await A.delegation.ok(N.BREAK_SILENCE, { d, r: 'Back to the table.' })).breakSilence.status).toBe('DRAFTING');
  });

  it('freezes everything after adoption', async () => {
    const d = C.declarationId;
    await refused(
      'CONFLICT',
      [
        ['adopt again', C.coFacilitator, N.ADOPT, { d }],
        ['break silence', C.delegation, N.BREAK_SILENCE, { d, r: 'Too late.' }],
        ['start silence', C.coFacilitator, N.START_SILENCE, { d, t: N.inMs(3_600_000) }],
        ['publish', C.coFacilitator, N.PUBLISH, { d }],
        ['propose', C.delegation, N.PROPOSE, { p: c.p1, i: { text: 'Too late.' } }],
        ['support', C.delegation2, N.SUPPORT, { a: c.pending }],
        ['withdraw', C.delegation, N.WITHDRAW, { a: c.pending }],
        ['accept', C.coFacilitator, N.ACCEPT, { a: c.pending }],
        ['comment', C.stakeholder, N.ADD_COMMENT, { p: c.p1, i: { body: 'Too late.' } }],
      ],
      [d],
    );
    await refused('BAD_USER_INPUT', [['an empty explanation of position', C.delegation, N.EXPLAIN, { d, t: ' ' }]], [d]);
  });
});

describe('refusals of bad input: BAD_USER_INPUT and NOT_FOUND', () => {
  it('refuses anchors outside the paragraph', async () => {
    const length = 'We reaffirm the Global Compact.'.length;
    await refused('BAD_USER_INPUT', [
      ['end past the text', A.delegation, N.PROPOSE, { p: a.p1, i: { text: 'x', anchor: { start: 0, end: length + 1 } } }],
      ['start after end', A.delegation, N.PROPOSE, { p: a.p1, i: { text: 'x', anchor: { start: 5, end: 4 } } }],
      ['negative start', A.delegation, N.PROPOSE, { p: a.p1, i: { text: 'x', anchor: { start: -1, end: 2 } } }],
    ]);
  });

  it('refuses over-long input, supporting one\'s own amendment and a deadline that has passed', async () => {
    const d = A.declarationId;
    await refused('BAD_USER_INPUT', [
      ['a revision name too long', A.coFacilitator, N.PUBLISH, { d, n: 'R'.repeat(501) }],
      ['an amendment text too long', A.delegation, N.PROPOSE, { p: a.p1, i: { text: 'x'.repeat(100_001) } }],
      ['a rejection reason too long', A.coFacilitator, N.REJECT, { a: a.pending, r: 'r'.repeat(20_001) }],
      ['supporting its own amendment', A.delegation, N.SUPPORT, { a: a.pending }],
      ['a deadline in the past', A.coFacilitator, N.START_SILENCE, { d, t: N.inMs(-1_000) }],
      ['a deadline that is no date', A.coFacilitator, N.START_SILENCE, { d, t: 'next Tuesday' }],
    ]);
  });

  it('refuses to diff against a revision of another declaration', async () => {
    await refused('BAD_USER_INPUT', [['the secretariat, who sees both', admin, N.DIFF, { r: a.zero, a: b.zero }]], [A.declarationId, B.declarationId]);
    await refused('NOT_FOUND', [["A's co-facilitator, who cannot see B", A.coFacilitator, N.DIFF, { r: a.zero, a: b.zero }]]);
  });

  it('answers NOT_FOUND for unknown amendments and revisions', async () => {
    const d = A.declarationId;
    const ghosts = [randomUUID(), 'not-an-id'];
    await refused('NOT_FOUND', [
      ...ghosts.flatMap((id): Attempt[] => [
        [`support ${id}`, A.delegation, N.SUPPORT, { a: id }],
        [`oppose ${id}`, A.delegation, N.OPPOSE, { a: id }],
        [`withdraw ${id}`, A.delegation, N.WITHDRAW, { a: id }],
        [`accept ${id}`, A.coFacilitator, N.ACCEPT, { a: id }],
        [`reject ${id}`, A.coFacilitator, N.REJECT, { a: id }],
        [`revision ${id}`, A.observer, N.REVISION, { r: id }],
        [`diff against ${id}`, A.observer, N.DIFF, { r: a.zero, a: id }],
        [`export of revision ${id}`, A.observer, N.EXPORT, { d, f: 'MARKDOWN', r: id }],
      ]),
      ['propose on an unknown paragraph', A.delegation, N.PROPOSE, { p: randomUUID(), i: { text: 'x' } }],
      ['publish in an unknown declaration', A.coFacilitator, N.PUBLISH, { d: randomUUID() }],
    ]);
  });
});

describe('another declaration: NOT_FOUND, never FORBIDDEN', () => {
  it("gives B's participants nothing of A's revisions, amendments or exports", async () => {
    const d = A.declarationId;
    const everyoneOfB: Who[] = ['coFacilitator', 'delegation', 'stakeholder', 'observer'];
    await refused(
      'NOT_FOUND',
      [
        ...by(B, everyoneOfB, "A's zero draft", N.REVISION, { r: a.zero }),
        ...by(B, everyoneOfB, "A's paragraph and its amendments", N.AMENDMENTS, { p: a.p1 }),
        ...['MARKDOWN', 'HTML', 'AKOMA_NTOSO', 'COMPILATION'].flatMap((f) => by(B, everyoneOfB, `export ${f} of A`, N.EXPORT, { d, f })),
        ["B's own export with A's revision", B.observer, N.EXPORT, { d: B.declarationId, f: 'MARKDOWN', r: a.zero }],
        ["B's diff against A's revision", B.observer, N.DIFF, { r: b.zero, a: a.zero }],
        ['support', B.delegation, N.SUPPORT, { a: a.pending }],
        ['oppose', B.delegation2, N.OPPOSE, { a: a.pending }],
        ['withdraw', B.delegation, N.WITHDRAW, { a: a.pending }],
        ['accept', B.coFacilitator, N.ACCEPT, { a: a.pending }],
        ['reject', B.coFacilitator, N.REJECT, { a: a.pending }],
        ['propose', B.delegation, N.PROPOSE, { p: a.p1, i: { text: 'x' } }],
        ['publish', B.coFacilitator, N.PUBLISH, { d }],
        ['start silence', B.coFacilitator, N.START_SILENCE, { d, t: N.inMs(3_600_000) }],
        ['adopt', B.coFacilitator, N.ADOPT, { d }],
        ['break silence', B.delegation, N.BREAK_SILENCE, { d, r: 'Not ours.' }],
        ['explain', B.delegation, N.EXPLAIN, { d, t: 'Not ours.' }],
      ],
      [A.declarationId, B.declarationId],
    );
  });

  it('answers the HTTP exports of A to B with 404, and to nobody with 401', async () => {
    const base = server.url.replace(/\/graphql$/, '');
    for (const file of ['export.md', 'export.html', 'export.xml', 'export.compilation.md']) {
      const response = await fetch(`${base}/declarations/${A.declarationId}/${file}`, { headers: { authorization: `Bearer ${B.observer.token}` } });
      expect(response.status, file).toBe(404);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('NOT_FOUND');
      const revision = await fetch(`${base}/declarations/${B.declarationId}/${file}?revisionId=${a.zero}`, { headers: { authorization: `Bearer ${B.observer.token}` } });
      expect(revision.status, `${file} of A's revision`).toBe(404);
      expect((await fetch(`${base}/declarations/${A.declarationId}/${file}`)).status).toBe(401);
    }
  });
});
