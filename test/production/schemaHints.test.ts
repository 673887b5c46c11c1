/**
 * "Did you mean ...?": graphql-js suggests the names closest to a mistyped
 * field, argument, type, enum value or input field. With introspection off,
 * that still hands the schema out one guess at a time. A server configured
 * for production (error details off, introspection off) answers the same
 * errors, with the same code, without the suggestion, over HTTP and over
 * WebSocket, for errors of validation and of variable coercion alike. A
 * development server keeps them (so the stripping is what production adds,
 * and the probes below really draw a suggestion).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket } from './rawSocket.js';
import { startConfiguredServer, type ConfiguredServer } from './productionServer.js';

interface Probe {
  what: string;
  query: string;
  variables?: Record<string, unknown>;
  /** The name graphql-js suggests: it must not appear in a production answer. */
  suggested: string;
  /** What the production message still says (the mistake itself). */
  message: RegExp;
}

const INVITE = 'mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { token } }';
const SOME_ID = '00000000-0000-4000-8000-000000000000';

const PROBES: Probe[] = [
  { what: 'an unknown field', query: '{ declarations { titel } }', suggested: '"title"', message: /Cannot query field "titel" on type "Declaration"\.$/ },
  {
    what: 'an unknown argument',
    query: `{ changeLog(declarationId: "${SOME_ID}", frist: 5) { seq } }`,
    suggested: '"first"',
    message: /Unknown argument "frist" on field "Query\.changeLog"\.$/,
  },
  {
    what: 'an unknown type',
    query: 'mutation($i: CreateDeclarationInpt!) { createDeclaration(input: $i) { id } }',
    suggested: '"CreateDeclarationInput"',
    message: /Unknown type "CreateDeclarationInpt"\.$/,
  },
  {
    what: 'an unknown enum value written in the query',
    query: `mutation { inviteParticipant(declarationId: "${SOME_ID}", input: { name: "A", role: OBSERVR }) { token } }`,
    suggested: 'OBSERVER',
    message: /Value "OBSERVR" does not exist in "Role" enum\.$/,
  },
  {
    what: 'an unknown enum value in a variable',
    query: INVITE,
    variables: { d: SOME_ID, i: { name: 'A', role: 'OBSERVR' } },
    suggested: 'OBSERVER',
    message: /Value "OBSERVR" does not exist in "Role" enum\.$/,
  },
  {
    what: 'an unknown input field in a variable',
    query: INVITE,
    variables: { d: SOME_ID, i: { nme: 'A', role: 'OBSERVER' } },
    suggested: '"name"',
    message: /Field "nme" is not defined by type "InviteParticipantInput"\.$/,
  },
];

interface Answer {
  errors: { message: string; extensions?: { code?: string } }[];
  text: string;
}

async function overHttp(server: ConfiguredServer, probe: Probe): Promise<Answer> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.bootstrapToken}` },
    body: JSON.stringify({ query: probe.query, variables: probe.variables }),
  });
  const text = await response.text();
  return { errors: JSON.parse(text).errors ?? [], text };
}

async function overSocket(server: ConfiguredServer, probe: Probe): Promise<Answer> {
  const socket = await RawSocket.connect(server.wsUrl, server.bootstrapToken);
  try {
    socket.subscribe('probe', probe.query, probe.variables);
    const message = await socket.next('probe');
    // Validation errors come as an `error` message (a list); coercion errors in a `next` result.
    const errors = message.type === 'error' ? message.payload : (message.payload?.errors ?? []);
    return { errors, text: JSON.stringify(message.payload) };
  } finally {
    socket.close();
  }
}

const TRANSPORTS = [
  ['HTTP', overHttp],
  ['WebSocket', overSocket],
] as const;

describe('schema hints in error messages', () => {
  let production: ConfiguredServer;
  let development: ConfiguredServer;

  beforeAll(async () => {
    production = await startConfiguredServer({ exposeErrorDetails: false, introspection: false });
    development = await startConfiguredServer({ exposeErrorDetails: true, introspection: true });
  });
  afterAll(async () => {
    await production?.stop({ dropDatabase: true });
    await development?.stop({ dropDatabase: true });
  });

  describe.each(TRANSPORTS)('over %s', (_transport, send) => {
    it.each(PROBES.map((p) => [p.what, p] as const))('production: %s is BAD_USER_INPUT without "Did you mean"', async (_what, probe) => {
      const answer = await send(production, probe);
      expect(answer.errors.length).toBeGreaterThan(0);
      expect(new Set(answer.errors.map((e) => e.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(answer.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(probe.message));
      expect(answer.text).not.toMatch(/did you mean/i);
      expect(answer.text).not.toContain(probe.suggested);
    });

    it.each(PROBES.map((p) => [p.what, p] as const))('development: %s still suggests the name', async (_what, probe) => {
      const answer = await send(development, probe);
      expect(new Set(answer.errors.map((e) => e.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
      const hint = answer.errors.map((e) => e.message).find((m) => /Did you mean/.test(m));
      expect(hint).toContain(probe.suggested);
    });
  });

  it('production keeps the messages of its own refusals whole (only graphql-js suggestions are cut)', async () => {
    const created = await production.client().ok('mutation { createDeclaration(input: { title: "Hints" }) { id } }');
    const answer = await overHttp(production, {
      what: 'a refused value',
      query: `{ changeLog(declarationId: "${created.createDeclaration.id}", first: 5000) { seq } }`,
      suggested: '',
      message: /./,
    });
    expect(answer.errors.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', 'first must be between 1 and 1000, got 5000']]);
  });
});
