/**
 * The SDK as an editor's Yjs provider, in a browser: a CodeMirror 6 editor
 * bound with y-codemirror.next's `yCollab(session.text(p), session.awareness)`
 * exactly as its README shows for y-websocket. Bundled with esbuild, loaded
 * in headless Chromium, driven over the DevTools protocol
 * (test/support/chromium.ts), as test/sdk/browser.test.ts does.
 *
 * Typed text (CDP `Input.insertText`, what an IME or a paste does) reaches
 * the server's `Paragraph.text`; a co-facilitator's cursor set in Node shows
 * in the editor as y-codemirror.next's remote caret, with their name; the
 * editor's own selection reaches Node's awareness.
 *
 * Without Chromium the test is skipped with a message, except in CI.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { DraftroomClient, RemoteAwarenessState } from '@draftroom/client';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Chromium, findChromium, type Page } from '../support/chromium.js';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { sdkClient, serverText } from './sdkSupport.js';

const executable = findChromium();
if (!executable && !process.env.CI) {
  console.warn('SKIPPED test/sdk/codemirror.test.ts: no Chromium (install the chromium package, or set CHROMIUM_PATH); in CI this is a failure.');
}

/** What the page loads: the SDK, CodeMirror and y-codemirror.next, and a function that binds an editor to a paragraph. */
const ENTRY = `
  import { DraftroomClient } from '@draftroom/client';
  import { EditorState } from '@codemirror/state';
  import { EditorView } from '@codemirror/view';
  import { yCollab } from 'y-codemirror.next';
  window.openEditor = async ({ url, token, declarationId, paragraphId }) => {
    window.client = new DraftroomClient({ url, token });
    window.session = await window.client.openDeclaration(declarationId);
    const ytext = window.session.text(paragraphId);
    window.view = new EditorView({
      state: EditorState.create({ doc: ytext.toString(), extensions: [yCollab(ytext, window.session.awareness)] }),
      parent: document.querySelector('#editor'),
    });
    return window.session.status;
  };
`;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>CodeMirror on draftroom</title><script src="/editor.js"></script></head>
<body><div id="editor"></div></body></html>`;

describe.skipIf(!executable && !process.env.CI)('a CodeMirror 6 editor bound to a session with y-codemirror.next', () => {
  let server: TestServer;
  let cast: Cast;
  let paragraphId: string;
  let site: Server;
  let browser: Chromium | null = null;
  let page: Page;
  let node: DraftroomClient;

  beforeAll(async () => {
    if (!executable) throw new Error('no Chromium in CI: .ci/run installs the chromium package (or set CHROMIUM_PATH)');
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We reaffirm the Global Compact' })).id;
    node = sdkClient(server.url, cast.coFacilitator2.token!);

    const bundled = await build({
      stdin: { contents: ENTRY, resolveDir: path.resolve(import.meta.dirname, '../..'), loader: 'js', sourcefile: 'editor-entry.js' },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      define: { 'process.env.NODE_ENV': '"production"' },
      write: false,
      logLevel: 'silent',
    });
    const script = bundled.outputFiles[0]!.text;
    site = createServer((request, response) => {
      if (request.url === '/editor.js') response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
      else if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    browser = await Chromium.launch(executable);
    page = await browser.open(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
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

  it('types into the paragraph, shows another session’s cursor, and publishes its own selection', async () => {
    const opened = { url: server.url, token: cast.coFacilitator.token, declarationId: cast.declarationId, paragraphId };
    expect(await inPage<string>(`window.openEditor(${JSON.stringify(opened)})`)).toBe('synced');
    expect(await inPage<string>('window.view.state.doc.toString()')).toBe('We reaffirm the Global Compact');

    // Typing: the caret at the end, text inserted by the browser's input machinery.
    await inPage('(() => { window.view.focus(); window.view.dispatch({ selection: { anchor: window.view.state.doc.length } }); })()');
    await browser!.send('Input.insertText', { text: ' and its guiding principles' }, page.sessionId);
    const typed = 'We reaffirm the Global Compact and its guiding principles';
    expect(await inPage<string>('window.view.state.doc.toString()')).toBe(typed);
    expect(await inPage<number>('window.session.flushed()')).toBeGreaterThan(0);
    expect(await serverText(node, cast.declarationId, paragraphId)).toMatchObject({ doc: typed, paragraph: typed });

    // Another co-facilitator's selection, set in Node on the awareness: the editor draws their caret, with their name.
    const voss = await node.openDeclaration(cast.declarationId);
    const text = voss.text(paragraphId);
    await waitFor('Voss to have the typed text', () => text.toString() === typed);
    voss.awareness.setLocalStateField('cursor', { anchor: Y.createRelativePositionFromTypeIndex(text, 3), head: Y.createRelativePositionFromTypeIndex(text, 11) });
    const caret = await waitFor('Voss’s caret in the editor', () =>
      inPage<{ name: string; selected: string } | null>(`(() => {
        const caret = document.querySelector('.cm-ySelectionCaret');
        if (!caret) return null;
        return { name: caret.querySelector('.cm-ySelectionInfo')?.textContent ?? '', selected: [...document.querySelectorAll('.cm-ySelection')].map((e) => e.textContent).join('') };
      })()`),
    );
    expect(caret).toEqual({ name: 'Ambassador Voss', selected: 'reaffirm' });

    // The editor's own selection (y-codemirror.next writes it on the awareness) reaches Voss.
    await inPage('window.view.dispatch({ selection: { anchor: 16, head: 30 } })');
    const at = (json: unknown) => Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), voss.doc)?.index;
    const dialloSelects = () => {
      const diallo = [...voss.awareness.getStates().values()].find((state) => (state as RemoteAwarenessState).participant?.id === cast.ids.coFacilitator);
      const cursor = (diallo as RemoteAwarenessState | undefined)?.cursor;
      return cursor ? [at(cursor.anchor), at(cursor.head)] : null;
    };
    await waitFor('the editor’s caret in Voss’s awareness', () => dialloSelects() !== null);
    await waitFor('the editor’s selection in Voss’s awareness', () => dialloSelects()?.join() === '16,30');
    expect(text.toString().slice(16, 30)).toBe('Global Compact');
    expect(page.errors).toEqual([]);
  });
});
