/**
 * Delegations comment on the words they select and table amendments; the
 * co-facilitators see it live and decide. Every page follows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  article,
  Room,
  selectWords,
  serverText,
  skipWithoutChromium,
  textbox,
  TEXTS,
  waitForEditorText,
  waitForSync,
  type Fixture,
} from './support/room.js';

describe.skipIf(skipWithoutChromium('test/web/commentsAndAmendments.test.ts'))('comments and amendments in the browser', () => {
  let room: Room;
  let fixture: Fixture;

  beforeAll(async () => {
    room = await Room.open();
    fixture = await room.declaration();
  });
  afterAll(async () => {
    await room?.close();
  });

  it('a delegation comments on selected words: the comment and its highlight appear live on the co-facilitator\'s page; reply, resolve, reopen', async () => {
    const diallo = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    const mexico = await room.signIn(fixture.tokens.delegation, fixture.title);
    await waitForSync(mexico, 'Saved');

    await selectWords(mexico, '2', TEXTS['2'], 'Global Compact');
    await article(mexico, '2').getByRole('button', { name: 'Comment on paragraph 2' }).click();
    await mexico.getByRole('textbox', { name: 'Comment' }).fill('Please use the full title of the Compact.');
    await mexico.getByRole('button', { name: 'Post comment' }).click();

    const comments = diallo.getByRole('list', { name: 'Comments on paragraph 2', exact: true });
    const item = comments.getByRole('listitem').filter({ hasText: 'Please use the full title of the Compact.' });
    await item.waitFor();
    expect(await item.textContent()).toContain('Delegate of Mexico');
    expect(await item.textContent()).toContain('Global Compact');
    // The anchored words are highlighted in the text, on every page.
    for (const page of [diallo, mexico]) {
      const mark = textbox(page, '2').locator('mark');
      await mark.first().waitFor();
      expect(await mark.allTextContents()).toEqual(['Global Compact']);
    }

    // The co-facilitator answers and resolves the thread; the delegation sees it resolved and reopens it.
    await item.getByRole('button', { name: 'Reply' }).click();
    await diallo.getByRole('textbox', { name: 'Reply' }).fill('Done in the next revision.');
    await diallo.getByRole('button', { name: 'Post reply' }).click();
    const onMexico = mexico.getByRole('list', { name: 'Comments on paragraph 2', exact: true }).getByRole('listitem').filter({ hasText: 'Please use the full title' });
    await onMexico.getByText('Done in the next revision.').waitFor();
    await item.getByRole('button', { name: 'Resolve' }).click();
    await onMexico.getByRole('button', { name: 'Reopen' }).click();
    await item.getByRole('button', { name: 'Resolve' }).waitFor();

    // A stakeholder comments on the whole paragraph (nothing selected): no anchor.
    const network = await room.signIn(fixture.tokens.stakeholder, fixture.title);
    await article(network, '3').getByRole('button', { name: 'Comment on paragraph 3' }).click();
    await network.getByText('On the whole paragraph').waitFor();
    await network.getByRole('textbox', { name: 'Comment' }).fill('Add the deserts of the Sahel.');
    await network.getByRole('button', { name: 'Post comment' }).click();
    await diallo.getByRole('list', { name: 'Comments on paragraph 3', exact: true }).getByRole('listitem').filter({ hasText: 'Add the deserts of the Sahel.' }).waitFor();
    expect(await textbox(diallo, '3').locator('mark').count()).toBe(0);
    // Stakeholders comment; they do not table amendments.
    expect(await article(network, '3').getByRole('button', { name: /Propose amendment/ }).count()).toBe(0);
    expect(room.pageErrors).toEqual([]);
  });

  it('a delegation tables an amendment on selected words, another supports it, a co-facilitator accepts it: the text changes on every page', async () => {
    const diallo = await room.signIn(fixture.tokens.coFacilitator, fixture.title);
    const mexico = await room.signIn(fixture.tokens.delegation, fixture.title);
    const morocco = await room.signIn(fixture.tokens.delegation2, fixture.title);
    const observer = await room.signIn(fixture.tokens.observer, fixture.title);
    await waitForSync(mexico, 'Saved');

    await selectWords(mexico, '2 bis', TEXTS['2 bis'], 'regular migration');
    await article(mexico, '2 bis').getByRole('button', { name: 'Propose amendment to paragraph 2 bis' }).click();
    await mexico.getByRole('textbox', { name: 'Proposed text' }).fill('safe, orderly and regular migration');
    await mexico.getByRole('textbox', { name: 'Rationale' }).fill('The words of the Compact itself.');
    await mexico.getByRole('button', { name: 'Table amendment' }).click();

    const amendmentOn = (page: typeof mexico) =>
      page.getByRole('list', { name: 'Amendments to paragraph 2 bis' }).getByRole('listitem').filter({ hasText: 'safe, orderly and regular migration' });
    // Morocco may support or oppose; Mexico may only withdraw its own; the observer may do nothing.
    await amendmentOn(morocco).getByRole('button', { name: 'Support' }).click();
    for (const page of [mexico, diallo, observer]) await amendmentOn(page).getByText('Supported by: Morocco').waitFor();
    const mexicoButtons = await amendmentOn(mexico).getByRole('button').allTextContents();
    expect(mexicoButtons).toEqual(['Withdraw']);
    expect(await amendmentOn(observer).getByRole('button').count()).toBe(0);
    expect(await amendmentOn(observer).textContent()).toContain('Delegate of Mexico');
    expect(await amendmentOn(observer).textContent()).toContain('Pending');

    await amendmentOn(diallo).getByRole('button', { name: 'Accept' }).click();
    const expected = TEXTS['2 bis'].replace('regular migration', 'safe, orderly and regular migration');
    for (const page of [diallo, mexico, morocco, observer]) {
      await waitForEditorText(textbox(page, '2 bis'), 'the accepted amendment in the text', (text) => text === expected);
      await amendmentOn(page).getByText('Accepted').waitFor();
    }
    expect(await serverText(fixture.clients.observer, fixture.paragraphs['2 bis']!)).toBe(expected);
    // Decided: no button left for anyone.
    expect(await amendmentOn(morocco).getByRole('button').count()).toBe(0);
    expect(room.pageErrors).toEqual([]);
  });
});
