/**
 * The export routes (`GET /declarations/:id/export.*`) are rate-limited as
 * GraphQL is: each download takes a token from its caller's request bucket
 * (the same bucket as the caller's GraphQL requests and WebSocket
 * operations), per token for a participant, per client address for anyone
 * else. Over the limit: HTTP 429, `Retry-After`, and the error GraphQL gives
 * (BAD_USER_INPUT, `limit: requestsPerSecond`, `retryAfterMs`).
 *
 * Rate limits refill with time, so nothing here counts on timing: a caller
 * downloads until refused (the burst always passes first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';

const BURST = 20;

interface Answer {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  text: string;
}

function errorsOf(answer: Answer): { message: string; extensions: Record<string, unknown> }[] {
  return (JSON.parse(answer.text) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors;
}

const isRefusal = (answer: Answer) => answer.status === 429;

/** Calls `send()` until it is answered 429 (at most `max` times): the answers before it, and the refusal. */
async function untilRefused(send: () => Promise<Answer>, max = 500): Promise<{ passed: Answer[]; refusal: Answer }> {
  const passed: Answer[] = [];
  for (let i = 0; i < max; i++) {
    const answer = await send();
    if (isRefusal(answer)) return { passed, refusal: answer };
    passed.push(answer);
  }
  throw new Error(`${max} requests passed without a 429`);
}

function expectRateRefusal(refusal: Answer) {
  expect(refusal.status).toBe(429);
  expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(refusal.contentType).toMatch(/^application\/json/);
  const errors = errorsOf(refusal);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'requestsPerSecond', retryAfterMs: expect.any(Number) });
  expect(errors[0]!.extensions.retryAfterMs).toBeGreaterThan(0);
  expect(errors[0]!.extensions.retryAfterMs).toBeLessThanOrEqual(1000);
  expect(errors[0]!.message).toContain('DRAFTROOM_MAX_REQUESTS_PER_SECOND');
}

describe('export routes: operations per caller per second (1/s, bursts of 20), as GraphQL', () => {
  let server: TestServer;
  let cast: Cast;
  let base: string;

  async function download(token: string | null, file = 'export.md'): Promise<Answer> {
    const response = await fetch(`${base}/declarations/${cast.declarationId}/${file}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), contentType: response.headers.get('content-type'), text: await response.text() };
  }

  async function graphql(token: string): Promise<Answer> {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), contentType: response.headers.get('content-type'), text: await response.text() };
  }

  beforeAll(async () => {
    server = await startServer({ limits: { requestsPerSecond: 1, requestBurst: BURST } });
    base = server.url.replace(/\/graphql$/, '');
    // The secretariat and the first co-facilitator spend a few of their 20 here; the tests use other tokens.
    cast = await createCast(server, 'Export limits');
    const section = await addSection(cast.coFacilitator, cast.declarationId, 'Commitments');
    await addParagraph(cast.coFacilitator, section.id, { text: 'We commit to safe, orderly and regular migration.' });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('the burst downloads, then the download is 429 with Retry-After and the error GraphQL gives', async () => {
    const { passed, refusal } = await untilRefused(() => download(cast.observer.token));
    expect(passed.length).toBeGreaterThanOrEqual(BURST);
    expect(passed.every((a) => a.status === 200 && a.text.includes('safe, orderly and regular migration'))).toBe(true);
    expectRateRefusal(refusal);
  });

  it('downloads and GraphQL requests take from one bucket per token; other tokens keep theirs', async () => {
    const { passed } = await untilRefused(() => graphql(cast.delegation.token!));
    expect(passed.length).toBeGreaterThanOrEqual(BURST);
    expectRateRefusal(await download(cast.delegation.token, 'export.html'));
    const other = await download(cast.stakeholder.token, 'export.html');
    expect(other.status).toBe(200);
    expect(other.contentType).toMatch(/^text\/html/);
  });

  it('every format is limited: the compilation and Akoma Ntoso too', async () => {
    const { refusal } = await untilRefused(() => download(cast.delegation2.token, 'export.compilation.md'));
    expectRateRefusal(refusal);
    expectRateRefusal(await download(cast.delegation2.token, 'export.xml'));
  });

  it('callers without a valid token share their address: 401 until the bucket is empty, then 429', async () => {
    let n = 0;
    const { passed, refusal } = await untilRefused(() => download(n++ % 2 === 0 ? null : `drt_made_up_${n}`));
    expect(passed.length).toBeGreaterThanOrEqual(BURST);
    expect(passed.every((a) => a.status === 401 && errorsOf(a)[0]!.extensions.code === 'UNAUTHENTICATED')).toBe(true);
    expectRateRefusal(refusal);
  });
});
