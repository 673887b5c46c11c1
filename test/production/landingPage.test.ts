/**
 * What a browser gets at GET /graphql. Apollo Server's landing page loads
 * Apollo's explorer from a CDN (a blank page without internet, and foreign
 * scripts next to negotiation tokens): it is off. With DRAFTROOM_EXPLORER
 * (development's default) a small explorer made only of inline HTML, CSS and
 * script is served, every control labelled; without it (production's
 * default) a line of plain text. GraphQL over GET and POST is untouched.
 *
 * The explorer is also driven in Debian's Chromium: it runs a query against
 * the server with a token, and shows the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { Chromium, findChromium } from '../support/chromium.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';

const executable = findChromium();

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function visit(server: TestServer, accept = BROWSER_ACCEPT) {
  const response = await fetch(server.url, { headers: { accept } });
  return { status: response.status, contentType: response.headers.get('content-type'), policy: response.headers.get('content-security-policy'), text: await response.text() };
}

/** GraphQL over GET still works (Apollo's CSRF rule wants a content-type or a preflight header on a GET). */
async function getQuery(server: TestServer) {
  const response = await fetch(`${server.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
  return { status: response.status, body: (await response.json()) as { data?: { __typename: string } } };
}

describe('DRAFTROOM_EXPLORER', () => {
  it('is on by default, off by default when NODE_ENV=production, and can be set either way', () => {
    expect(loadConfig({}).explorer).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).explorer).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DRAFTROOM_EXPLORER: 'true' }).explorer).toBe(true);
    expect(loadConfig({ DRAFTROOM_EXPLORER: 'off' }).explorer).toBe(false);
    expect(() => loadConfig({ DRAFTROOM_EXPLORER: 'maybe' })).toThrow(/DRAFTROOM_EXPLORER/);
  });
});

describe('GET /graphql from a browser, explorer on (development)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ app: { explorer: true } });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('is a self-contained page: no URL of anywhere else, nothing loaded from outside, a policy that forbids it', async () => {
    const page = await visit(server);
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.text).toContain('<form id="explorer">');
    expect(page.text).not.toMatch(/https?:/i);
    expect(page.text).not.toMatch(/\/\/[a-z0-9-]+\.[a-z]/i);
    expect(page.text).not.toMatch(/\s(src|href)=/i);
    expect(page.text).not.toMatch(/<link\b|@import|url\(/i);
    expect(page.policy).toMatch(/default-src 'none'/);
    expect(page.policy).toMatch(/connect-src 'self'/);
    expect(page.policy).not.toMatch(/unsafe-inline|https?:/);
  });

  it('labels every control: query, variables, token, and the Run button', async () => {
    const { text } = await visit(server);
    const controls = [...text.matchAll(/<(textarea|input)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[2]!);
    expect(controls).toEqual(['query', 'variables', 'token']);
    for (const id of controls) expect(text).toMatch(new RegExp(`<label for="${id}">[^<]+</label>`));
    expect(text).toMatch(/<input id="token"[^>]*type="password"/);
    expect(text).toMatch(/<button type="submit">Run<\/button>/);
  });

  it('leaves GraphQL alone: a client asking for JSON, or a GET with a query, reaches Apollo', async () => {
    const json = await visit(server, 'application/json');
    expect(json.contentType).toMatch(/^application\/json/);
    expect(json.text).not.toContain('<form');
    expect(await getQuery(server)).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});

describe.skipIf(!executable && !process.env.CI)('the explorer in headless Chromium', () => {
  let server: TestServer;
  let browser: Chromium | null = null;

  beforeAll(async () => {
    if (!executable) throw new Error('no Chromium in CI: .ci/run installs the chromium package (or set CHROMIUM_PATH)');
    server = await startServer({ app: { explorer: true } });
    browser = await Chromium.launch(executable);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop({ dropDatabase: true });
  });

  it('runs a query with variables and a token, and shows the answer (its inline script is allowed by its own policy)', async () => {
    const page = await browser!.open(server.url);
    await page.evaluate(`(() => {
      document.getElementById('query').value = 'query($hide: Boolean!) { viewer { role } root: __typename @skip(if: $hide) }';
      document.getElementById('variables').value = '{ "hide": false }';
      document.getElementById('token').value = ${JSON.stringify(server.bootstrapToken)};
      document.querySelector('button[type=submit]').click();
    })()`);
    const answer = await waitFor('the answer on the page', async () => {
      const text = await page.evaluate<string>(`document.getElementById('answer').textContent`);
      return text.startsWith('HTTP ') ? text : null;
    });
    expect(answer.split('\n')[0], answer).toBe('HTTP 200');
    expect(JSON.parse(answer.slice(answer.indexOf('\n') + 1))).toEqual({ data: { viewer: { role: 'SECRETARIAT' }, root: 'Query' } });
    expect(page.errors).toEqual([]);
    expect(page.console.filter((line) => /refused|content security policy/i.test(line))).toEqual([]);
  });

  it('says so when the variables are not JSON', async () => {
    const page = await browser!.open(server.url);
    await page.evaluate(`(() => {
      document.getElementById('variables').value = '{ n: 1';
      document.querySelector('button[type=submit]').click();
    })()`);
    const answer = await page.evaluate<string>(`document.getElementById('answer').textContent`);
    expect(answer).toMatch(/^Variables are not JSON: /);
  });
});

describe('GET /graphql from a browser, explorer off (production)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ app: { explorer: false, introspection: false, exposeErrorDetails: false } });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('is one line of plain text saying what the endpoint is: no page, no URL', async () => {
    const page = await visit(server);
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/plain/);
    expect(page.text).toMatch(/^This is the draftroom GraphQL endpoint: POST a query/);
    expect(page.text.trim().split('\n')).toHaveLength(1);
    expect(page.text).not.toMatch(/https?:|<html/i);
  });

  it('leaves GraphQL alone', async () => {
    expect(await getQuery(server)).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});
