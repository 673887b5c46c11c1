/**
 * Limits against abuse, end to end (DESIGN.md "Guards and their defaults"):
 * operations and `applyUpdate`s per token per second, WebSocket connections
 * per token, subscriptions per connection, paragraphs per declaration. Each
 * refusal is a clear error with the contract's code that names the limit,
 * and the refused operation changes nothing. The defaults never refuse an
 * honest client: an editor flushing a queue of 1,500 updates at once.
 *
 * Rate limits are token buckets that refill with time, so these tests never
 * count on timing: a caller sends until it is refused (the burst always
 * passes first), and what was refused is checked to have changed nothing.
 *
 * Sizes (HTTP body, WebSocket message, Yjs update) are tested where they
 * were introduced: test/e2e/guards.test.ts and test/collab/refusals.test.ts.
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, loadConfig } from '../../server/src/config.js';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, invite, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { REMOTE, serverDoc, toBase64 } from '../support/yjsClient.js';
import { RawSocket } from './rawSocket.js';

const APPLY_UPDATE = 'mutation($d: ID!, $u: Base64!) { applyUpdate(declarationId: $d, update: $u) { seq } }';
const CHANGES = 'subscription($d: ID!) { changes(declarationId: $d, after: 0) { seq } }';

interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** One GraphQL request over HTTP, with the status and Retry-After header. */
async function post(server: TestServer, token: string | null, query: string, variables?: Record<string, unknown>): Promise<HttpAnswer> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as HttpAnswer['body'] };
}

const isRefusal = (answer: HttpAnswer, limit: string) => answer.body.errors?.some((e) => e.extensions?.limit === limit) ?? false;

/** Sends `send()` until an answer is refused for `limit` (at most `max` times); the answers before it, and the refusal. */
async function untilRefused(send: () => Promise<HttpAnswer>, limit: string, max = 500): Promise<{ passed: HttpAnswer[]; refusal: HttpAnswer }> {
  const passed: HttpAnswer[] = [];
  for (let i = 0; i < max; i++) {
    const answer = await send();
    if (isRefusal(answer, limit)) return { passed, refusal: answer };
    passed.push(answer);
  }
  throw new Error(`${max} requests passed without a refusal for ${limit}`);
}

function expectRateRefusal(refusal: HttpAnswer, limit: string, variable: string) {
  expect(refusal.status).toBe(429);
  expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(refusal.body.errors).toHaveLength(1);
  const [error] = refusal.body.errors!;
  expect(error!.extensions).toEqual({ code: 'BAD_USER_INPUT', limit, retryAfterMs: expect.any(Number) });
  expect(error!.extensions!.retryAfterMs).toBeGreaterThan(0);
  expect(error!.extensions!.retryAfterMs).toBeLessThanOrEqual(1000);
  expect(error!.message).toContain(variable);
}

describe('the configuration', () => {
  it('has the documented defaults, generous enough for an editor flushing an offline queue', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      requestsPerSecond: 2_000,
      requestBurst: 4_000,
      updatesPerSecond: 1_000,
      updateBurst: 2_000,
      connectionsPerToken: 50,
      subscriptionsPerConnection: 100,
      paragraphsPerDeclaration: 2_000,
    });
    expect(loadConfig({}).limits).toEqual(DEFAULT_LIMITS);
  });

  it('reads every limit from its DRAFTROOM_* variable, and names the variable of a malformed one', () => {
    const config = loadConfig({
      DRAFTROOM_MAX_REQUESTS_PER_SECOND: '11',
      DRAFTROOM_REQUEST_BURST: '12',
      DRAFTROOM_MAX_UPDATES_PER_SECOND: '13',
      DRAFTROOM_UPDATE_BURST: '14',
      DRAFTROOM_MAX_CONNECTIONS_PER_TOKEN: '15',
      DRAFTROOM_MAX_SUBSCRIPTIONS_PER_CONNECTION: '16',
      DRAFTROOM_MAX_PARAGRAPHS: '17',
    });
    expect(config.limits).toMatchObject({
      requestsPerSecond: 11,
      requestBurst: 12,
      updatesPerSecond: 13,
      updateBurst: 14,
      connectionsPerToken: 15,
      subscriptionsPerConnection: 16,
      paragraphsPerDeclaration: 17,
    });
    expect(() => loadConfig({ DRAFTROOM_MAX_UPDATES_PER_SECOND: 'lots' })).toThrow(/DRAFTROOM_MAX_UPDATES_PER_SECOND/);
  });
});

