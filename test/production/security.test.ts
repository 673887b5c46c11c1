/**
 * Security, end to end: revoking a participant (their token stops working at
 * once over HTTP and WebSocket, and their open sockets close, on every
 * instance sharing the database), errors of a production-configured server
 * (no stack trace, internal messages masked), CORS (none unless configured)
 * and introspection (refused when turned off).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, invite, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { RawSocket } from './rawSocket.js';
import { startConfiguredServer, type ConfiguredServer } from './productionServer.js';

const REVOKE = 'mutation($p: ID!) { revokeParticipant(participantId: $p) { id name role delegation revokedAt } }';
const CHANGES = 'subscription($d: ID!) { changes(declarationId: $d, after: 0) { seq kind } }';
const PARTICIPANTS = 'query($d: ID!) { declaration(id: $d) { participants { id name revokedAt } } }';

describe('revoking a participant', () => {
  let a: TestServer;
  let b: TestServer;
  let cast: Cast;
  let paragraphId: string;

  beforeAll(async () => {
    a = await startServer();
    b = await startServer({ databaseUrl: a.databaseUrl });
    cast = await createCast(a);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We reaffirm our commitment.' })).id;
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop({ dropDatabase: true });
  });

  it('the token stops working at once: UNAUTHENTICATED over HTTP, and its open sockets on both instances close with 4003', async () => {
    const mexico = cast.delegation;
    const comment = await mexico.ok('mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "Mexico would add gender-responsive." }) { id } }', {
      p: paragraphId,
    });
    // Mexico follows the feed on instance A and on instance B.
    const onA = await RawSocket.connect(a.wsUrl, mexico.token);
    const onB = await RawSocket.connect(b.wsUrl, mexico.token);
    for (const socket of [onA, onB]) {
      socket.subscribe('feed', CHANGES, { d: cast.declarationId });
      expect((await socket.next('feed')).type).toBe('next');
    }
    // An unrelated participant's socket on B stays open throughout.
    const morocco = await RawSocket.connect(b.wsUrl, cast.delegation2.token);

    const revoked = await cast.secretariat.ok(REVOKE, { p: cast.ids.delegation });
    expect(revoked.revokeParticipant).toMatchObject({ id: cast.ids.delegation, name: 'Delegate of Mexico', delegation: 'Mexico' });
    expect(Date.parse(revoked.revokeParticipant.revokedAt)).not.toBeNaN();

    expect(await onA.closed).toEqual({ code: 4003, reason: 'this token was revoked' });
    expect(await onB.closed).toEqual({ code: 4003, reason: 'this token was revoked' });
    expect(await mexico.errorCode('{ viewer { id } }')).toBe('UNAUTHENTICATED');
    expect(await b.client(mexico.token).errorCode('{ viewer { id } }')).toBe('UNAUTHENTICATED');
    expect(await mexico.errorCode('mutation($c: ID!) { resolveComment(commentId: $c) { id } }', { c: comment.addComment.id })).toBe(
      'UNAUTHENTICATED',
    );
    expect(morocco.isOpen).toBe(true);
    expect((await morocco.run('v', '{ viewer { delegation } }')).payload.data.viewer.delegation).toBe('Morocco');
    morocco.close();
  });

  it('a new connection with the revoked token is acknowledged like any unknown token, and every operation on it is UNAUTHENTICATED', async () => {
    for (const server of [a, b]) {
      const socket = await RawSocket.connect(server.wsUrl, cast.delegation.token);
      const answer = await socket.run('v', '{ viewer { id } }');
      expect(answer.payload.errors?.[0]?.extensions?.code ?? answer.payload?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      socket.subscribe('feed', CHANGES, { d: cast.declarationId });
      const feed = await socket.next('feed');
      expect(JSON.stringify(feed.payload)).toContain('UNAUTHENTICATED');
      socket.close();
    }
  });

  it('the participant stays in the history: listed with revokedAt, named as the author of their comment, and the feed records the revocation', async () => {
    const { declaration } = await cast.secretariat.ok(PARTICIPANTS, { d: cast.declarationId });
    const listed = declaration.participants.find((p: { id: string }) => p.id === cast.ids.delegation);
    expect(listed.revokedAt).not.toBeNull();
    expect(declaration.participants.filter((p: { revokedAt: string | null }) => p.revokedAt !== null)).toHaveLength(1);
    const threads = await cast.observer.ok('query($p: ID!) { paragraph(id: $p) { comments { author { name revokedAt } } } }', { p: paragraphId });
    expect(threads.paragraph.comments[0].author).toEqual({ name: 'Delegate of Mexico', revokedAt: listed.revokedAt });
    const events = await changeLog(cast.observer, cast.declarationId);
    expect(events.filter((e) => e.kind === 'PARTICIPANT_REVOKED').map((e) => e.summary)).toEqual([
      'Secretariat revoked the access of Delegate of Mexico (delegation, Mexico)',
    ]);
  });

  it('revoking again changes nothing: the same revokedAt, no second event', async () => {
    const before = await changeLog(cast.observer, cast.declarationId);
    const first = (await cast.secretariat.ok(PARTICIPANTS, { d: cast.declarationId })).declaration.participants.find(
      (p: { id: string }) => p.id === cast.ids.delegation,
    );
    const again = await cast.secretariat.ok(REVOKE, { p: cast.ids.delegation });
    expect(again.revokeParticipant.revokedAt).toBe(first.revokedAt);
    expect(await changeLog(cast.observer, cast.declarationId)).toEqual(before);
  });

  it('only the secretariat may revoke: FORBIDDEN for a co-facilitator, NOT_FOUND across declarations, UNAUTHENTICATED without a token; nothing changes', async () => {
    const before = await changeLog(cast.observer, cast.declarationId);
    expect(await cast.coFacilitator.errorCode(REVOKE, { p: cast.ids.observer })).toBe('FORBIDDEN');
    expect(await cast.observer.errorCode(REVOKE, { p: cast.ids.coFacilitator })).toBe('FORBIDDEN');
    const other = await createCast(a, 'Another declaration');
    expect(await other.coFacilitator.errorCode(REVOKE, { p: cast.ids.observer })).toBe('NOT_FOUND');
    expect(await a.client(null).errorCode(REVOKE, { p: cast.ids.observer })).toBe('UNAUTHENTICATED');
    expect(await cast.observer.ok('{ viewer { role } }')).toEqual({ viewer: { role: 'OBSERVER' } });
    expect(await changeLog(cast.observer, cast.declarationId)).toEqual(before);
  });

  it('an unknown or malformed id is NOT_FOUND; a secretariat revoking itself is BAD_USER_INPUT and keeps its access', async () => {
    expect(await cast.secretariat.errorCode(REVOKE, { p: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
    expect(await cast.secretariat.errorCode(REVOKE, { p: 'not-an-id' })).toBe('NOT_FOUND');
    const self = (await cast.secretariat.ok('{ viewer { id } }')).viewer.id;
    const answer = await cast.secretariat.query(REVOKE, { p: self });
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/own token/);
    expect((await cast.secretariat.ok('{ viewer { role } }')).viewer.role).toBe('SECRETARIAT');
  });

  it('another secretariat can be revoked (it belongs to no declaration: no feed event), and its socket closes too', async () => {
    const second = await invite(a, cast.declarationId, 'SECRETARIAT', 'Second secretariat');
    const socket = await RawSocket.connect(b.wsUrl, second.token);
    const before = await changeLog(cast.observer, cast.declarationId);
    await cast.secretariat.ok(REVOKE, { p: second.id });
    expect(await socket.closed).toEqual({ code: 4003, reason: 'this token was revoked' });
    expect(await second.client.errorCode('{ declarations { id } }')).toBe('UNAUTHENTICATED');
    expect(await changeLog(cast.observer, cast.declarationId)).toEqual(before);
  });

  it('sends no CORS header unless origins are configured', async () => {
    const response = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://elsewhere.example' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(a.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('a server configured for production (error details off, introspection off, CORS for one origin)', () => {
  let production: ConfiguredServer;
  let development: ConfiguredServer;
  const ORIGIN = 'https://room.example.org';

  beforeAll(async () => {
    production = await startConfiguredServer({ exposeErrorDetails: false, introspection: false, corsOrigins: [ORIGIN] });
    development = await startConfiguredServer({ exposeErrorDetails: true, introspection: true, corsOrigins: ['*'] });
  });
  afterAll(async () => {
    await production?.stop({ dropDatabase: true });
    await development?.stop({ dropDatabase: true });
  });

  describe('errors', () => {
    it('the configuration follows NODE_ENV unless DRAFTROOM_EXPOSE_ERROR_DETAILS says otherwise', () => {
      expect(loadConfig({ NODE_ENV: 'production' }).exposeErrorDetails).toBe(false);
      expect(loadConfig({}).exposeErrorDetails).toBe(true);
      expect(loadConfig({ NODE_ENV: 'development' }).exposeErrorDetails).toBe(true);
      expect(loadConfig({ NODE_ENV: 'production', DRAFTROOM_EXPOSE_ERROR_DETAILS: 'true' }).exposeErrorDetails).toBe(true);
      expect(loadConfig({ DRAFTROOM_EXPOSE_ERROR_DETAILS: 'false' }).exposeErrorDetails).toBe(false);
    });

    /**
     * A bug, made from the outside: the table lost a column the server reads
     * (as after a botched manual migration). Put back afterwards.
     */
    async function withBrokenSectionTable<T>(server: ConfiguredServer, body: () => Promise<T>): Promise<T> {
      const client = new pg.Client({ connectionString: server.databaseUrl });
      await client.connect();
      try {
        await client.query('alter table section rename column title to title_gone');
        return await body();
      } finally {
        await client.query('alter table section rename column title_gone to title');
        await client.end();
      }
    }

    async function declarationWithSection(server: ConfiguredServer): Promise<string> {
      const admin = server.client();
      const id = (await admin.ok('mutation { createDeclaration(input: { title: "Errors" }) { id } }')).createDeclaration.id;
      const coFacilitator = await admin.ok('mutation($d: ID!) { inviteParticipant(declarationId: $d, input: { name: "Pen", role: CO_FACILITATOR }) { token } }', {
        d: id,
      });
      await server.client(coFacilitator.inviteParticipant.token).ok('mutation($d: ID!) { addSection(declarationId: $d, input: { title: "One" }) { id } }', {
        d: id,
      });
      return id;
    }

    const SECTIONS = 'query($d: ID!) { declaration(id: $d) { sections { title } } }';

    it('an internal error is "internal server error" with code INTERNAL_SERVER_ERROR only: no stack trace, no exception, no SQL', async () => {
      const d = await declarationWithSection(production);
      await withBrokenSectionTable(production, async () => {
        const response = await fetch(production.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${production.bootstrapToken}` },
          body: JSON.stringify({ query: SECTIONS, variables: { d } }),
        });
        const text = await response.text();
        const body = JSON.parse(text);
        expect(body.errors).toHaveLength(1);
        expect(body.errors[0].message).toBe('internal server error');
        expect(body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
        // Nothing of the failure itself: not the SQL, not PostgreSQL's words, not a stack frame.
        expect(text).not.toMatch(/title_gone|does not exist|select |stacktrace|exception|\.ts:\d+|at .*\(/i);
        // Over WebSocket too.
        const socket = await RawSocket.connect(production.wsUrl, production.bootstrapToken);
        const answer = await socket.run('s', SECTIONS, { d });
        expect(answer.payload.errors).toEqual([expect.objectContaining({ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
        expect(JSON.stringify(answer.payload)).not.toMatch(/title_gone|does not exist|select |stacktrace|exception|\.ts:\d+/i);
        socket.close();
      });
    });

    it('the same bug on a development server shows its message (so the masking above is what production adds)', async () => {
      const d = await declarationWithSection(development);
      await withBrokenSectionTable(development, async () => {
        const answer = await development.client().query(SECTIONS, { d });
        expect(answer.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        expect(answer.errors?.[0]?.message).toMatch(/title/);
      });
    });

    it("known errors keep their message and code in production, and carry no stack trace either", async () => {
      const answer = await production.client().query('{ declaration(id: "00000000-0000-4000-8000-000000000000") { id } }');
      expect(answer.errors).toEqual([
        expect.objectContaining({ message: expect.stringContaining('no declaration with id'), extensions: { code: 'NOT_FOUND' } }),
      ]);
      const syntax = await production.client().query('{ declarations { id ');
      expect(syntax.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    });
  });

  describe('introspection turned off (DRAFTROOM_INTROSPECTION=false)', () => {
    it('__schema and __type are BAD_USER_INPUT over HTTP and over WebSocket; __typename is still answered', async () => {
      for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Declaration") { name } }']) {
        const overHttp = await production.client().query(query);
        expect(overHttp.data ?? null).toBeNull();
        expect(new Set(overHttp.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
        const socket = await RawSocket.connect(production.wsUrl, production.bootstrapToken);
        const overSocket = await socket.run('i', query);
        expect(overSocket.type).toBe('error');
        expect(new Set(overSocket.payload.map((e: { extensions: { code: string } }) => e.extensions.code))).toEqual(new Set(['BAD_USER_INPUT']));
        socket.close();
      }
      expect(await production.client().ok('{ __typename }')).toEqual({ __typename: 'Query' });
    });

    it('a server with introspection on answers the same query', async () => {
      const answer = await development.client().ok('{ __type(name: "Declaration") { name } }');
      expect(answer.__type.name).toBe('Declaration');
    });
  });

  describe('CORS (DRAFTROOM_CORS_ORIGINS)', () => {
    it('is read as a comma-separated list, empty by default', () => {
      expect(loadConfig({}).corsOrigins).toEqual([]);
      expect(loadConfig({ DRAFTROOM_CORS_ORIGINS: ' https://a.example , https://b.example,,' }).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
      expect(loadConfig({ DRAFTROOM_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    });

    it('an allowed origin gets Access-Control-Allow-Origin (with Vary: Origin) and may read Retry-After; its preflight is 204', async () => {
      const response = await fetch(production.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(response.headers.get('vary')).toMatch(/origin/i);
      expect(response.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const preflight = await fetch(production.url, {
        method: 'OPTIONS',
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    });

    it('another origin gets no CORS header, on requests or preflights', async () => {
      const response = await fetch(production.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(production.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('"*" allows any origin, without credentials', async () => {
      const response = await fetch(development.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://anywhere.example' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });
  });
});
