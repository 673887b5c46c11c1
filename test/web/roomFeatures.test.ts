/**
 * The rest of the room: remote cursors with names, revisions and their word
 * diff, exports as downloads, and the lifecycle (silence procedure, a
 * refusal to adopt early, breaking silence, adoption at the deadline,
 * explanations of position).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  article,
  caretAt,
  Room,
  selectWords,
  skipWithoutChromium,
  textbox,
  TEXTS,
  WAIT_MS,
  waitForEditorText,
  waitForSync,
  type Fixture,
} from './support/room.js';

describe.skipIf(skipWithoutChromium('test/web/roomFeatures.test.ts'))('the drafting room\'s features in the browser', () => {
  let room: Room;
  let fixture: Fixture;

  beforeAll(async () => {
    room = await Room.open();
    fixture = await room.declaration();
  });
  afterAll(async () => {
    await room?.close();
  });

  it('another participant\'s cursor shows in the paragraph they are in, with their name', async () => {
    const diallo = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    const voss = await room.signIn(fixture.tokens.coFacilitator2, fixture.title);
    await waitForSync(voss, 'Saved');
    await caretAt(voss, '2', 'end');
    await textbox(diallo, '2').getByText('Ambassador Voss').waitFor({ state: 'attached' });
    expect(await textbox(diallo, '1').getByText('Ambassador Voss').count()).toBe(0);
    // Voss moves to paragraph 3: the cursor follows.
    await caretAt(voss, '3', 'start');
    await textbox(diallo, '3').getByText('Ambassador Voss').waitFor({ state: 'attached' });
    await expect.poll(() => textbox(diallo, '2').getByText('Ambassador Voss').count(), { timeout: WAIT_MS }).toBe(0);
    await diallo.getByRole('region', { name: 'Present' }).getByText(/Ambassador Voss.*in paragraph 3/).waitFor();
  });

  it('a co-facilitator publishes a revision; anyone compares two revisions word by word, insertions and deletions marked', async () => {
    const diallo = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    await selectWords(diallo, '1', TEXTS['1'], 'first');
    await diallo.keyboard.type('second');
    await waitForSync(diallo, 'Saved');
    const revisions = diallo.getByRole('region', { name: 'Revisions' });
    await revisions.getByRole('textbox', { name: 'Revision name' }).fill('Rev.1');
    await revisions.getByRole('button', { name: 'Publish revision' }).click();

    const mexico = await room.signIn(fixture.tokens.delegation, fixture.title);
    const onMexico = mexico.getByRole('region', { name: 'Revisions' });
    await onMexico.getByRole('listitem').filter({ hasText: 'Rev.1' }).waitFor();
    await onMexico.getByRole('combobox', { name: 'Compare' }).selectOption({ label: 'Zero draft' });
    await onMexico.getByRole('combobox', { name: 'with' }).selectOption({ label: 'Rev.1' });
    await onMexico.getByRole('button', { name: 'Show differences' }).click();
    const diff = mexico.getByRole('region', { name: 'Differences Zero draft → Rev.1' });
    await diff.waitFor();
    expect((await diff.getByRole('insertion').allTextContents()).join('')).toContain('second');
    expect((await diff.getByRole('deletion').allTextContents()).join('')).toContain('first');
    // 2 bis came after the Zero draft: added.
    expect(await diff.textContent()).toMatch(/2 bis\s*Added/);
  });

  it('the exports are downloads (Markdown, HTML, Akoma Ntoso, compilation)', async () => {
    const observer = await room.signIn(fixture.tokens.observer, fixture.title);
    const exports = observer.getByRole('region', { name: 'Exports' });
    for (const [button, extension, expected] of [
      ['Download Markdown', '.md', fixture.title],
      ['Download HTML', '.html', '<html'],
      ['Download Akoma Ntoso', '.xml', 'akomaNtoso'],
      ['Download compilation', '.compilation.md', fixture.title],
    ] as const) {
      const [download] = await Promise.all([observer.waitForEvent('download'), exports.getByRole('button', { name: button }).click()]);
      expect(download.suggestedFilename()).toBe(`declaration-${fixture.declarationId}${extension}`);
      expect(await readFile((await download.path())!, 'utf8')).toContain(expected);
    }
  });

  it('a co-facilitator restructures from the page: status, objectives, a new paragraph, a move; every page follows', async () => {
    const diallo = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    const observer = await room.signIn(fixture.tokens.observer, fixture.title);
    await article(diallo, '3').getByText('Edit paragraph 3').click();
    await diallo.getByRole('combobox', { name: 'Status of paragraph 3' }).selectOption({ label: 'Agreed' });
    await article(observer, '3').getByLabel('Status: Agreed').waitFor();
    // Agreed: frozen, even for the pen.
    await expect.poll(() => textbox(diallo, '3').getAttribute('aria-readonly'), { timeout: WAIT_MS }).toBe('true');

    await article(diallo, '2').getByText('Edit paragraph 2').click();
    await diallo.getByRole('textbox', { name: 'Objectives of paragraph 2' }).fill('16, 17');
    await article(diallo, '2').getByRole('button', { name: 'Set objectives' }).click();
    const chips = observer.getByRole('list', { name: 'GCM objectives of paragraph 2', exact: true });
    await expect.poll(() => chips.getByRole('listitem').allTextContents(), { timeout: WAIT_MS }).toEqual(['Objective 16', 'Objective 17']);

    await article(diallo, '2 bis').getByText('Edit paragraph 2 bis').click();
    await diallo.getByRole('button', { name: 'Add paragraph after 2 bis' }).click();
    await article(observer, '2 ter').waitFor();
    await textbox(diallo, '2 ter').click();
    await diallo.keyboard.type('A new paragraph.');
    await waitForEditorText(textbox(observer, '2 ter'), 'the new paragraph\'s text', (text) => text === 'A new paragraph.');

    // Paragraph 1 moved down, after 2: the order on the observer's page follows.
    await article(diallo, '1').getByText('Edit paragraph 1').click();
    await diallo.getByRole('button', { name: 'Move paragraph 1 down' }).click();
    const order = async () => (await observer.getByRole('article').evaluateAll((nodes: any[]) => nodes.map((n) => n.getAttribute('aria-label')))).slice(0, 2);
    await expect.poll(order, { timeout: WAIT_MS }).toEqual(['Paragraph 2', 'Paragraph 1']);
  });

  it('silence procedure: adopting early is refused with its message, a delegation breaks silence, and at the deadline the text is adopted and frozen; explanations of position follow', async () => {
    const diallo = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    const mexico = await room.signIn(fixture.tokens.delegation, fixture.title);
    const lifecycle = (page: typeof diallo) => page.getByRole('region', { name: 'Lifecycle' });

    await lifecycle(diallo).getByRole('button', { name: 'Start silence procedure' }).click();
    await lifecycle(mexico).getByText(/Under silence procedure until/).waitFor();
    // Frozen: the co-facilitator's text is read-only now.
    await expect.poll(() => textbox(diallo, '1').getAttribute('aria-readonly'), { timeout: WAIT_MS }).toBe('true');
    await lifecycle(diallo).getByRole('button', { name: 'Adopt the declaration' }).click();
    await lifecycle(diallo).getByRole('alert').getByText(/cannot be adopted before.*\(CONFLICT\)/).waitFor();

    await lifecycle(mexico).getByRole('textbox', { name: 'Reason for breaking silence' }).fill('Paragraph 2 bis must mention decent work.');
    await lifecycle(mexico).getByRole('button', { name: 'Break silence' }).click();
    await lifecycle(diallo).getByText('Drafting', { exact: true }).waitFor();
    await expect.poll(() => textbox(diallo, '1').getAttribute('aria-readonly'), { timeout: WAIT_MS }).toBeNull();

    // A deadline a moment away (set through the API: the form takes minutes), passing unbroken: adopted.
    await fixture.clients.coFacilitator.ok('mutation($d: ID!, $t: DateTime!) { startSilenceProcedure(declarationId: $d, deadline: $t) { id } }', {
      d: fixture.declarationId,
      t: new Date(Date.now() + 2_000).toISOString(),
    });
    await lifecycle(mexico).getByText('Adopted', { exact: true }).waitFor();
    await expect.poll(() => textbox(diallo, '1').getAttribute('aria-readonly'), { timeout: WAIT_MS }).toBe('true');
    expect(await article(mexico, '1').getByRole('button', { name: /Propose amendment/ }).count()).toBe(0);

    await lifecycle(mexico).getByRole('textbox', { name: 'Explanation of position' }).fill('Mexico joins the consensus and recalls the principle of non-regression.');
    await lifecycle(mexico).getByRole('button', { name: 'Add explanation of position' }).click();
    const observer = await room.signIn(fixture.tokens.observer, fixture.title);
    await lifecycle(observer).getByRole('list', { name: 'Explanations of position' }).getByText(/Mexico.*non-regression/).waitFor();
  });
});