describe('operations per token per second (1/s, bursts of 30), HTTP and WebSocket alike', () => {
  const BURST = 30;
  let server: TestServer;
  let declarationId: string;
  let secretariat: GraphQLTestClient;
  let sectionWriter: { client: GraphQLTestClient; token: string };
  let socketUser: { client: GraphQLTestClient; token: string };
  let observer: { token: string };

  beforeAll(async () => {
    server = await startServer({ limits: { requestsPerSecond: 1, requestBurst: BURST } });
    // The secretariat spends a few of its 30 here; every test below uses a token of its own.
    secretariat = server.client();
    declarationId = (await secretariat.ok('mutation { createDeclaration(input: { title: "Limits" }) { id } }')).createDeclaration.id;
    sectionWriter = await invite(server, declarationId, 'CO_FACILITATOR', 'Ambassador Diallo');
    socketUser = await invite(server, declarationId, 'DELEGATION', 'Delegate of Mexico', 'Mexico');
    observer = await invite(server, declarationId, 'OBSERVER', 'Press observer');
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('the burst passes, then the request is HTTP 429, Retry-After, BAD_USER_INPUT with limit requestsPerSecond and retryAfterMs', async () => {
    const { passed, refusal } = await untilRefused(() => post(server, observer.token, '{ viewer { id } }'), 'requestsPerSecond');
    expect(passed.length).toBeGreaterThanOrEqual(BURST);
    expect(passed.every((a) => a.status === 200 && a.body.data?.viewer?.id)).toBe(true);
    expectRateRefusal(refusal, 'requestsPerSecond', 'DRAFTROOM_MAX_REQUESTS_PER_SECOND');
  });

  it('a refused mutation writes nothing: as many sections and SECTION_ADDED events as mutations answered', async () => {
    let n = 0;
    const { passed } = await untilRefused(
      () => post(server, sectionWriter.token, 'mutation($d: ID!, $t: String!) { addSection(declarationId: $d, input: { title: $t }) { id } }', {
        d: declarationId,
        t: `Section ${++n}`,
      }),
      'requestsPerSecond',
    );
    expect(passed.every((a) => a.body.data?.addSection?.id)).toBe(true);
    const sections = (await secretariat.ok('query($d: ID!) { declaration(id: $d) { sections { id } } }', { d: declarationId })).declaration
      .sections;
    expect(sections).toHaveLength(passed.length);
    const events = await changeLog(secretariat, declarationId);
    expect(events.filter((e) => e.kind === 'SECTION_ADDED')).toHaveLength(passed.length);
  });

  it('WebSocket operations take from the same bucket: refused there with an error message (the socket stays open), and then over HTTP at once', async () => {
    const socket = await RawSocket.connect(server.wsUrl, socketUser.token);
    let refused: any = null;
    let passedOverSocket = 0;
    for (let i = 0; i < 500 && !refused; i++) {
      const message = await socket.run(`q${i}`, '{ viewer { id } }');
      if (message.type === 'error') refused = message.payload;
      else passedOverSocket += 1;
    }
    expect(passedOverSocket).toBeGreaterThanOrEqual(BURST);
    expect(refused).toEqual([
      { message: expect.stringContaining('DRAFTROOM_MAX_REQUESTS_PER_SECOND'), extensions: { code: 'BAD_USER_INPUT', limit: 'requestsPerSecond', retryAfterMs: expect.any(Number) } },
    ]);
    expect(socket.isOpen).toBe(true);
    // The same token over HTTP finds the bucket the socket emptied (a fresh one would let 30 through).
    const { passed } = await untilRefused(() => post(server, socketUser.token, '{ viewer { id } }'), 'requestsPerSecond');
    expect(passed.length).toBeLessThan(BURST);
    // The socket was never closed: once a token is back, it answers again.
    let i = 0;
    await waitFor('the socket answers again', async () => (await socket.run(`again${i++}`, '{ viewer { id } }')).type === 'next', { intervalMs: 200 });
    socket.close();
  });

  it('without a valid token, the caller is its address: made-up tokens share one bucket, and are refused rather than answered', async () => {
    const { refusal } = await untilRefused(async () => {
      const answer = await post(server, null, '{ viewer { id } }');
      if (!isRefusal(answer, 'requestsPerSecond')) expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      return answer;
    }, 'requestsPerSecond');
    expectRateRefusal(refusal, 'requestsPerSecond', 'DRAFTROOM_MAX_REQUESTS_PER_SECOND');
    const madeUp = await untilRefused(() => post(server, `drt_made_up_${Math.random()}`, '{ viewer { id } }'), 'requestsPerSecond');
    expect(madeUp.passed.length).toBeLessThan(BURST);
  });

  it("another token's bucket is its own: the secretariat is still answered", async () => {
    const answer = await post(server, server.bootstrapToken, '{ viewer { role } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data.viewer.role).toBe('SECRETARIAT');
  });
});

describe('applyUpdate per token per second (1/s, bursts of 10)', () => {
  let server: TestServer;
  let cast: Cast;
  let paragraphId: string;

  beforeAll(async () => {
    server = await startServer({ limits: { updatesPerSecond: 1, updateBurst: 10 } });
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id)).id;
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('after the burst an update is HTTP 429 with limit updatesPerSecond, and the document holds exactly the acknowledged updates', async () => {
    const token = cast.coFacilitator.token!;
    const { doc } = await serverDoc(cast.coFacilitator, cast.declarationId);
    const text = doc.getText(paragraphId);
    let acknowledged = '';
    const { passed, refusal } = await untilRefused(async () => {
      const before = Y.encodeStateVector(doc);
      text.insert(text.length, 'x');
      const answer = await post(server, token, APPLY_UPDATE, { d: cast.declarationId, u: toBase64(Y.encodeStateAsUpdate(doc, before)) });
      if (answer.body.data?.applyUpdate) acknowledged = text.toString();
      return answer;
    }, 'updatesPerSecond');
    expect(passed.length).toBeGreaterThanOrEqual(10);
    expect(passed.every((a) => a.body.data?.applyUpdate?.seq > 0)).toBe(true);
    expectRateRefusal(refusal, 'updatesPerSecond', 'DRAFTROOM_MAX_UPDATES_PER_SECOND');
    const server_ = await serverDoc(cast.observer, cast.declarationId);
    expect(server_.doc.getText(paragraphId).toString()).toBe(acknowledged);
    expect(acknowledged).toBe('x'.repeat(passed.length));
  });

  it('the update limit leaves other operations of the token alone, and other co-facilitators have their own', async () => {
    // coFacilitator's update bucket is empty (previous test); its queries still pass.
    expect((await cast.coFacilitator.ok('{ viewer { role } }')).viewer.role).toBe('CO_FACILITATOR');
    const { doc } = await serverDoc(cast.coFacilitator2, cast.declarationId);
    const before = Y.encodeStateVector(doc);
    doc.getText(paragraphId).insert(0, 'y');
    const answer = await cast.coFacilitator2.query(APPLY_UPDATE, { d: cast.declarationId, u: toBase64(Y.encodeStateAsUpdate(doc, before)) });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.applyUpdate.seq).toBeGreaterThan(0);
  });

  it('over WebSocket the refusal is an error message with the same extensions', async () => {
    const { doc } = await serverDoc(cast.coFacilitator2, cast.declarationId);
    const text = doc.getText(paragraphId);
    const pen = await RawSocket.connect(server.wsUrl, cast.coFacilitator2.token!);
    let refused: any = null;
    for (let i = 0; i < 500 && !refused; i++) {
      const before = Y.encodeStateVector(doc);
      text.insert(0, 'z');
      const message = await pen.run(`u${i}`, APPLY_UPDATE, { d: cast.declarationId, u: toBase64(Y.encodeStateAsUpdate(doc, before)) });
      if (message.payload?.errors) refused = message.payload.errors;
      else if (message.type === 'error') refused = message.payload;
    }
    expect(refused).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', limit: 'updatesPerSecond', retryAfterMs: expect.any(Number) } }),
    ]);
    expect(pen.isOpen).toBe(true);
    pen.close();
  });
});

