/**
 * The permission table of DESIGN.md, end to end: every operation served today,
 * by every role, through the real server over HTTP (and some over WebSocket).
 *
 * Each row is checked both ways: the roles it lists succeed (exact data, and
 * exactly one new change event), the others are refused with the exact code,
 * and a refused operation changes nothing (the declaration as the secretariat
 * reads it, its change log and the list of declarations are as they were).
 *
 * Two declarations live side by side: A (with one participant of every role)
 * and B. A participant of A asking for anything of B gets NOT_FOUND, exactly
 * the answer for an id that does not exist, never FORBIDDEN.
 *
 * Tests that succeed work where they cannot disturb the others: the structure
 * edits in a fresh declaration each, the comments on paragraph 3 of A, which
 * no other test reads exactly.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLTestClient, Result } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, createDeclaration, invite, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';

// ---------------------------------------------------------------- documents

const VIEWER = '{ viewer { id name role delegation } }';
const DECLARATIONS = '{ declarations { id title } }';
const DECLARATION = 'query($id: ID!) { declaration(id: $id) { id title } }';
const PARAGRAPH = 'query($id: ID!) { paragraph(id: $id) { id text } }';
const DECLARATION_AND_PARAGRAPH = 'query($id: ID!, $p: ID!) { declaration(id: $id) { id title } paragraph(id: $p) { id text } }';
const CHANGE_LOG = 'query($d: ID!) { changeLog(declarationId: $d) { seq summary } }';
const PARTICIPANTS = 'query($id: ID!) { declaration(id: $id) { participants { id name role delegation } } }';
const READ_DECLARATION = `query($id: ID!, $p: ID!) {
  declaration(id: $id) { title forum status sections { title paragraphs { label text status objectives } } }
  paragraph(id: $p) { label number text status objectives section { title } }
}`;
/** The first page of the change log, oldest first. */
const CHANGE_LOG_KINDS = 'query($d: ID!, $n: Int) { changeLog(declarationId: $d, first: $n) { seq kind } }';
/** Everything of a declaration a refused operation could have changed. */
const STATE = `query($id: ID!) {
  declaration(id: $id) {
    id title forum status updatedAt
    participants { id name role delegation }
    sections {
      id title position
      paragraphs {
        id label number status objectives text updatedAt
        comments { id body resolved editedAt author { id } replies { id body resolved editedAt author { id } } }
      }
    }
  }
}`;

const CREATE_DECLARATION = 'mutation($i: CreateDeclarationInput!) { createDeclaration(input: $i) { id title forum status } }';
const INVITE = 'mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { token participant { id name role delegation } } }';
const ADD_SECTION = 'mutation($d: ID!, $i: AddSectionInput!) { addSection(declarationId: $d, input: $i) { id title position } }';
const ADD_PARAGRAPH =
  'mutation($s: ID!, $i: AddParagraphInput!) { addParagraph(sectionId: $s, input: $i) { id label number text status objectives section { id } } }';
const MOVE_PARAGRAPH = 'mutation($p: ID!, $i: MoveParagraphInput!) { moveParagraph(paragraphId: $p, input: $i) { id label number section { id } } }';
const SET_STATUS = 'mutation($p: ID!, $s: ParagraphStatus!) { setParagraphStatus(paragraphId: $p, status: $s) { id label status } }';
const SET_OBJECTIVES = 'mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id label objectives } }';
const ADD_COMMENT =
  'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id body resolved author { name role } replyTo { id } paragraph { id } } }';
const EDIT_COMMENT = 'mutation($c: ID!, $b: String!) { editComment(commentId: $c, body: $b) { id body editedAt } }';
const RESOLVE_COMMENT = 'mutation($c: ID!) { resolveComment(commentId: $c) { id resolved } }';
const REOPEN_COMMENT = 'mutation($c: ID!) { reopenComment(commentId: $c) { id resolved } }';

// ---------------------------------------------------------------- the cast

type Who = 'secretariat' | 'coFacilitator' | 'coFacilitator2' | 'delegation' | 'delegation2' | 'stakeholder' | 'observer';

const ROLE: Record<Who, string> = {
  secretariat: 'SECRETARIAT',
  coFacilitator: 'CO_FACILITATOR',
  coFacilitator2: 'CO_FACILITATOR',
  delegation: 'DELEGATION',
  delegation2: 'DELEGATION',
  stakeholder: 'STAKEHOLDER',
  observer: 'OBSERVER',
};

/** What `viewer` answers for each member of the cast (see factories.createCast). */
const VIEWER_OF: Record<Who, { name: string; role: string; delegation: string | null }> = {
  secretariat: { name: 'Secretariat', role: 'SECRETARIAT', delegation: null },
  coFacilitator: { name: 'Ambassador Diallo', role: 'CO_FACILITATOR', delegation: null },
  coFacilitator2: { name: 'Ambassador Voss', role: 'CO_FACILITATOR', delegation: null },
  delegation: { name: 'Delegate of Mexico', role: 'DELEGATION', delegation: 'Mexico' },
  delegation2: { name: 'Delegate of Morocco', role: 'DELEGATION', delegation: 'Morocco' },
  stakeholder: { name: 'Migrant workers network', role: 'STAKEHOLDER', delegation: 'Civil society' },
  observer: { name: 'Press observer', role: 'OBSERVER', delegation: null },
};

