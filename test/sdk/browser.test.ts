/**
 * The SDK in a browser: bundled for the browser with esbuild (which fails on
 * any Node-only import), served by a small HTTP server on 127.0.0.1, loaded
 * in headless Chromium and driven over the DevTools protocol
 * (test/support/chromium.ts). The page uses the browser's own WebSocket and
 * fetch: it opens a session, types into a paragraph and flushes, and the
 * server holds the text; then a co-facilitator in Node types, and the page's
 * session sees it.
 *
 * The bundle's size (minified, and gzip'd) is printed for the issue note.
 *
 * Without Chromium the test is skipped, loudly: a warning on stderr, and a
 * skipped test named after what is missing, with its reason, in the run's
 * report. In CI (`CI` set to anything but "" or "false") it never skips: a
 * missing Chromium fails the file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DraftroomClient } from '@draftroom/client';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chromium, findChromium, type Page } from '../support/chromium.js';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { sdkClient, serverText } from './sdkSupport.js';

const executable = findChromium();
const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';
const skipped = !executable && !inCI;
const MISSING =
  `no Chromium at ${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : '/usr/bin/chromium (or chromium-browser, google-chrome)'}: ` +
  'install the chromium package or set CHROMIUM_PATH (in CI, with CI set, this fails instead)';
if (skipped) {
  process.stderr.write(`\n*** SKIPPED test/sdk/browser.test.ts, the SDK in a browser: ${MISSING} ***\n\n`);
  describe('the SDK in headless Chromium', () => {
    it(`SKIPPED: ${MISSING}`, (context) => context.skip(MISSING));
  });
}

/** What the page loads: the SDK and Yjs, on `window.Draftroom`. */
const ENTRY = `
  import { DraftroomClient, DraftroomError, ViewerDocument } from '@draftroom/client';
  import * as Y from 'yjs';
  window.Draftroom = { DraftroomClient, DraftroomError, ViewerDocument, Y };
`;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>draftroom SDK</title><script src="/draftroom.js"></script></head>
<body><p>draftroom SDK in a browser</p></body></html>`;

/** Bundles the SDK for browsers (Yjs included, or left to the application: `external`); returns the script. */
async function bundle(external: string[] = []): Promise<string> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: path.resolve(import.meta.dirname, '../..'), loader: 'js', sourcefile: 'browser-entry.js' },
    bundle: true,
    platform: 'browser',
    format: external.length ? 'esm' : 'iife',
    external,
    target: 'es2020',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe.skipIf(skipped)('the SDK in headless Chromium', () => {
  let server: TestServer;
  let cast: Cast;
  let paragraphId: string;
  let script: string;
  let site: Server;
  let siteUrl: string;
  let browser: Chromium | null = null;
  let page: Page;
  let node: DraftroomClient;

  beforeAll(async () => {
    if (!executable) throw new Error(`CI must run the browser tests, but found ${MISSING}`);
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We reaffirm the Global Compact' })).id;
    node = sdkClient(server.url, cast.coFacilitator2.token!);

    script = await bundle();
    const withoutYjs = await bundle(['yjs']); // Yjs is a peer dependency: an editor already ships it
    const size = (code: string) => `${Buffer.byteLength(code)} bytes, ${gzipSync(code).length} bytes gzip'd`;
    console.log(`browser bundle, minified: SDK + Yjs + graphql-ws + graphql's printer: ${size(script)}; without Yjs: ${size(withoutYjs)}`);

    site = createServer((request, response) => {
      if (request.url === '/draftroom.js') response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
      else if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;

    browser = await Chromium.launch(executable);
    page = await browser.open(siteUrl);
  });

  afterAll(async () => {
    await page?.evaluate('window.client?.close()').catch(() => {});
    await browser?.close();
    node?.close();
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    await server?.stop({ dropDatabase: true });
  });

  /** Evaluates in the page; on failure, says what the page logged. */
  const inPage = async <T>(expression: string): Promise<T> => {
    try {
      return await page.evaluate<T>(expression);
    } catch (error) {
      throw new Error(`${(error as Error).message}\npage errors: ${JSON.stringify(page.errors)}\npage console: ${JSON.stringify(page.console)}`);
    }
  };

  it('loads the bundle: no Node-only API, no error', async () => {
    expect(await inPage<string>('typeof window.Draftroom.DraftroomClient')).toBe('function');
    expect(await inPage<boolean>('typeof process === "undefined" && typeof Buffer === "undefined"')).toBe(true);
    expect(page.errors).toEqual([]);
  });

  it('syncs a paragraph with the server: the page types and flushes, then sees what Node typed', async () => {
    const opened = await inPage<{ viewer: string; status: string; text: string }>(`(async () => {
      const { DraftroomClient, ViewerDocument } = window.Draftroom;
      window.client = new DraftroomClient({ url: ${JSON.stringify(server.url)}, token: ${JSON.stringify(cast.coFacilitator.token)} });
      const { viewer } = await window.client.request(ViewerDocument); // the browser's fetch
      window.session = await window.client.openDeclaration(${JSON.stringify(cast.declarationId)}); // its WebSocket
      return { viewer: viewer.name, status: window.session.status, text: window.session.text(${JSON.stringify(paragraphId)}).toString() };
    })()`);
    expect(opened).toEqual({ viewer: 'Ambassador Diallo', status: 'synced', text: 'We reaffirm the Global Compact' });

    const typed = await inPage<{ seq: number; text: string }>(`(async () => {
      const text = window.session.text(${JSON.stringify(paragraphId)});
      for (const ch of ' from the browser') {
        text.insert(text.length, ch);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const seq = await window.session.flushed();
      return { seq, text: text.toString() };
    })()`);
    expect(typed.text).toBe('We reaffirm the Global Compact from the browser');
    expect(typed.seq).toBeGreaterThan(0);
    const afterBrowser = await serverText(node, cast.declarationId, paragraphId);
    expect(afterBrowser.doc).toBe(typed.text);
    expect(afterBrowser.paragraph).toBe(typed.text);

    const session = await node.openDeclaration(cast.declarationId);
    const text = session.text(paragraphId);
    expect(text.toString()).toBe(typed.text);
    for (const ch of ', and from Node.') text.insert(text.length, ch);
    await session.flushed();
    const expected = 'We reaffirm the Global Compact from the browser, and from Node.';
    await waitFor('the page’s session to see what Node typed', async () => {
      return (await inPage<string>(`window.session.text(${JSON.stringify(paragraphId)}).toString()`)) === expected;
    });
    expect(await inPage<string>('window.session.status')).toBe('synced');
    expect((await serverText(node, cast.declarationId, paragraphId)).doc).toBe(expected);
    expect(page.errors).toEqual([]);
  });
});
