/**
 * Factories: build what a test needs through the public API, the way the
 * secretariat and the co-facilitators would.
 */
import type { GraphQLTestClient } from './client.js';
import type { TestServer } from './testServer.js';

export type RoleName = 'SECRETARIAT' | 'CO_FACILITATOR' | 'DELEGATION' | 'STAKEHOLDER' | 'OBSERVER';

export interface Cast {
  declarationId: string;
  secretariat: GraphQLTestClient;
  coFacilitator: GraphQLTestClient;
  coFacilitator2: GraphQLTestClient;
  /** Mexico */
  delegation: GraphQLTestClient;
  /** Morocco */
  delegation2: GraphQLTestClient;
  stakeholder: GraphQLTestClient;
  observer: GraphQLTestClient;
  /** Participant ids by the keys above. */
  ids: Record<string, string>;
}

export async function createDeclaration(admin: GraphQLTestClient, title = 'Progress Declaration'): Promise<string> {
  const data = await admin.ok('mutation($t: String!) { createDeclaration(input: { title: $t, forum: "IMRF" }) { id } }', { t: title });
  return data.createDeclaration.id;
}

export async function invite(
  server: TestServer,
  declarationId: string,
  role: RoleName,
  name: string,
  delegation: string | null = null,
): Promise<{ client: GraphQLTestClient; id: string; token: string }> {
  const data = await server.client().ok(
    `mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { token participant { id } } }`,
    { d: declarationId, i: { name, role, delegation } },
  );
  const { token, participant } = data.inviteParticipant;
  return { client: server.client(token), id: participant.id, token };
}

/** A declaration with one participant of every role (two co-facilitators, two delegations). */
export async function createCast(server: TestServer, title?: string): Promise<Cast> {
  const secretariat = server.client();
  const declarationId = await createDeclaration(secretariat, title);
  const people = {
    coFacilitator: await invite(server, declarationId, 'CO_FACILITATOR', 'Ambassador Diallo'),
    coFacilitator2: await invite(server, declarationId, 'CO_FACILITATOR', 'Ambassador Voss'),
    delegation: await invite(server, declarationId, 'DELEGATION', 'Delegate of Mexico', 'Mexico'),
    delegation2: await invite(server, declarationId, 'DELEGATION', 'Delegate of Morocco', 'Morocco'),
    stakeholder: await invite(server, declarationId, 'STAKEHOLDER', 'Migrant workers network', 'Civil society'),
    observer: await invite(server, declarationId, 'OBSERVER', 'Press observer'),
  };
  const ids = Object.fromEntries(Object.entries(people).map(([k, v]) => [k, v.id]));
  return {
    declarationId,
    secretariat,
    coFacilitator: people.coFacilitator.client,
    coFacilitator2: people.coFacilitator2.client,
    delegation: people.delegation.client,
    delegation2: people.delegation2.client,
    stakeholder: people.stakeholder.client,
    observer: people.observer.client,
    ids,
  };
}

export async function addSection(coFacilitator: GraphQLTestClient, declarationId: string, title = 'Introduction', afterSectionId?: string) {
  const data = await coFacilitator.ok(
    'mutation($d: ID!, $i: AddSectionInput!) { addSection(declarationId: $d, input: $i) { id title position } }',
    { d: declarationId, i: { title, afterSectionId } },
  );
  return data.addSection as { id: string; title: string; position: number };
}

export async function addParagraph(
  coFacilitator: GraphQLTestClient,
  sectionId: string,
  input: { text?: string; afterParagraphId?: string | null; objectives?: number[] } = {},
) {
  const data = await coFacilitator.ok(
    'mutation($s: ID!, $i: AddParagraphInput!) { addParagraph(sectionId: $s, input: $i) { id number label text status objectives } }',
    { s: sectionId, i: input },
  );
  return data.addParagraph as { id: string; number: number | null; label: string; text: string; status: string; objectives: number[] };
}

/** Every change event of the declaration, oldest first. */
export async function changeLog(client: GraphQLTestClient, declarationId: string) {
  const events: { seq: number; kind: string; summary: string; paragraphId: string | null; text: string | null }[] = [];
  for (;;) {
    const data = await client.ok(
      'query($d: ID!, $a: Int) { changeLog(declarationId: $d, after: $a, first: 1000) { seq kind summary paragraphId text } }',
      { d: declarationId, a: events.at(-1)?.seq ?? 0 },
    );
    events.push(...data.changeLog);
    if (data.changeLog.length < 1000) return events;
  }
}