/** How the change log names the actor: the delegation when there is one, else the name. */
const SPEAKER: Record<Who, string> = Object.fromEntries(
  Object.entries(VIEWER_OF).map(([who, v]) => [who, v.delegation ?? v.name]),
) as Record<Who, string>;

/** One member of each role bound to a declaration (the secretariat is global). */
const DECLARATION_ROLES: Who[] = ['coFacilitator', 'delegation', 'stakeholder', 'observer'];
const EVERYONE: Who[] = ['secretariat', 'coFacilitator', 'coFacilitator2', 'delegation', 'delegation2', 'stakeholder', 'observer'];

const P1_TEXT = 'We, the Ministers and representatives of States, have met at United Nations Headquarters in New York.';
const P2_TEXT = 'We reaffirm our commitment to the Global Compact for Safe, Orderly and Regular Migration.';
const P3_TEXT = 'We commit to strengthen fair and ethical recruitment and to safeguard conditions that ensure decent work.';

/** The ids an operation acts on: declaration A's, B's, or ids that exist nowhere. */
interface Targets {
  declarationId: string;
  sectionId: string;
  otherSectionId: string;
  /** The paragraph the open comment is about. */
  paragraphId: string;
  openCommentId: string;
  resolvedCommentId: string;
}

let server: TestServer;
/** The bootstrap secretariat, reading the state before and after. */
let admin: GraphQLTestClient;
let A: Cast;
let B: Cast;
let inA: Targets & { p2: string; p3: string };
let inB: Targets & { p2: string; p3: string };
/** Paragraph 3 of A: where the successful comment tests write. */
let p3: string;
/** Every declaration on the server, in creation order. */
const knownDeclarations: string[] = [];
/** graphql-ws clients made outside the helper, closed in afterAll. */
const sockets: { dispose(): unknown }[] = [];

function ghostTargets(): Targets {
  return {
    declarationId: randomUUID(),
    sectionId: randomUUID(),
    otherSectionId: randomUUID(),
    paragraphId: randomUUID(),
    openCommentId: randomUUID(),
    resolvedCommentId: randomUUID(),
  };
}

async function addCommentAs(client: GraphQLTestClient, paragraphId: string, body: string, replyTo?: string): Promise<string> {
  const data = await client.ok(ADD_COMMENT, { p: paragraphId, i: { body, replyTo } });
  return data.addComment.id;
}

/** A declaration on its own, with a co-facilitator to hold the pen. */
async function freshDeclaration(title: string) {
  const id = await createDeclaration(admin, title);
  knownDeclarations.push(id);
  const { client: pen } = await invite(server, id, 'CO_FACILITATOR', 'Ambassador Ndiaye');
  return { id, pen };
}

/** A declaration with two sections, three paragraphs, an open comment and a resolved one. */
async function furnish(cast: Cast): Promise<Targets & { p2: string; p3: string }> {
  const s1 = await addSection(cast.coFacilitator, cast.declarationId, 'Introduction');
  const s2 = await addSection(cast.coFacilitator, cast.declarationId, 'Recommended actions');
  const p1 = await addParagraph(cast.coFacilitator, s1.id, { text: P1_TEXT, objectives: [23] });
  const p2 = await addParagraph(cast.coFacilitator, s1.id, { text: P2_TEXT, afterParagraphId: p1.id });
  const p3 = await addParagraph(cast.coFacilitator, s2.id, { text: P3_TEXT, objectives: [6] });
  const openCommentId = await addCommentAs(cast.delegation, p1.id, 'Mexico asks for a reference to the 2018 Marrakech conference.');
  const resolvedCommentId = await addCommentAs(cast.delegation2, p1.id, 'Morocco would welcome the name of the city.');
  await cast.coFacilitator.ok(RESOLVE_COMMENT, { c: resolvedCommentId });
  return {
    declarationId: cast.declarationId,
    sectionId: s1.id,
    otherSectionId: s2.id,
    paragraphId: p1.id,
    openCommentId,
    resolvedCommentId,
    p2: p2.id,
    p3: p3.id,
  };
}

/** The kinds of A's first change events, as `furnish` made them. */
const SETUP_KINDS = [
  ...Array(6).fill('PARTICIPANT_INVITED'),
  'SECTION_ADDED',
  'SECTION_ADDED',
  'PARAGRAPH_ADDED',
  'PARAGRAPH_ADDED',
  'PARAGRAPH_ADDED',
  'COMMENT_ADDED',
  'COMMENT_ADDED',
  'COMMENT_RESOLVED',
];

// ---------------------------------------------------------------- assertions

/** The codes of a result's errors, in order ([] when it succeeded). */
function codes(result: Pick<Result, 'errors'>): (string | undefined)[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}

/** Asserts exactly one error, with `code`, and exactly `data`. */
function expectRefused(result: Pick<Result, 'errors' | 'data'>, code: string, data: unknown) {
  expect({ codes: codes(result), data: result.data }).toEqual({ codes: [code], data });
}

/** Everything a refused operation could have changed, as the secretariat sees it. */
async function stateOf(declarationIds: string[]) {
  const declarations = (await admin.ok(DECLARATIONS)).declarations;
  const each = [];
  for (const id of declarationIds) {
    const data = await admin.ok(STATE, { id });
    each.push({ declaration: data.declaration, changeLog: await changeLog(admin, id) });
  }
  return { declarations, each };
}

