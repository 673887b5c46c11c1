/**
 * The policy table, cell by cell, over HTTP: generated from the tables in
 * server/src/policies/, so a rule added there is tested here.
 *
 * For every action of `POLICY`, every persona (each role, a second delegate of
 * the proposing delegation, another delegation, and a co-facilitator of
 * another declaration) and every declaration status (and, where the action
 * looks at one, every kind of paragraph), the test asks the policy itself
 * what the answer must be (`refusal(viewer, action, subject)`, with the
 * subject as the world really is) and checks that the API gives that answer:
 * the same error code, or success. An action without a probe below fails the
 * test that lists the probes, so the table cannot grow untested.
 *
 * The worlds: one declaration per status, each with its cast, a section, an
 * OPEN and an AGREED paragraph, a stakeholder's comment and a PENDING
 * amendment of Mexico's (tabled while DRAFTING). A cell whose success would
 * change its world (starting or breaking silence, revoking, deciding or
 * withdrawing an amendment) gets a fresh world or a fresh target of its own.
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY, refusal, type Action, type Subject, type Viewer } from '../../server/src/auth/policy.js';
import { AmendmentStatus, DeclarationStatus, ParagraphStatus, type Role } from '../../server/src/db/entities/enums.js';
import type { GraphQLTestClient, Result } from '../support/client.js';
import { addParagraph, addSection, createDeclaration, invite } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { serverDoc, toBase64 } from '../support/yjsClient.js';

type Persona = 'secretariat' | 'coFacilitator' | 'mexico' | 'mexico2' | 'morocco' | 'stakeholder' | 'observer' | 'outsider';
const PERSONAS: Persona[] = ['secretariat', 'coFacilitator', 'mexico', 'mexico2', 'morocco', 'stakeholder', 'observer', 'outsider'];
const STATUSES = [DeclarationStatus.DRAFTING, DeclarationStatus.SILENCE_PROCEDURE, DeclarationStatus.ADOPTED];

interface World {
  status: DeclarationStatus;
  declarationId: string;
  silenceDeadline: Date | null;
  clients: Record<Persona, GraphQLTestClient>;
  viewers: Record<Persona, Viewer>;
  open: string;
  agreed: string;
  /** The stakeholder's comment on the OPEN paragraph. */
  comment: string;
  /** Mexico's PENDING amendment to the OPEN paragraph. */
  amendment: string;
}

let server: TestServer;
/** A co-facilitator of a declaration of its own: every other declaration is invisible to it. */
let outsider: { client: GraphQLTestClient; viewer: Viewer };
const worlds = new Map<DeclarationStatus, World>();

async function viewerOf(client: GraphQLTestClient, declarationId: string | null): Promise<Viewer> {
  const { viewer } = await client.ok('{ viewer { id name role delegation } }');
  return { id: viewer.id, name: viewer.name, role: viewer.role as Role, delegation: viewer.delegation, declarationId };
}

/** A declaration in `status` with everything the probes act on. */
async function createWorld(status: DeclarationStatus): Promise<World> {
  const secretariat = server.client();
  const declarationId = await createDeclaration(secretariat, `Policy table: ${status}`);
  const cast = {
    coFacilitator: await invite(server, declarationId, 'CO_FACILITATOR', 'Ambassador Diallo'),
    mexico: await invite(server, declarationId, 'DELEGATION', 'Delegate of Mexico', 'Mexico'),
    mexico2: await invite(server, declarationId, 'DELEGATION', 'Second delegate of Mexico', 'Mexico'),
    morocco: await invite(server, declarationId, 'DELEGATION', 'Delegate of Morocco', 'Morocco'),
    stakeholder: await invite(server, declarationId, 'STAKEHOLDER', 'Migrant workers network', 'Civil society'),
    observer: await invite(server, declarationId, 'OBSERVER', 'Press observer'),
  };
  const clients = { secretariat, outsider: outsider.client, ...Object.fromEntries(Object.entries(cast).map(([k, v]) => [k, v.client])) } as Record<
    Persona,
    GraphQLTestClient
  >;
  const viewers = { secretariat: await viewerOf(secretariat, null), outsider: outsider.viewer } as Record<Persona, Viewer>;
  for (const persona of Object.keys(cast) as (keyof typeof cast)[]) viewers[persona] = await viewerOf(clients[persona], declarationId);
  const co = clients.coFacilitator;
  const section = await addSection(co, declarationId);
  const open = (await addParagraph(co, section.id, { text: 'We commit to safe, orderly and regular migration.' })).id;
  const agreed = (await addParagraph(co, section.id, { text: 'Agreed language.' })).id;
  await co.ok('mutation($p: ID!) { setParagraphStatus(paragraphId: $p, status: AGREED) { id } }', { p: agreed });
  const comment = (await clients.stakeholder.ok('mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "A view." }) { id } }', { p: open })).addComment.id;
  const amendment = await propose(clients.mexico, open);
  let silenceDeadline: Date | null = null;
  if (status !== DeclarationStatus.DRAFTING) {
    // ADOPTED: a deadline that passes in a moment, after which any read adopts.
    silenceDeadline = new Date(Date.now() + (status === DeclarationStatus.ADOPTED ? 1500 : 24 * 3600_000));
    await co.ok('mutation($d: ID!, $t: DateTime!) { startSilenceProcedure(declarationId: $d, deadline: $t) { id } }', {
      d: declarationId,
      t: silenceDeadline.toISOString(),
    });
  }
  if (status === DeclarationStatus.ADOPTED) {
    await waitFor('adoption at the deadline', async () => {
      const data = await co.ok('query($d: ID!) { declaration(id: $d) { status } }', { d: declarationId });
      return data.declaration.status === 'ADOPTED';
    }, { timeoutMs: 15_000 });
  }
  return { status, declarationId, silenceDeadline, clients, viewers, open, agreed, comment, amendment };
}

