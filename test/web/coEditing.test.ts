/**
 * The drafting room in Chromium: two co-facilitators typing into one
 * paragraph at the same time, and an observer following.
 *
 * Each participant signs in through their sign-in link in a browser context
 * of their own; the page is the built web app served by the server itself.
 * Without Chromium the file is skipped with a message, except in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/waitFor.js';
import {
  article,
  caretAt,
  changeFeed,
  editorText,
  Room,
  serverText,
  skipWithoutChromium,
  syncStatus,
  textbox,
  TEXTS,
  WAIT_MS,
  waitForEditorText,
  waitForSync,
  type Fixture,
} from './support/room.js';

describe.skipIf(skipWithoutChromium('test/web/coEditing.test.ts'))('co-editing in the browser', () => {
  let room: Room;
  let fixture: Fixture;

  beforeAll(async () => {
    room = await Room.open();
    fixture = await room.declaration();
  });
  afterAll(async () => {
    await room?.close();
  });

  it('two co-facilitators type into paragraph 2 bis at once: both pages and Paragraph.text converge, both insertions and the original intact', async () => {
    const diallo = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    const voss = await room.signIn(fixture.tokens.coFacilitator2, fixture.title);
    for (const page of [diallo, voss]) await waitForSync(page, 'Saved');
    const original = TEXTS['2 bis'];

    await caretAt(diallo, '2 bis', 'end');
    await caretAt(voss, '2 bis', 'start');
    await Promise.all([diallo.keyboard.type(' for all migrants'), voss.keyboard.type('Further, ')]);

    const expected = `Further, ${original} for all migrants`;
    for (const page of [diallo, voss]) await waitForEditorText(textbox(page, '2 bis'), 'both insertions on both pages', (text) => text === expected);
    for (const page of [diallo, voss]) await waitForSync(page, 'Saved');
    // "Saved" means acknowledged, and an acknowledged edit is committed: the server has it now, no waiting.
    expect(await serverText(fixture.clients.observer, fixture.paragraphs['2 bis']!)).toBe(expected);
    expect(room.pageErrors).toEqual([]);
  });

  it('"Saved" shows only once the server has acknowledged the edit: while the acknowledgement is held back the page says "Saving…"', async () => {
    const page = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    await waitForSync(page, 'Saved');
    // Hold back every answer to applyUpdate on this page's WebSocket (the server still commits it).
    const held: (() => void)[] = [];
    let release = false;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      const server = ws.connectToServer();
      const applyIds = new Set<string>();
      ws.onMessage((message) => {
        const parsed = JSON.parse(String(message));
        if (parsed.type === 'subscribe' && /applyUpdate/.test(parsed.payload?.query ?? '')) applyIds.add(parsed.id);
        server.send(message);
      });
      server.onMessage((message) => {
        const parsed = JSON.parse(String(message));
        if (applyIds.has(parsed.id) && !release) held.push(() => ws.send(message));
        else ws.send(message);
      });
    });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: fixture.title }).waitFor();
    await waitForSync(page, 'Saved');

    await caretAt(page, '3', 'end');
    await page.keyboard.type(' and in deserts');
    const expected = `${TEXTS['3']} and in deserts`;
    // One applyUpdate in flight at a time: the first is committed, its answer held, the rest wait behind it.
    await waitFor('the server to commit the first update', async () => (await serverText(fixture.clients.observer, fixture.paragraphs['3']!)) !== TEXTS['3'], {
      timeoutMs: WAIT_MS,
    });
    await waitFor('the acknowledgement to be held', () => held.length > 0, { timeoutMs: WAIT_MS });
    // Committed, but not acknowledged to this page: not "Saved".
    await waitForSync(page, 'Saving…');
    expect((await syncStatus(page).textContent())?.trim()).toBe('Saving…');
    // From now on answers go through: the rest is sent, and "Saved" comes once all of it is acknowledged.
    release = true;
    for (const answer of held.splice(0)) answer();
    await waitForSync(page, 'Saved');
    expect(await serverText(fixture.clients.observer, fixture.paragraphs['3']!)).toBe(expected);
    await waitForEditorText(textbox(page, '3'), 'the typed text', (text) => text === expected);
  });

  it('a co-facilitator keeps typing while the page reads the declaration again (a comment arrives): the caret stays, no keystroke lost', async () => {
    const page = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    await waitForSync(page, 'Saved');
    await caretAt(page, '2', 'end');
    const before = await editorText(textbox(page, '2'));
    await page.keyboard.type(' Typed before');
    await fixture.clients.delegation.ok('mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "Meanwhile, a comment." }) { id } }', {
      p: fixture.paragraphs['1'],
    });
    await page.getByRole('list', { name: 'Comments on paragraph 1', exact: true }).getByText('Meanwhile, a comment.').waitFor();
    await page.keyboard.type(' and after.');
    await waitForEditorText(textbox(page, '2'), 'every keystroke', (text) => text === `${before} Typed before and after.`);
    await waitForSync(page, 'Saved');
    expect(await serverText(fixture.clients.observer, fixture.paragraphs['2']!)).toBe(`${before} Typed before and after.`);
  });

  it('an observer sees the text read-only (typing changes nothing) and the edit in the change feed', async () => {
    const observer = await room.signIn(fixture.tokens.observer, fixture.title);
    const editor = textbox(observer, '1');
    await expect.poll(() => editor.getAttribute('aria-readonly'), { timeout: WAIT_MS }).toBe('true');
    await waitForEditorText(editor, 'paragraph 1 shown', (text) => text === TEXTS['1']);
    await editor.click();
    await observer.keyboard.type('XYZ');
    await observer.keyboard.press('Backspace');
    expect(await editorText(editor)).toBe(TEXTS['1']);
    // Nothing the observer can do is offered.
    expect(await article(observer, '1').getByRole('button', { name: /Comment on|Propose amendment/ }).count()).toBe(0);

    // A co-facilitator edits paragraph 1: the observer's text and change feed follow.
    const pen = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    await caretAt(pen, '1', 'end');
    await pen.keyboard.type(' Welcome.');
    const expected = `${TEXTS['1']} Welcome.`;
    await waitForEditorText(editor, "the co-facilitator's edit on the observer's page", (text) => text === expected);
    const feed = changeFeed(observer);
    await feed
      .getByRole('listitem')
      .filter({ hasText: /edited paragraph 1\s/ })
      .first()
      .waitFor()
      .catch((error) => room.explain(observer, error));
    const lines = await feed.getByRole('listitem').allTextContents();
    // "#<seq> <summary>", seq 1, 2, 3, ... in order.
    const seqs = lines.map((line) => Number(/^#(\d+)/.exec(line.trim())?.[1]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(await serverText(fixture.clients.observer, fixture.paragraphs['1']!)).toBe(expected);
    expect(await editorText(editor)).toBe(expected);
    expect(room.pageErrors).toEqual([]);
  });
});