/** Runs `act` and asserts that it changed nothing in `declarationIds` nor the list of declarations. */
async function changesNothing<T>(declarationIds: string[], act: () => Promise<T>): Promise<T> {
  const before = await stateOf(declarationIds);
  const result = await act();
  expect(await stateOf(declarationIds)).toEqual(before);
  return result;
}

/** Runs `act` and returns it with the change events it added to `declarationId`. */
async function withEvents<T>(declarationId: string, act: () => Promise<T>) {
  const before = await changeLog(admin, declarationId);
  const result = await act();
  const after = await changeLog(admin, declarationId);
  expect(after.slice(0, before.length)).toEqual(before);
  return { result, events: after.slice(before.length), nextSeq: before.length + 1 };
}

/** One operation over graphql-ws with an arbitrary connection_init payload. */
async function overSocketWith(connectionParams: Record<string, unknown>, query: string, variables?: Record<string, unknown>) {
  const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
  sockets.push(client);
  try {
    const iterator = client.iterate({ query, variables });
    const first = await iterator.next();
    await iterator.return?.();
    return first.value as Pick<Result, 'errors' | 'data'>;
  } finally {
    await client.dispose();
  }
}

// ---------------------------------------------------------------- operations

interface Operation {
  /** What the operation does, as a sentence fragment. */
  action: string;
  query: string;
  variables: (t: Targets) => Record<string, unknown>;
  /** `data` when the operation is refused (null: a non-null root field). */
  refusedData: unknown;
}

const READS: Operation[] = [
  { action: 'read the declaration', query: DECLARATION, variables: (t) => ({ id: t.declarationId }), refusedData: { declaration: null } },
  { action: 'read a paragraph', query: PARAGRAPH, variables: (t) => ({ id: t.paragraphId }), refusedData: { paragraph: null } },
  { action: 'read the change log', query: CHANGE_LOG, variables: (t) => ({ d: t.declarationId }), refusedData: null },
];

const INVITE_PARTICIPANT: Operation = {
  action: 'invite a participant',
  query: INVITE,
  variables: (t) => ({ d: t.declarationId, i: { name: 'Uninvited guest', role: 'OBSERVER', delegation: null } }),
  refusedData: null,
};

const STRUCTURE_EDITS: Operation[] = [
  { action: 'add a section', query: ADD_SECTION, variables: (t) => ({ d: t.declarationId, i: { title: 'Annex' } }), refusedData: null },
  {
    action: 'add a paragraph',
    query: ADD_PARAGRAPH,
    variables: (t) => ({ s: t.sectionId, i: { text: 'A paragraph nobody was allowed to add.', objectives: [7] } }),
    refusedData: null,
  },
  {
    action: 'move a paragraph',
    query: MOVE_PARAGRAPH,
    variables: (t) => ({ p: t.paragraphId, i: { sectionId: t.otherSectionId } }),
    refusedData: null,
  },
  { action: "set a paragraph's status", query: SET_STATUS, variables: (t) => ({ p: t.paragraphId, s: 'AGREED' }), refusedData: null },
  { action: "set a paragraph's objectives", query: SET_OBJECTIVES, variables: (t) => ({ p: t.paragraphId, o: [7, 17] }), refusedData: null },
];

const COMMENT_WRITES: Operation[] = [
  { action: 'comment on a paragraph', query: ADD_COMMENT, variables: (t) => ({ p: t.paragraphId, i: { body: 'Noted.' } }), refusedData: null },
  {
    action: 'reply to a comment',
    query: ADD_COMMENT,
    variables: (t) => ({ p: t.paragraphId, i: { body: 'Agreed.', replyTo: t.openCommentId } }),
    refusedData: null,
  },
  { action: 'resolve a comment', query: RESOLVE_COMMENT, variables: (t) => ({ c: t.openCommentId }), refusedData: null },
  { action: 'reopen a comment', query: REOPEN_COMMENT, variables: (t) => ({ c: t.resolvedCommentId }), refusedData: null },
];

const EDIT_OPEN_COMMENT: Operation = {
  action: 'edit a comment',
  query: EDIT_COMMENT,
  variables: (t) => ({ c: t.openCommentId, b: 'Rewritten by someone else.' }),
  refusedData: null,
};

const MUTATIONS: Operation[] = [INVITE_PARTICIPANT, ...STRUCTURE_EDITS, ...COMMENT_WRITES, EDIT_OPEN_COMMENT];

/** Who is acting, as the subject of a test's sentence. */
const SUBJECT: Record<Who, string> = {
  secretariat: 'the SECRETARIAT',
  coFacilitator: 'a CO_FACILITATOR',
  coFacilitator2: 'the other CO_FACILITATOR',
  delegation: 'a DELEGATION (Mexico)',
  delegation2: 'another DELEGATION (Morocco)',
  stakeholder: 'a STAKEHOLDER',
  observer: 'an OBSERVER',
};

/** [subject, who] pairs for it.each: titles read '%s reads ...' without quotes. */
function people(whos: Who[]): [string, Who][] {
  return whos.map((who) => [SUBJECT[who], who]);
}

/**
 * Every pairing of `whos` with `operations`, for it.each: [subject, action,
 * case], so that titles read '%s may not %s' without quotes.
 */