async function propose(delegate: GraphQLTestClient, paragraphId: string): Promise<string> {
  const data = await delegate.ok('mutation($p: ID!) { proposeAmendment(paragraphId: $p, input: { text: "We resolve to cooperate." }) { id } }', {
    p: paragraphId,
  });
  return data.proposeAmendment.id;
}

/** An amendment of Mexico's that this cell may use up: a fresh one while DRAFTING (none can be tabled later). */
async function amendmentFor(w: World): Promise<string> {
  return w.status === DeclarationStatus.DRAFTING ? propose(w.clients.mexico, w.open) : w.amendment;
}

type Variant = 'open' | 'agreed';

interface Probe {
  /** What the action's rule is given besides the declaration (its state as the world holds it). */
  subject?: (w: World, variant: Variant) => Subject;
  /** The kinds of paragraph the action is tried on (default: none). */
  variants?: Variant[];
  /** A success would change the world's status: such a cell runs in a fresh world. */
  changesStatus?: boolean;
  call: (client: GraphQLTestClient, w: World, variant: Variant) => Promise<Result>;
}

const mexicosPending: Probe['subject'] = () => ({ amendment: { status: AmendmentStatus.PENDING, delegation: 'Mexico' } });

/** How each action of the policy is asked for over the API. */
const PROBES: Record<Action, Probe> = {
  'declaration.create': {
    call: (c) => c.query('mutation { createDeclaration(input: { title: "Another declaration" }) { id } }'),
  },
  'declaration.read': {
    call: (c, w) => c.query('query($d: ID!) { declaration(id: $d) { id title } }', { d: w.declarationId }),
  },
  'silence.start': {
    changesStatus: true,
    call: (c, w) =>
      c.query('mutation($d: ID!, $t: DateTime!) { startSilenceProcedure(declarationId: $d, deadline: $t) { id } }', {
        d: w.declarationId,
        t: new Date(Date.now() + 24 * 3600_000).toISOString(),
      }),
  },
  'silence.break': {
    changesStatus: true,
    call: (c, w) => c.query('mutation($d: ID!) { breakSilence(declarationId: $d, reason: "Not yet.") { id } }', { d: w.declarationId }),
  },
  'declaration.adopt': {
    subject: () => ({ adoptedHere: false }),
    call: (c, w) => c.query('mutation($d: ID!) { adoptDeclaration(declarationId: $d) { id } }', { d: w.declarationId }),
  },
  'position.explain': {
    call: (c, w) =>
      c.query('mutation($d: ID!) { addExplanationOfPosition(declarationId: $d, text: "We join the consensus.") { id } }', { d: w.declarationId }),
  },
  'participant.invite': {
    call: (c, w) =>
      c.query('mutation($d: ID!) { inviteParticipant(declarationId: $d, input: { name: "Guest", role: OBSERVER }) { token } }', { d: w.declarationId }),
  },
  'participant.revoke': {
    call: async (c, w) => {
      const target = await invite(server, w.declarationId, 'OBSERVER', 'Revocable observer');
      return c.query('mutation($p: ID!) { revokeParticipant(participantId: $p) { id } }', { p: target.id });
    },
  },
  'participants.read': {
    call: (c, w) => c.query('query($d: ID!) { declaration(id: $d) { participants { id } } }', { d: w.declarationId }),
  },
  'presence.update': {
    call: (c, w) => c.query('mutation($d: ID!) { updatePresence(declarationId: $d) }', { d: w.declarationId }),
  },
  'section.add': {
    call: (c, w) => c.query('mutation($d: ID!) { addSection(declarationId: $d, input: { title: "Annex" }) { id } }', { d: w.declarationId }),
  },
  'paragraph.edit': {
    call: (c, w) => c.query('mutation($p: ID!) { setParagraphObjectives(paragraphId: $p, objectives: [1]) { id } }', { p: w.open }),
  },
  'text.edit': {
    variants: ['open', 'agreed'],
    subject: (w, variant) => ({ paragraph: { id: w[variant], status: variant === 'open' ? ParagraphStatus.OPEN : ParagraphStatus.AGREED } }),
    call: async (c, w, variant) => {
      const { doc } = await serverDoc(w.clients.observer, w.declarationId);
      const before = Y.encodeStateVector(doc);
      doc.getText(w[variant]).insert(0, 'Firmly, ');
      const update = toBase64(Y.encodeStateAsUpdate(doc, before));
      return c.query('mutation($d: ID!, $u: Base64!) { applyUpdate(declarationId: $d, update: $u) { seq } }', { d: w.declarationId, u: update });
    },
  },
  'revision.publish': {
    call: (c, w) => c.query('mutation($d: ID!) { publishRevision(declarationId: $d) { id } }', { d: w.declarationId }),
  },
  'comment.write': {
    call: (c, w) => c.query('mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "We agree." }) { id } }', { p: w.open }),
  },
  'comment.edit': {
    subject: (w) => ({ comment: { authorId: w.viewers.stakeholder.id } }),
    call: (c, w) => c.query('mutation($c: ID!) { editComment(commentId: $c, body: "A revised view.") { id } }', { c: w.comment }),
  },
  'amendment.propose': {
    variants: ['open', 'agreed'],
    subject: (w, variant) => ({ paragraph: { id: w[variant], status: variant === 'open' ? ParagraphStatus.OPEN : ParagraphStatus.AGREED } }),
    call: (c, w, variant) =>
      c.query('mutation($p: ID!) { proposeAmendment(paragraphId: $p, input: { text: "We resolve to cooperate." }) { id } }', { p: w[variant] }),
  },
  'amendment.takePosition': {
    subject: mexicosPending,
    call: async (c, w) => c.query('mutation($a: ID!) { supportAmendment(amendmentId: $a) { id } }', { a: await amendmentFor(w) }),
  },
  'amendment.withdraw': {
    subject: mexicosPending,
    call: async (c, w) => c.query('mutation($a: ID!) { withdrawAmendment(amendmentId: $a) { id } }', { a: await amendmentFor(w) }),
  },
  'amendment.decide': {
    subject: mexicosPending,
    call: async (c, w) => c.query('mutation($a: ID!) { rejectAmendment(amendmentId: $a) { id } }', { a: await amendmentFor(w) }),
  },
};