describe('connections per token (2), subscriptions per connection (3), paragraphs per declaration (3)', () => {
  let server: TestServer;
  let cast: Cast;
  const token = (client: GraphQLTestClient) => client.token!;

  beforeAll(async () => {
    server = await startServer({ limits: { connectionsPerToken: 2, subscriptionsPerConnection: 3, paragraphsPerDeclaration: 3 } });
    cast = await createCast(server);
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('a third connection of one token is closed in connection_init with 4029 and a reason naming the limit; another token still connects', async () => {
    const first = await RawSocket.connect(server.wsUrl, token(cast.observer));
    const second = await RawSocket.connect(server.wsUrl, token(cast.observer));
    await expect(RawSocket.connect(server.wsUrl, token(cast.observer))).rejects.toEqual({
      code: 4029,
      reason: 'too many connections for this token (limit 2, DRAFTROOM_MAX_CONNECTIONS_PER_TOKEN)',
    });
    // The two admitted ones still work; so does another participant.
    expect((await first.run('1', '{ viewer { role } }')).payload.data.viewer.role).toBe('OBSERVER');
    const other = await RawSocket.connect(server.wsUrl, token(cast.stakeholder));
    expect((await other.run('1', '{ viewer { role } }')).payload.data.viewer.role).toBe('STAKEHOLDER');
    // Once one closes, the token may connect again.
    first.close();
    await first.closed;
    const third = await waitFor('a connection in the freed place', () => RawSocket.connect(server.wsUrl, token(cast.observer)).catch(() => null));
    expect((await third.run('1', '{ viewer { role } }')).payload.data.viewer.role).toBe('OBSERVER');
    for (const s of [second, other, third]) s.close();
  });

  it('a fourth active subscription on one connection gets an error message (BAD_USER_INPUT, limit subscriptionsPerConnection); the socket stays open', async () => {
    const socket = await RawSocket.connect(server.wsUrl, token(cast.delegation));
    for (const id of ['a', 'b', 'c']) {
      socket.subscribe(id, CHANGES, { d: cast.declarationId });
      expect((await socket.next(id)).type).toBe('next');
    }
    socket.subscribe('d', CHANGES, { d: cast.declarationId });
    const refused = await socket.next('d');
    expect(refused.type).toBe('error');
    expect(refused.payload).toEqual([
      {
        message: expect.stringContaining('DRAFTROOM_MAX_SUBSCRIPTIONS_PER_CONNECTION'),
        extensions: { code: 'BAD_USER_INPUT', limit: 'subscriptionsPerConnection' },
      },
    ]);
    // Queries and mutations are not subscriptions: still answered on the same socket.
    expect((await socket.run('q', '{ viewer { role } }')).payload.data.viewer.role).toBe('DELEGATION');
    expect(socket.isOpen).toBe(true);
    // Completing one frees its place.
    socket.complete('a');
    let n = 0;
    await waitFor('a subscription in the freed place', async () => {
      const id = `e${n++}`;
      socket.subscribe(id, CHANGES, { d: cast.declarationId });
      const message = await socket.next(id);
      return message.type === 'next';
    });
    socket.close();
  });

  it('a fourth paragraph is BAD_USER_INPUT with limit paragraphsPerDeclaration and adds nothing, DELETED paragraphs counting too', async () => {
    const section = await addSection(cast.coFacilitator, cast.declarationId, 'Recommended actions');
    const paragraphs = [];
    for (let i = 0; i < 3; i++) paragraphs.push(await addParagraph(cast.coFacilitator, section.id, { text: `Paragraph ${i + 1}` }));
    await cast.coFacilitator.ok('mutation($p: ID!) { setParagraphStatus(paragraphId: $p, status: DELETED) { id } }', { p: paragraphs[0]!.id });
    const eventsBefore = await changeLog(cast.secretariat, cast.declarationId);
    const seqBefore = (await serverDoc(cast.observer, cast.declarationId)).seq;
    const answer = await cast.coFacilitator.query('mutation($s: ID!) { addParagraph(sectionId: $s, input: { text: "One too many" }) { id } }', {
      s: section.id,
    });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('DRAFTROOM_MAX_PARAGRAPHS'),
        extensions: { code: 'BAD_USER_INPUT', limit: 'paragraphsPerDeclaration' },
      }),
    ]);
    const after = await cast.secretariat.ok('query($d: ID!) { declaration(id: $d) { paragraphs { id text } } }', { d: cast.declarationId });
    expect(after.declaration.paragraphs.map((p: { id: string }) => p.id).sort()).toEqual(paragraphs.map((p) => p.id).sort());
    expect(await changeLog(cast.secretariat, cast.declarationId)).toEqual(eventsBefore);
    expect((await serverDoc(cast.observer, cast.declarationId)).seq).toBe(seqBefore);
  });
});