function cases(whos: Who[], operations: Operation[]): [string, string, Operation & { who: Who }][] {
  return operations.flatMap((op) => whos.map((who): [string, string, Operation & { who: Who }] => [SUBJECT[who], op.action, { ...op, who }]));
}

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  server = await startServer();
  admin = server.client();
  A = await createCast(server, 'Progress Declaration');
  knownDeclarations.push(A.declarationId);
  B = await createCast(server, 'Progress Declaration of the next Forum');
  knownDeclarations.push(B.declarationId);
  const a = await furnish(A);
  p3 = a.p3;
  inA = a;
  inB = await furnish(B);
});

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await server?.stop({ dropDatabase: true });
});

// ---------------------------------------------------------------- tests

describe('without a valid token', () => {
  const HTTP_CREDENTIALS: { credential: string; header: () => string | null }[] = [
    { credential: 'no Authorization header', header: () => null },
    { credential: 'an unknown bearer token', header: () => `Bearer drt_${randomBytes(32).toString('base64url')}` },
    { credential: "the secretariat's token without the Bearer scheme", header: () => server.bootstrapToken },
    { credential: 'a Basic credential', header: () => `Basic ${Buffer.from(`secretariat:${server.bootstrapToken}`).toString('base64')}` },
    { credential: 'the Bearer scheme without a token', header: () => 'Bearer' },
    { credential: 'two tokens after Bearer', header: () => `Bearer ${server.bootstrapToken} ${server.bootstrapToken}` },
  ];

  const OPERATIONS: { operation: string; query: string; variables: () => Record<string, unknown>; data: unknown }[] = [
    { operation: 'viewer', query: VIEWER, variables: () => ({}), data: null },
    { operation: 'declarations', query: DECLARATIONS, variables: () => ({}), data: null },
    { operation: 'declaration', query: DECLARATION, variables: () => ({ id: A.declarationId }), data: { declaration: null } },
    { operation: 'paragraph', query: PARAGRAPH, variables: () => ({ id: inA.paragraphId }), data: { paragraph: null } },
    { operation: 'paragraph of an id that does not exist', query: PARAGRAPH, variables: () => ({ id: randomUUID() }), data: { paragraph: null } },
    { operation: 'changeLog', query: CHANGE_LOG, variables: () => ({ d: A.declarationId }), data: null },
    {
      operation: 'createDeclaration',
      query: CREATE_DECLARATION,
      variables: () => ({ i: { title: 'Anonymous declaration' } }),
      data: null,
    },
    { operation: 'inviteParticipant', query: INVITE, variables: () => INVITE_PARTICIPANT.variables(inA), data: null },
    { operation: 'addSection', query: ADD_SECTION, variables: () => STRUCTURE_EDITS[0]!.variables(inA), data: null },
    { operation: 'addComment', query: ADD_COMMENT, variables: () => COMMENT_WRITES[0]!.variables(inA), data: null },
    { operation: 'resolveComment', query: RESOLVE_COMMENT, variables: () => COMMENT_WRITES[2]!.variables(inA), data: null },
  ];

  const httpCases = HTTP_CREDENTIALS.flatMap((c) => OPERATIONS.map((o) => [o.operation, c.credential, { ...c, ...o }] as const));
  it.each(httpCases)('over HTTP, %s with %s is UNAUTHENTICATED and changes nothing', async (_o, _c, { header, query, variables, data }) => {
    const value = header();
    const anonymous = server.client(null);
    const result = await changesNothing([A.declarationId], () =>
      anonymous.query(query, variables(), value === null ? {} : { authorization: value }),
    );
    expectRefused(result, 'UNAUTHENTICATED', data);
  });

  const SOCKET_CREDENTIALS: { credential: string; params: () => Record<string, unknown> }[] = [
    { credential: 'an empty connection_init payload', params: () => ({}) },
    { credential: 'an unknown bearer token', params: () => ({ authorization: `Bearer drt_${randomBytes(32).toString('base64url')}` }) },
    { credential: "the secretariat's token without the Bearer scheme", params: () => ({ authorization: server.bootstrapToken }) },
    { credential: 'a Basic credential', params: () => ({ authorization: `Basic ${Buffer.from(`secretariat:${server.bootstrapToken}`).toString('base64')}` }) },
    { credential: 'the token under another key', params: () => ({ token: server.bootstrapToken, Authorization: 42 }) },
  ];
  const socketCases = SOCKET_CREDENTIALS.flatMap((c) => OPERATIONS.map((o) => [o.operation, c.credential, { ...c, ...o }] as const));
  it.each(socketCases)('over WebSocket, %s with %s is UNAUTHENTICATED and changes nothing', async (_o, _c, { params, query, variables, data }) => {
    const result = await changesNothing([A.declarationId], () => overSocketWith(params(), query, variables()));
    expectRefused(result, 'UNAUTHENTICATED', data);
  });

  it('over WebSocket, the client helper without a token is UNAUTHENTICATED too', async () => {
    const result = await server.client(null).overSocket(VIEWER);
    expectRefused(result, 'UNAUTHENTICATED', null);
  });
});

