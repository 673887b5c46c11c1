/**
 * Guards, end to end: the limits on what one operation may ask for (depth,
 * fields with fragments expanded, aliases), over HTTP and WebSocket alike;
 * the request body limit and malformed bodies; the health check.
 *
 * Two servers: one with the default limits (DEFAULT_LIMITS: depth 12,
 * 2,000 fields, 100 aliases, 4 MiB bodies), and one with small ones so that
 * the limits are cheap to reach: 50 fields, 5 aliases, 10,000-byte bodies.
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../server/src/config.js';
import type { GraphQLErrorShape, GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';

const SMALL = { queryFields: 50, queryAliases: 5, bodyBytes: 10_000 };

/**
 * A query whose deepest field is `depth` levels down:
 * declaration › sections › paragraphs › section › paragraphs › ... › id.
 */
function nested(depth: number): string {
  const path = ['declaration(id: $d)', 'sections'];
  while (path.length < depth - 1) path.push(path.length % 2 === 0 ? 'paragraphs' : 'section');
  return `query($d: ID!) { ${path.join(' { ')} { id }${' }'.repeat(path.length - 1)} }`;
}

/** `{ viewer { ...P ...P ... } }` with `spreads` spreads of a four-field fragment, plus `extra` fields: 1 + 4 × spreads + extra fields. */
function spread(spreads: number, extra: string[] = []): string {
  return `{ viewer { ${'...P '.repeat(spreads)}${extra.join(' ')} } } fragment P on Participant { id name role delegation }`;
}

/** `{ a1: viewer { id } a2: viewer { id } ... }` */
function aliased(count: number): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i + 1}: viewer { id }`).join(' ')} }`;
}

/** The codes of an operation's errors over HTTP (deduplicated). */
function codes(errors: GraphQLErrorShape[] | undefined): (string | undefined)[] {
  return [...new Set((errors ?? []).map((e) => e.extensions?.code))];
}

/** The errors of one operation over WebSocket, whether sent as an `error` message or in a `next` result. */
async function socketErrors(client: GraphQLTestClient, query: string, variables?: Record<string, unknown>): Promise<GraphQLErrorShape[]> {
  try {
    const result = await client.overSocket(query, variables);
    return result.errors ?? [];
  } catch (thrown) {
    if (Array.isArray(thrown)) return thrown as GraphQLErrorShape[];
    const close = thrown as { code?: number; reason?: string };
    return [{ message: `socket closed ${close.code}: ${close.reason}`, extensions: { code: `CLOSED_${close.code}` } }];
  }
}

/** What a write could have touched: every declaration with its sections, and the change log of `declarationId`. */
async function written(admin: GraphQLTestClient, declarationId: string) {
  return {
    declarations: (await admin.ok('{ declarations { id title sections { id title position paragraphs { id text } } participants { id } } }'))
      .declarations,
    changeLog: await changeLog(admin, declarationId),
  };
}

