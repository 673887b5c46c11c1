/**
 * Signing in and out, reloads, the secretariat's desk, and refusals shown
 * as the server words them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { article, Room, skipWithoutChromium, WAIT_MS, type Fixture } from './support/room.js';

describe.skipIf(skipWithoutChromium('test/web/signIn.test.ts'))('signing in to the drafting room', () => {
  let room: Room;
  let fixture: Fixture;

  beforeAll(async () => {
    room = await Room.open();
    fixture = await room.declaration();
  });
  afterAll(async () => {
    await room?.close();
  });

  it('without a token: a form; a bad token gets an alert and the form again; a good one lands in the declaration', async () => {
    const page = await room.anonymousPage();
    const alerts: string[] = [];
    page.on('dialog', (dialog) => {
      alerts.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('textbox', { name: 'Access token' }).fill('drt_not-a-token-anyone-was-given');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => alerts.length, { timeout: WAIT_MS }).toBe(1);
    expect(alerts[0]).toMatch(/UNAUTHENTICATED/);
    await page.getByRole('textbox', { name: 'Access token' }).fill(fixture.tokens.delegation);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A participant of one declaration lands in it.
    await page.getByRole('heading', { level: 1, name: fixture.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/declarations/${fixture.declarationId}`);
  });

  it('a sign-in link: the token goes to sessionStorage and out of the address bar; a reload keeps the session; "Sign out" ends it', async () => {
    const page = await room.signIn(fixture.tokens.observer, fixture.title);
    expect(page.url()).not.toContain('#token');
    expect(await page.evaluate<string | null>("sessionStorage.getItem('draftroom.token')")).toBe(fixture.tokens.observer);

    await page.reload();
    await page.getByRole('heading', { level: 1, name: fixture.title }).waitFor();
    await article(page, '1').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Access token' }).waitFor();
    expect(await page.evaluate<string | null>("sessionStorage.getItem('draftroom.token')")).toBeNull();
    await page.reload();
    await page.getByRole('textbox', { name: 'Access token' }).waitFor();
  });

  it('the secretariat sees every declaration as links named by their titles, creates one, invites a participant and is shown their one-time token and sign-in link, which works', async () => {
    const page = await room.signIn(fixture.tokens.secretariat);
    const list = page.getByRole('list', { name: 'Declarations' });
    await list.getByRole('link', { name: fixture.title }).waitFor();

    await page.getByRole('textbox', { name: 'Title' }).fill('Declaration of the second Forum');
    await page.getByRole('button', { name: 'Create declaration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Declaration of the second Forum' }).waitFor();

    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Delegate of Chile');
    await page.getByRole('combobox', { name: 'Role' }).selectOption('DELEGATION');
    await page.getByRole('textbox', { name: 'Delegation or organisation' }).fill('Chile');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const invitation = page.getByRole('region', { name: 'New invitation' });
    const link = await invitation.getByRole('link').getAttribute('href');
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
    const token = await invitation.getByLabel('One-time token').textContent();
    expect(decodeURIComponent(link!.split('#token=')[1]!)).toBe(token);

    const chile = await room.signIn(token!, 'Declaration of the second Forum');
    await chile.getByText('Delegate of Chile').first().waitFor();
    // Back at the list, both declarations are there.
    await page.getByRole('link', { name: 'draftroom' }).click();
    await list.getByRole('link', { name: 'Declaration of the second Forum' }).waitFor();
    expect(await list.getByRole('link').count()).toBe(2);
  });

  it('a refusal is shown with the server\'s message and code, and changes nothing', async () => {
    const page = await room.signIn(fixture.tokens.stakeholder, fixture.title);
    await article(page, '1').getByRole('button', { name: 'Comment on paragraph 1' }).click();
    await page.getByRole('textbox', { name: 'Comment' }).fill('   ');
    await page.getByRole('button', { name: 'Post comment' }).click();
    const refusal = article(page, '1').getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/body.*\(BAD_USER_INPUT\)$/);
    expect(await article(page, '1').getByRole('list', { name: 'Comments on paragraph 1', exact: true }).count()).toBe(0);
    const { paragraph } = await fixture.clients.observer.ok('query($id: ID!) { paragraph(id: $id) { comments { id } } }', { id: fixture.paragraphs['1'] });
    expect(paragraph.comments).toEqual([]);
  });
});