describe('every role reads the declaration', () => {
  it.each(people(EVERYONE))('the viewer query tells %s who they are', async (_subject, who) => {
    const data = await A[who].ok(VIEWER);
    expect(data.viewer).toEqual({ id: who === 'secretariat' ? expect.any(String) : A.ids[who], ...VIEWER_OF[who] });
  });

  it.each(people(EVERYONE))('%s reads the declaration, its paragraphs and its change log', async (_subject, who) => {
    const data = await A[who].ok(READ_DECLARATION, { id: A.declarationId, p: inA.p2 });
    expect(data).toEqual({
      declaration: {
        title: 'Progress Declaration',
        forum: 'IMRF',
        status: 'DRAFTING',
        sections: [
          {
            title: 'Introduction',
            paragraphs: [
              { label: '1', text: P1_TEXT, status: 'OPEN', objectives: [23] },
              { label: '2', text: P2_TEXT, status: 'OPEN', objectives: [] },
            ],
          },
          { title: 'Recommended actions', paragraphs: [{ label: '3', text: P3_TEXT, status: 'OPEN', objectives: [6] }] },
        ],
      },
      paragraph: { label: '2', number: 2, text: P2_TEXT, status: 'OPEN', objectives: [], section: { title: 'Introduction' } },
    });
    const log = await A[who].ok(CHANGE_LOG_KINDS, { d: A.declarationId, n: SETUP_KINDS.length });
    expect(log.changeLog).toEqual(SETUP_KINDS.map((kind, i) => ({ seq: i + 1, kind })));
  });

  it.each(people(['secretariat', 'coFacilitator', 'coFacilitator2']))('%s sees the participants', async (_subject, who) => {
    const data = await A[who].ok(PARTICIPANTS, { id: A.declarationId });
    const participants = [...data.declaration.participants].sort((x, y) => x.name.localeCompare(y.name));
    const invited: Who[] = ['coFacilitator', 'coFacilitator2', 'delegation', 'delegation2', 'stakeholder', 'observer'];
    expect(participants).toEqual(invited.map((w) => ({ id: A.ids[w], ...VIEWER_OF[w] })));
  });

  it.each(people(['delegation', 'delegation2', 'stakeholder', 'observer']))(
    '%s may not see the participants: FORBIDDEN, and the (nullable) participants field alone is null',
    async (_subject, who) => {
      const result = await A[who].query(PARTICIPANTS, { id: A.declarationId });
      expectRefused(result, 'FORBIDDEN', { declaration: { participants: null } });
      expect(result.errors?.[0]?.path).toEqual(['declaration', 'participants']);
    },
  );
});

describe('create declaration, invite participants: SECRETARIAT only', () => {
  it('the SECRETARIAT creates a declaration, which it then lists', async () => {
    const data = await admin.ok(CREATE_DECLARATION, { i: { title: 'Declaration of the regional review', forum: 'Regional review' } });
    knownDeclarations.push(data.createDeclaration.id);
    expect(data.createDeclaration).toEqual({
      id: expect.any(String),
      title: 'Declaration of the regional review',
      forum: 'Regional review',
      status: 'DRAFTING',
    });
    expect((await admin.ok(DECLARATIONS)).declarations.map((d: { id: string }) => d.id)).toEqual(knownDeclarations);
  });

  it.each(people(DECLARATION_ROLES))('%s may not create a declaration: FORBIDDEN, and none is created', async (_subject, who) => {
    const result = await changesNothing([A.declarationId], () =>
      A[who].query(CREATE_DECLARATION, { i: { title: `Declaration by ${who}`, forum: 'IMRF' } }),
    );
    expectRefused(result, 'FORBIDDEN', null);
  });

  it('the SECRETARIAT invites a participant, whose token then works', async () => {
    const { id, pen } = await freshDeclaration('Declaration for invitations');
    const { result, events, nextSeq } = await withEvents(id, () =>
      admin.ok(INVITE, { d: id, i: { name: 'Delegate of Chile', role: 'DELEGATION', delegation: 'Chile' } }),
    );
    const { token, participant } = result.inviteParticipant;
    expect(participant).toEqual({ id: expect.any(String), name: 'Delegate of Chile', role: 'DELEGATION', delegation: 'Chile' });
    expect(token).toMatch(/^drt_[A-Za-z0-9_-]{43}$/);
    expect(events).toEqual([
      {
        seq: nextSeq,
        kind: 'PARTICIPANT_INVITED',
        summary: 'Secretariat invited Delegate of Chile (delegation, Chile)',
        paragraphId: null,
        text: null,
      },
    ]);
    expect((await server.client(token).ok(VIEWER)).viewer).toEqual(participant);
    const listed = (await pen.ok(PARTICIPANTS, { id })).declaration.participants;
    expect(listed.map((p: { id: string }) => p.id)).toContain(participant.id);
  });

  it.each(people(DECLARATION_ROLES))('%s may not invite a participant into its own declaration: FORBIDDEN, and nobody is invited', async (_subject, who) => {
    const result = await changesNothing([A.declarationId], () => A[who].query(INVITE, INVITE_PARTICIPANT.variables(inA)));
    expectRefused(result, 'FORBIDDEN', null);
  });

  it.each(people(DECLARATION_ROLES))('%s may not invite another secretariat either: FORBIDDEN', async (_subject, who) => {
    const result = await changesNothing([A.declarationId], () =>
      A[who].query(INVITE, { d: A.declarationId, i: { name: 'Self-made secretariat', role: 'SECRETARIAT' } }),
    );
    expectRefused(result, 'FORBIDDEN', null);
  });
});