describe('the default limits never refuse an honest client', () => {
  let server: TestServer;
  let cast: Cast;
  let paragraphId: string;

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id)).id;
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('1,500 updates sent at once over one socket (an offline queue flushed) are all acknowledged', async () => {
    const COUNT = 1_500;
    // Independent insertions (each from a fresh Yjs client): none waits for another to be committed.
    const updates = Array.from({ length: COUNT }, () => {
      const doc = new Y.Doc();
      const captured: Uint8Array[] = [];
      doc.on('update', (update: Uint8Array, origin: unknown) => origin !== REMOTE && captured.push(update));
      doc.getText(paragraphId).insert(0, 'q');
      return captured[0]!;
    });
    const pen = await RawSocket.connect(server.wsUrl, cast.coFacilitator.token!);
    updates.forEach((u, i) => pen.subscribe(`u${i}`, APPLY_UPDATE, { d: cast.declarationId, u: toBase64(u) }));
    const answers = await Promise.all(updates.map((_, i) => pen.next(`u${i}`)));
    const refused = answers.filter((a) => a.type !== 'next' || a.payload.errors);
    expect(refused).toEqual([]);
    const { doc } = await serverDoc(cast.observer, cast.declarationId);
    expect(doc.getText(paragraphId).length).toBe(COUNT);
    pen.close();
  });
});