describe('query guards with the default limits', () => {
  let server: TestServer;
  let cast: Cast;
  let sectionId: string;
  let paragraphId: string;

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    sectionId = (await addSection(cast.coFacilitator, cast.declarationId, 'Introduction')).id;
    paragraphId = (await addParagraph(cast.coFacilitator, sectionId, { text: 'We, the Ministers and representatives...' })).id;
  });

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('the defaults are the documented ones', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ queryDepth: 12, queryFields: 2_000, queryAliases: 100, bodyBytes: 4 * 1024 * 1024 });
  });

  describe('depth', () => {
    it('a query nesting 12 levels deep (the limit) is answered', async () => {
      const result = await cast.observer.query(nested(12), { d: cast.declarationId });
      expect(result.errors).toBeUndefined();
      // declaration › sections › paragraphs › section › paragraphs › section › ... › id, resolved all the way down.
      let node: any = result.data!.declaration.sections[0];
      for (let level = 3; level < 12; level++) node = level % 2 === 1 ? node.paragraphs[0] : node.section;
      expect(node.id).toBe(paragraphId);
    });

    it('a query nesting 13 levels deep is BAD_USER_INPUT naming DRAFTROOM_MAX_QUERY_DEPTH, refused before it runs', async () => {
      const result = await cast.observer.query(nested(13), { d: cast.declarationId });
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_DEPTH');
      expect(result.errors![0]!.message).toContain('13 levels');
      // A validation failure: HTTP 400 and no `data` at all (nothing was executed).
      expect(result.status).toBe(400);
      expect(result.data).toBeUndefined();
    });

    it('fragments count toward the depth as if written out', async () => {
      const query = `query($d: ID!) { declaration(id: $d) { ...D } }
        fragment D on Declaration { sections { ...S } }
        fragment S on Section { paragraphs { ...P } }
        fragment P on Paragraph { section { paragraphs { section { paragraphs { ... on Paragraph { section { paragraphs { section { paragraphs { section { id } } } } } } } } } } }`;
      const result = await cast.observer.query(query, { d: cast.declarationId });
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_DEPTH');
      expect(result.errors![0]!.message).toContain('13 levels');
    });

    it('a mutation selecting too deeply is refused before it runs: no section is added', async () => {
      const before = await written(server.client(), cast.declarationId);
      const deepSelection = 'id paragraphs { section { paragraphs { section { paragraphs { section { paragraphs { section { paragraphs { section { paragraphs { id } } } } } } } } } } }';
      const result = await cast.coFacilitator.query(
        `mutation($d: ID!) { addSection(declarationId: $d, input: { title: "Too deep" }) { ${deepSelection} } }`,
        { d: cast.declarationId },
      );
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_DEPTH');
      expect(await written(server.client(), cast.declarationId)).toEqual(before);
    });

    it('the standard introspection query succeeds', async () => {
      const result = await cast.observer.query(getIntrospectionQuery());
      expect(result.errors).toBeUndefined();
      expect(result.data!.__schema.queryType.name).toBe('Query');
      const typeNames = result.data!.__schema.types.map((t: { name: string }) => t.name);
      expect(typeNames).toEqual(expect.arrayContaining(['Declaration', 'Paragraph', 'Comment', 'ChangeEvent']));
    });

    it('the standard introspection query with every option succeeds', async () => {
      const query = getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      });
      const result = await cast.observer.query(query);
      expect(result.errors).toBeUndefined();
      expect(result.data!.__schema.mutationType.name).toBe('Mutation');
    });

    it('introspection cannot nest lists of types to multiply its answer', async () => {
      const result = await cast.observer.query('{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }');
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.data).toBeUndefined();
    });

    it('over WebSocket: 13 levels are BAD_USER_INPUT naming DRAFTROOM_MAX_QUERY_DEPTH; 12 levels and introspection are answered', async () => {
      const client = server.client(cast.observer.token);
      const errors = await socketErrors(client, nested(13), { d: cast.declarationId });
      expect(codes(errors)).toEqual(['BAD_USER_INPUT']);
      expect(errors[0]!.message).toContain('DRAFTROOM_MAX_QUERY_DEPTH');
      expect(await socketErrors(client, nested(12), { d: cast.declarationId })).toEqual([]);
      const introspection = await client.overSocket(getIntrospectionQuery());
      expect(introspection.errors).toBeUndefined();
      expect(introspection.data!.__schema.queryType.name).toBe('Query');
    });
  });
});