describe('edit structure: CO_FACILITATOR only', () => {
  it('a CO_FACILITATOR adds a section', async () => {
    const { id, pen } = await freshDeclaration('Declaration for sections');
    await addSection(pen, id, 'Introduction');
    const { result, events, nextSeq } = await withEvents(id, () =>
      pen.ok(ADD_SECTION, { d: id, i: { title: 'Progress, challenges and gaps' } }),
    );
    expect(result.addSection).toEqual({ id: expect.any(String), title: 'Progress, challenges and gaps', position: 2 });
    expect(events).toEqual([
      {
        seq: nextSeq,
        kind: 'SECTION_ADDED',
        summary: 'Ambassador Ndiaye added section 2 "Progress, challenges and gaps"',
        paragraphId: null,
        text: null,
      },
    ]);
  });

  it('a CO_FACILITATOR adds a paragraph', async () => {
    const { id, pen } = await freshDeclaration('Declaration for paragraphs');
    const section = await addSection(pen, id, 'Recommended actions');
    const first = await addParagraph(pen, section.id, { text: 'We commit to save lives.' });
    const text = 'We commit to prevent, combat and eradicate trafficking in persons.';
    const { result, events, nextSeq } = await withEvents(id, () =>
      pen.ok(ADD_PARAGRAPH, { s: section.id, i: { text, afterParagraphId: first.id, objectives: [10, 8] } }),
    );
    expect(result.addParagraph).toEqual({
      id: expect.any(String),
      label: '2',
      number: 2,
      text,
      status: 'OPEN',
      objectives: [8, 10],
      section: { id: section.id },
    });
    expect(events).toEqual([
      { seq: nextSeq, kind: 'PARAGRAPH_ADDED', summary: 'Ambassador Ndiaye added paragraph 2', paragraphId: result.addParagraph.id, text },
    ]);
  });

  it('a CO_FACILITATOR moves a paragraph', async () => {
    const { id, pen } = await freshDeclaration('Declaration for moves');
    const s1 = await addSection(pen, id, 'Introduction');
    const s2 = await addSection(pen, id, 'Recommended actions');
    const p1 = await addParagraph(pen, s1.id, { text: 'First.' });
    await addParagraph(pen, s1.id, { text: 'Second.', afterParagraphId: p1.id });
    const { result, events, nextSeq } = await withEvents(id, () => pen.ok(MOVE_PARAGRAPH, { p: p1.id, i: { sectionId: s2.id } }));
    expect(result.moveParagraph).toEqual({ id: p1.id, label: '2', number: 2, section: { id: s2.id } });
    expect(events).toEqual([
      { seq: nextSeq, kind: 'PARAGRAPH_MOVED', summary: 'Ambassador Ndiaye moved paragraph 1 (now 2)', paragraphId: p1.id, text: null },
    ]);
  });

  it("a CO_FACILITATOR sets a paragraph's status", async () => {
    const { id, pen } = await freshDeclaration('Declaration for statuses');
    const section = await addSection(pen, id, 'Introduction');
    const p1 = await addParagraph(pen, section.id, { text: 'First.' });
    const { result, events, nextSeq } = await withEvents(id, () => pen.ok(SET_STATUS, { p: p1.id, s: 'AGREED_AD_REF' }));
    expect(result.setParagraphStatus).toEqual({ id: p1.id, label: '1', status: 'AGREED_AD_REF' });
    expect(events).toEqual([
      {
        seq: nextSeq,
        kind: 'PARAGRAPH_STATUS_CHANGED',
        summary: 'Ambassador Ndiaye set paragraph 1 to agreed ad ref',
        paragraphId: p1.id,
        text: null,
      },
    ]);
  });

  it("a CO_FACILITATOR sets a paragraph's objectives", async () => {
    const { id, pen } = await freshDeclaration('Declaration for objectives');
    const section = await addSection(pen, id, 'Introduction');
    const p1 = await addParagraph(pen, section.id, { text: 'First.' });
    const { result, events, nextSeq } = await withEvents(id, () => pen.ok(SET_OBJECTIVES, { p: p1.id, o: [17, 3, 3] }));
    expect(result.setParagraphObjectives).toEqual({ id: p1.id, label: '1', objectives: [3, 17] });
    expect(events).toEqual([
      {
        seq: nextSeq,
        kind: 'PARAGRAPH_OBJECTIVES_CHANGED',
        summary: 'Ambassador Ndiaye tagged paragraph 1 with objectives 3, 17',
        paragraphId: p1.id,
        text: null,
      },
    ]);
  });

  it.each(cases(['secretariat', 'delegation', 'stakeholder', 'observer'], STRUCTURE_EDITS))(
    '%s may not %s: FORBIDDEN, and nothing changes',
    async (_subject, _action, { who, query, variables, refusedData }) => {
      const result = await changesNothing([A.declarationId], () => A[who].query(query, variables(inA)));
      expectRefused(result, 'FORBIDDEN', refusedData);
    },
  );
});