interface Cell {
  action: Action;
  persona: Persona;
  status: DeclarationStatus;
  variant: Variant;
}

const CELLS: Cell[] = (Object.keys(POLICY) as Action[]).flatMap((action) =>
  PERSONAS.flatMap((persona) =>
    STATUSES.flatMap((status) => (PROBES[action]?.variants ?? ['open' as const]).map((variant) => ({ action, persona, status, variant }))),
  ),
);

/** What the policy says this cell must answer: an error code, or OK. */
function expected(cell: Cell, w: World): string {
  const probe = PROBES[cell.action];
  const subject: Subject = {
    // The declaration's id matters only to actions on a declaration (not to creating one).
    declarationId: cell.action === 'declaration.create' ? null : w.declarationId,
    declaration: { status: w.status, silenceDeadline: w.silenceDeadline },
    ...probe.subject?.(w, cell.variant),
  };
  return refusal(w.viewers[cell.persona], cell.action, subject)?.code ?? 'OK';
}

function answer(result: Result): string {
  if (result.errors?.length) return String(result.errors[0]!.extensions?.code);
  return result.data ? 'OK' : `no data: ${JSON.stringify(result)}`;
}

beforeAll(async () => {
  server = await startServer();
  const elsewhere = await createDeclaration(server.client(), 'Elsewhere');
  const co = await invite(server, elsewhere, 'CO_FACILITATOR', 'Ambassador of elsewhere');
  outsider = { client: co.client, viewer: await viewerOf(co.client, elsewhere) };
  for (const status of STATUSES) worlds.set(status, await createWorld(status));
}, 120_000);

afterAll(async () => {
  await server?.stop({ dropDatabase: true });
});

describe('the policy table over HTTP', () => {
  it('has a probe for every action of the policy, and nothing else', () => {
    expect(Object.keys(PROBES).sort()).toEqual(Object.keys(POLICY).sort());
  });

  it('walks cells of every kind: allowed, refused for the role, for the state and for another declaration', () => {
    const outcomes = new Set(CELLS.map((cell) => expected(cell, worlds.get(cell.status)!)));
    expect([...outcomes].sort()).toEqual(['BAD_USER_INPUT', 'CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'OK']);
  });

  for (const cell of CELLS) {
    const name = `${cell.action} by ${cell.persona} while ${cell.status}${PROBES[cell.action]?.variants ? ` on the ${cell.variant.toUpperCase()} paragraph` : ''}`;
    it(name, async () => {
      let w = worlds.get(cell.status)!;
      const want = expected(cell, w);
      if (want === 'OK' && PROBES[cell.action].changesStatus) w = await createWorld(cell.status);
      const got = answer(await PROBES[cell.action].call(w.clients[cell.persona], w, cell.variant));
      expect(got).toBe(want);
    }, 30_000);
  }
});