describe('query guards with small limits (50 fields, 5 aliases, 10,000-byte bodies)', () => {
  let server: TestServer;
  let cast: Cast;
  let healthUrl: string;

  beforeAll(async () => {
    server = await startServer({ limits: SMALL });
    cast = await createCast(server);
    await addSection(cast.coFacilitator, cast.declarationId, 'Introduction');
    healthUrl = server.url.replace(/\/graphql$/, '/healthz');
  });

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  describe('fields, fragments expanded', () => {
    it('50 fields are answered', async () => {
      const result = await cast.delegation.query(spread(12, ['id'])); // 1 + 48 + 1
      expect(result.errors).toBeUndefined();
      expect(result.data!.viewer).toMatchObject({ name: 'Delegate of Mexico', delegation: 'Mexico' });
    });

    it('51 fields, reached by spreading one small fragment many times, are BAD_USER_INPUT naming DRAFTROOM_MAX_QUERY_FIELDS', async () => {
      const result = await cast.delegation.query(spread(12, ['id', 'name'])); // 1 + 48 + 2
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_FIELDS');
      expect(result.data).toBeUndefined();
    });

    it('a fragment spread through nested fragments counts every expansion', async () => {
      // F2 spreads F1 four times, F1 spreads P four times: 1 + 4 × 4 × 4 = 65 fields in a few lines.
      const query = `{ viewer { ...F2 } }
        fragment F2 on Participant { ...F1 ...F1 ...F1 ...F1 }
        fragment F1 on Participant { ...P ...P ...P ...P }
        fragment P on Participant { id name role delegation }`;
      const result = await cast.delegation.query(query);
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_FIELDS');
    });

    it('a fragment bomb (ten levels of fragments, each spreading the one below ten times) is refused promptly', async () => {
      const fragments = ['fragment F0 on Participant { id name }'];
      for (let i = 1; i <= 10; i++) fragments.push(`fragment F${i} on Participant { ${`...F${i - 1} `.repeat(10)}}`);
      const started = performance.now();
      const result = await cast.delegation.query(`{ viewer { ...F10 } } ${fragments.join(' ')}`);
      const elapsed = performance.now() - started;
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors!.some((e) => e.message.includes('DRAFTROOM_MAX_QUERY_FIELDS'))).toBe(true);
      // 10^10 fields written out; the walk stops at the budget. Generous bound for a loaded CI machine.
      expect(elapsed).toBeLessThan(5_000);
    });

    it('introspection fields count toward the fields limit too', async () => {
      const query = `{ __type(name: "Declaration") { ...T ofType { ...T ofType { ...T ofType { ...T ofType { ...T } } } } } }
        fragment T on __Type { name kind description specifiedByURL fields { name } interfaces { name } possibleTypes { name } enumValues { name } inputFields { name } }`;
      const result = await cast.delegation.query(query);
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_FIELDS');
    });
  });

  describe('aliases', () => {
    it('5 aliases are answered', async () => {
      const result = await cast.delegation.query(aliased(5));
      expect(result.errors).toBeUndefined();
      expect(Object.keys(result.data!)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    });

    it('6 aliases are BAD_USER_INPUT naming DRAFTROOM_MAX_QUERY_ALIASES', async () => {
      const result = await cast.delegation.query(aliased(6));
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_ALIASES');
      expect(result.data).toBeUndefined();
    });

    it('aliased introspection fields count toward the alias limit too', async () => {
      const query = `{ ${Array.from({ length: 6 }, (_, i) => `t${i}: __type(name: "Declaration") { name }`).join(' ')} }`;
      const result = await cast.delegation.query(query);
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_ALIASES');
    });

    it('a mutation aliased six times is refused whole: no section is added', async () => {
      const before = await written(server.client(), cast.declarationId);
      const mutation = `mutation($d: ID!) { ${Array.from(
        { length: 6 },
        (_, i) => `s${i}: addSection(declarationId: $d, input: { title: "Annex ${i}" }) { id }`,
      ).join(' ')} }`;
      const result = await cast.coFacilitator.query(mutation, { d: cast.declarationId });
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toContain('DRAFTROOM_MAX_QUERY_ALIASES');
      expect(await written(server.client(), cast.declarationId)).toEqual(before);
    });
  });

  describe('over WebSocket', () => {
    it('the fields and alias limits apply there too', async () => {
      const client = server.client(cast.delegation.token);
      const fields = await socketErrors(client, spread(12, ['id', 'name']));
      expect(codes(fields)).toEqual(['BAD_USER_INPUT']);
      expect(fields[0]!.message).toContain('DRAFTROOM_MAX_QUERY_FIELDS');
      const aliases = await socketErrors(client, aliased(6));
      expect(codes(aliases)).toEqual(['BAD_USER_INPUT']);
      expect(aliases[0]!.message).toContain('DRAFTROOM_MAX_QUERY_ALIASES');
      // Within the limits, the same connection answers.
      const ok = await client.overSocket(aliased(5));
      expect(ok.errors).toBeUndefined();
      expect(Object.keys(ok.data!)).toHaveLength(5);
    });

    it('a mutation over the alias limit is refused there too, and adds no section', async () => {
      const before = await written(server.client(), cast.declarationId);
      const client = server.client(cast.coFacilitator.token);
      const mutation = `mutation($d: ID!) { ${Array.from(
        { length: 6 },
        (_, i) => `s${i}: addSection(declarationId: $d, input: { title: "Annex ${i}" }) { id }`,
      ).join(' ')} }`;
      const errors = await socketErrors(client, mutation, { d: cast.declarationId });
      expect(codes(errors)).toEqual(['BAD_USER_INPUT']);
      expect(await written(server.client(), cast.declarationId)).toEqual(before);
    });

    it('a message over the body limit closes that connection (1009, message too big) and writes nothing', async () => {
      const before = await written(server.client(), cast.declarationId);
      const client = server.client(cast.coFacilitator.token);
      const errors = await socketErrors(client, `mutation($d: ID!) { addSection(declarationId: $d, input: { title: "Padded" }) { id } } #${'x'.repeat(SMALL.bodyBytes)}`, {
        d: cast.declarationId,
      });
      expect(codes(errors)).toEqual(['CLOSED_1009']);
      expect(await written(server.client(), cast.declarationId)).toEqual(before);
    });
  });

  describe('request bodies', () => {
    /** A createDeclaration mutation padded with a comment so that its JSON body is exactly `bytes` long. */
    function paddedBody(bytes: number, title: string): string {
      const bare = JSON.stringify({ query: `mutation { createDeclaration(input: { title: "${title}" }) { id title } } #` });
      const padding = bytes - Buffer.byteLength(bare);
      expect(padding).toBeGreaterThanOrEqual(0);
      return JSON.stringify({ query: `mutation { createDeclaration(input: { title: "${title}" }) { id title } } #${'x'.repeat(padding)}` });
    }

    async function post(body: string, contentType = 'application/json') {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${server.bootstrapToken}` },
        body,
      });
      const text = await response.text();
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', json: JSON.parse(text) };
    }

    it('a body one byte over the limit is HTTP 413 with BAD_USER_INPUT naming DRAFTROOM_MAX_BODY_BYTES, and nothing is written', async () => {
      const before = await written(server.client(), cast.declarationId);
      const body = paddedBody(SMALL.bodyBytes + 1, 'Too large');
      expect(Buffer.byteLength(body)).toBe(10_001);
      const response = await post(body);
      expect(response.status).toBe(413);
      expect(response.contentType).toMatch(/^application\/json/);
      expect(response.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(response.json.errors[0].message).toContain('DRAFTROOM_MAX_BODY_BYTES');
      expect(await written(server.client(), cast.declarationId)).toEqual(before);
    });

    it('a body of exactly the limit is accepted', async () => {
      const response = await post(paddedBody(SMALL.bodyBytes, 'Exactly at the limit'));
      expect(response.status).toBe(200);
      expect(response.json.errors).toBeUndefined();
      expect(response.json.data.createDeclaration.title).toBe('Exactly at the limit');
    });

    it('a much larger body (1 MB) is refused the same way', async () => {
      const before = await written(server.client(), cast.declarationId);
      const response = await post(paddedBody(1_000_000, 'Far too large'));
      expect(response.status).toBe(413);
      expect(response.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(await written(server.client(), cast.declarationId)).toEqual(before);
    });

    it('a malformed JSON body is HTTP 400 with BAD_USER_INPUT', async () => {
      for (const body of ['{"query": "{ viewer { role } }"', '{query: 1}', 'not json at all', '"just a string"']) {
        const response = await post(body);
        expect(response.status, body).toBe(400);
        expect(response.contentType).toMatch(/^application\/json/);
        expect(response.json.errors[0].extensions.code, body).toBe('BAD_USER_INPUT');
      }
    });
  });

  it('GET /healthz answers 200 {status: "ok"}', async () => {
    const response = await fetch(healthUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