describe('comment, reply, resolve, reopen: everyone but OBSERVER; edit: the author only', () => {
  const COMMENTERS: Who[] = ['secretariat', 'coFacilitator', 'delegation', 'stakeholder'];

  it.each(people(COMMENTERS))('%s comments on a paragraph', async (_subject, who) => {
    const body = `A comment from ${SPEAKER[who]}.`;
    const { result, events, nextSeq } = await withEvents(A.declarationId, () => A[who].ok(ADD_COMMENT, { p: p3, i: { body } }));
    expect(result.addComment).toEqual({
      id: expect.any(String),
      body,
      resolved: false,
      author: { name: VIEWER_OF[who].name, role: ROLE[who] },
      replyTo: null,
      paragraph: { id: p3 },
    });
    expect(events).toEqual([
      { seq: nextSeq, kind: 'COMMENT_ADDED', summary: `${SPEAKER[who]} commented on paragraph 3`, paragraphId: p3, text: null },
    ]);
  });

  it.each(people(COMMENTERS))('%s replies to a comment', async (_subject, who) => {
    const thread = await addCommentAs(A.delegation2, p3, 'Morocco proposes to add "and decent work".');
    const body = `A reply from ${SPEAKER[who]}.`;
    const { result, events, nextSeq } = await withEvents(A.declarationId, () =>
      A[who].ok(ADD_COMMENT, { p: p3, i: { body, replyTo: thread } }),
    );
    expect(result.addComment).toEqual({
      id: expect.any(String),
      body,
      resolved: false,
      author: { name: VIEWER_OF[who].name, role: ROLE[who] },
      replyTo: { id: thread },
      paragraph: { id: p3 },
    });
    expect(events).toEqual([
      { seq: nextSeq, kind: 'COMMENT_ADDED', summary: `${SPEAKER[who]} replied to a comment on paragraph 3`, paragraphId: p3, text: null },
    ]);
  });

  it.each(people(COMMENTERS))('%s resolves a comment', async (_subject, who) => {
    const thread = await addCommentAs(A.delegation2, p3, 'Morocco asks whether this covers seasonal workers.');
    const { result, events, nextSeq } = await withEvents(A.declarationId, () => A[who].ok(RESOLVE_COMMENT, { c: thread }));
    expect(result.resolveComment).toEqual({ id: thread, resolved: true });
    expect(events).toEqual([
      { seq: nextSeq, kind: 'COMMENT_RESOLVED', summary: `${SPEAKER[who]} resolved a comment on paragraph 3`, paragraphId: p3, text: null },
    ]);
  });

  it.each(people(COMMENTERS))('%s reopens a comment', async (_subject, who) => {
    const thread = await addCommentAs(A.delegation2, p3, 'Morocco asks for the ILO conventions to be named.');
    await A.delegation2.ok(RESOLVE_COMMENT, { c: thread });
    const { result, events, nextSeq } = await withEvents(A.declarationId, () => A[who].ok(REOPEN_COMMENT, { c: thread }));
    expect(result.reopenComment).toEqual({ id: thread, resolved: false });
    expect(events).toEqual([
      { seq: nextSeq, kind: 'COMMENT_REOPENED', summary: `${SPEAKER[who]} reopened a comment on paragraph 3`, paragraphId: p3, text: null },
    ]);
  });

  it.each(cases(['observer'], COMMENT_WRITES))('%s may not %s: FORBIDDEN, and nothing changes', async (_subject, _action, { who, query, variables, refusedData }) => {
    const result = await changesNothing([A.declarationId], () => A[who].query(query, variables(inA)));
    expectRefused(result, 'FORBIDDEN', refusedData);
  });

  it('the author, a DELEGATION (Mexico), edits their comment', async () => {
    const comment = await addCommentAs(A.delegation, p3, 'Mexico proposes "regular pathways".');
    const { result, events, nextSeq } = await withEvents(A.declarationId, () =>
      A.delegation.ok(EDIT_COMMENT, { c: comment, b: 'Mexico proposes "regular and safe pathways".' }),
    );
    expect(result.editComment).toEqual({ id: comment, body: 'Mexico proposes "regular and safe pathways".', editedAt: expect.any(String) });
    expect(events).toEqual([
      { seq: nextSeq, kind: 'COMMENT_EDITED', summary: 'Mexico edited a comment on paragraph 3', paragraphId: p3, text: null },
    ]);
  });

  it.each(people(['secretariat', 'coFacilitator', 'coFacilitator2', 'delegation2', 'stakeholder', 'observer']))(
    "%s may not edit the delegation of Mexico's comment: FORBIDDEN, and nothing changes",
    async (_subject, who) => {
      const result = await changesNothing([A.declarationId], () => A[who].query(EDIT_COMMENT, EDIT_OPEN_COMMENT.variables(inA)));
      expectRefused(result, 'FORBIDDEN', null);
    },
  );
});

describe('confinement: a participant sees nothing of another declaration', () => {
  it.each(people(DECLARATION_ROLES))('%s lists only its own declaration', async (_subject, who) => {
    const data = await A[who].ok(DECLARATIONS);
    expect(data.declarations).toEqual([{ id: A.declarationId, title: 'Progress Declaration' }]);
  });

  it('a DELEGATION of B lists only B', async () => {
    const data = await B.delegation.ok(DECLARATIONS);
    expect(data.declarations).toEqual([{ id: B.declarationId, title: 'Progress Declaration of the next Forum' }]);
  });

  it('the SECRETARIAT lists every declaration and reads both A and B', async () => {
    const data = await admin.ok(DECLARATIONS);
    expect(data.declarations.map((d: { id: string }) => d.id)).toEqual(knownDeclarations);
    for (const [cast, targets, title] of [
      [A, inA, 'Progress Declaration'],
      [B, inB, 'Progress Declaration of the next Forum'],
    ] as const) {
      const read = await admin.ok(DECLARATION_AND_PARAGRAPH, { id: cast.declarationId, p: targets.paragraphId });
      expect(read).toEqual({ declaration: { id: cast.declarationId, title }, paragraph: { id: targets.paragraphId, text: P1_TEXT } });
    }
  });

  it.each(cases(DECLARATION_ROLES, [...READS, ...MUTATIONS]))(
    "%s of A who tries to %s, with B's ids, gets NOT_FOUND as for ids that do not exist, and nothing changes",
    async (_subject, _action, { who, query, variables, refusedData }) => {
      const result = await changesNothing([A.declarationId, B.declarationId], () => A[who].query(query, variables(inB)));
      expectRefused(result, 'NOT_FOUND', refusedData);
      // The same answer, word for word, as for ids that exist nowhere.
      const ghost = ghostTargets();
      const forGhost = await A[who].query(query, variables(ghost));
      const normalise = (r: Pick<Result, 'errors'>, t: Targets) =>
        (r.errors ?? []).map((e) => ({
          code: e.extensions?.code,
          message: Object.entries(t).reduce((m, [key, id]) => m.split(id).join(`<${key}>`), e.message),
        }));
      expect(normalise(result, inB)).toEqual(normalise(forGhost, ghost));
    },
  );

  /** References from A's own objects to B's: answered like ids that exist nowhere. */
  const CROSS_REFERENCES = [
    {
      action: "move A's paragraph into B's section",
      query: MOVE_PARAGRAPH,
      variables: (s: string) => ({ p: inA.p2, i: { sectionId: s } }),
      target: () => inB.sectionId,
    },
    {
      action: "add a paragraph to A after B's paragraph",
      query: ADD_PARAGRAPH,
      variables: (p: string) => ({ s: inA.sectionId, i: { text: 'Out of place.', afterParagraphId: p } }),
      target: () => inB.paragraphId,
    },
    {
      action: "reply on A's paragraph to B's comment",
      query: ADD_COMMENT,
      variables: (c: string) => ({ p: inA.paragraphId, i: { body: 'Out of place.', replyTo: c } }),
      target: () => inB.openCommentId,
    },
  ];
  it.each(CROSS_REFERENCES.map((c) => [c.action, c] as const))(
    'a CO_FACILITATOR of A who tries to %s gets the answer for an id that does not exist (never FORBIDDEN), and nothing changes',
    async (_action, { query, variables, target }) => {
      const result = await changesNothing([A.declarationId, B.declarationId], () => A.coFacilitator.query(query, variables(target())));
      const ghost = randomUUID();
      const forGhost = await A.coFacilitator.query(query, variables(ghost));
      expect(codes(result)).not.toContain('FORBIDDEN');
      expect(codes(result)).toHaveLength(1);
      expect(result.data).toBeNull();
      const normalise = (r: Pick<Result, 'errors'>, id: string) =>
        (r.errors ?? []).map((e) => ({ code: e.extensions?.code, message: e.message.split(id).join('<id>') }));
      expect(normalise(result, target())).toEqual(normalise(forGhost, ghost));
    },
  );
});

describe('over WebSocket, the same rules', () => {
  it('an OBSERVER reads the declaration', async () => {
    const result = await A.observer.overSocket(DECLARATION, { id: A.declarationId });
    expect(result).toEqual({ data: { declaration: { id: A.declarationId, title: 'Progress Declaration' } } });
  });

  it('a CO_FACILITATOR adds a section', async () => {
    const { id, pen } = await freshDeclaration('Declaration over WebSocket');
    const { result, events, nextSeq } = await withEvents(id, () => pen.overSocket(ADD_SECTION, { d: id, i: { title: 'Introduction' } }));
    expect(result).toEqual({ data: { addSection: { id: expect.any(String), title: 'Introduction', position: 1 } } });
    expect(events).toEqual([
      { seq: nextSeq, kind: 'SECTION_ADDED', summary: 'Ambassador Ndiaye added section 1 "Introduction"', paragraphId: null, text: null },
    ]);
  });

  it('an OBSERVER may not comment: FORBIDDEN, and nothing changes', async () => {
    const result = await changesNothing([A.declarationId], () => A.observer.overSocket(ADD_COMMENT, COMMENT_WRITES[0]!.variables(inA)));
    expectRefused(result, 'FORBIDDEN', null);
  });

  it('a DELEGATION may not add a section: FORBIDDEN, and nothing changes', async () => {
    const result = await changesNothing([A.declarationId], () => A.delegation.overSocket(ADD_SECTION, STRUCTURE_EDITS[0]!.variables(inA)));
    expectRefused(result, 'FORBIDDEN', null);
  });

  it('a STAKEHOLDER may not see the participants: FORBIDDEN', async () => {
    const result = await A.stakeholder.overSocket(PARTICIPANTS, { id: A.declarationId });
    expectRefused(result, 'FORBIDDEN', { declaration: { participants: null } });
  });

  it("a CO_FACILITATOR of A asking for B's paragraph gets NOT_FOUND", async () => {
    const result = await A.coFacilitator.overSocket(PARAGRAPH, { id: inB.paragraphId });
    expectRefused(result, 'NOT_FOUND', { paragraph: null });
  });

  it("a CO_FACILITATOR of A who tries to add a section to B gets NOT_FOUND, and nothing changes", async () => {
    const result = await changesNothing([B.declarationId], () => A.coFacilitator.overSocket(ADD_SECTION, STRUCTURE_EDITS[0]!.variables(inB)));
    expectRefused(result, 'NOT_FOUND', null);
  });
});
