/**
 * What a newcomer sees: the demo declaration (seeded as `npm start` seeds
 * it) through each role's eyes, and the sign-in page. The screenshots are
 * written to docs/screenshots/ (the README shows them); each view is also
 * checked for what that role is offered and what it is not.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, type DemoTokens } from '../../server/src/demo/seed.js';
import { article, caretAt, Room, SCREENSHOTS, skipWithoutChromium, textbox, WAIT_MS, waitForSync } from './support/room.js';

const TITLE = /Progress Declaration/;

describe.skipIf(skipWithoutChromium('test/web/screenshots.test.ts'))('each role\'s view of the demo declaration', () => {
  let room: Room;
  let demo: DemoTokens;
  let dataDir: string;
  const token = (name: string) => demo.tokens.find((t) => t.name === name)!.token;
  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

  beforeAll(async () => {
    room = await Room.open();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-demo-'));
    demo = (await seedDemo(room.server.app.orm.em.fork(), room.server.app.services, dataDir))!;
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await room?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('sign-in page', async () => {
    const page = await room.anonymousPage();
    await page.getByRole('textbox', { name: 'Access token' }).waitFor();
    await shoot(page, 'sign-in');
  });

  it('co-facilitator: editable text, the other co-facilitator\'s cursor, the tools of the pen', async () => {
    const voss = await room.signIn(token('Ambassador Lena Voss'), undefined);
    await voss.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    const diallo = await room.signIn(token('Ambassador Amara Diallo'));
    await diallo.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await waitForSync(voss, 'Saved');
    await caretAt(voss, '2', 'end');
    await voss.keyboard.type(' and in partnership with all relevant stakeholders');
    await textbox(diallo, '2').getByText('Ambassador Lena Voss').waitFor({ state: 'attached' });
    await waitForSync(diallo, 'Saved');
    expect(await textbox(diallo, '1').getAttribute('aria-readonly')).toBeNull();
    expect(await diallo.getByRole('button', { name: 'Publish revision' }).count()).toBe(1);
    expect(await diallo.getByRole('button', { name: /^Propose amendment/ }).count()).toBe(0);
    await diallo.getByRole('region', { name: 'Change feed' }).getByText(/edited paragraph 2\s/).first().waitFor();
    await shoot(diallo, 'co-facilitator');
  });

  it('delegation: read-only text, comments and amendments offered, support on another delegation\'s amendment', async () => {
    const philippines = await room.signIn(token('Delegate of the Philippines'));
    await philippines.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(await textbox(philippines, '1').getAttribute('aria-readonly')).toBe('true');
    expect(await article(philippines, '1').getByRole('button', { name: 'Propose amendment to paragraph 1' }).count()).toBe(1);
    expect(await philippines.getByRole('button', { name: 'Publish revision' }).count()).toBe(0);
    // Mexico's amendment, which the Philippines opposed: it may now support it instead, not oppose it twice.
    const amendment = philippines.getByRole('list', { name: 'Amendments to paragraph 4', exact: true }).getByRole('listitem').first();
    expect(await amendment.getByRole('button').allTextContents()).toEqual(['Support']);
    await article(philippines, '4').scrollIntoViewIfNeeded();
    await philippines.evaluate("window.scrollBy(0, -120)");
    await shoot(philippines, 'delegation');
  });

  it('stakeholder: comments, no amendments', async () => {
    const network = await room.signIn(token('Migrant workers network'));
    await network.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(await network.getByRole('button', { name: /^Comment on paragraph/ }).count()).toBeGreaterThan(3);
    expect(await network.getByRole('button', { name: /^Propose amendment/ }).count()).toBe(0);
    await article(network, '3').getByRole('button', { name: 'Comment on paragraph 3' }).click();
    await network.getByRole('textbox', { name: 'Comment' }).fill('Families of the missing must be heard in the follow-up.');
    await article(network, '3').scrollIntoViewIfNeeded();
    await network.evaluate("window.scrollBy(0, -120)");
    await shoot(network, 'stakeholder');
  });

  it('observer: reads and follows, nothing to do', async () => {
    const observer = await room.signIn(token('Press observer'));
    await observer.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(await observer.getByRole('button', { name: /^(Comment on|Propose amendment)/ }).count()).toBe(0);
    expect(await observer.getByRole('main').getByRole('button', { name: /^(Support|Oppose|Withdraw|Accept|Reject|Reply|Resolve)$/ }).count()).toBe(0);
    await observer.getByRole('region', { name: 'Change feed' }).getByRole('listitem').first().waitFor();
    await shoot(observer, 'observer');
  });

  it('secretariat: the declarations, and an invitation with its one-time token and sign-in link', async () => {
    const secretariat = await room.signIn(room.server.bootstrapToken);
    await secretariat.getByRole('link', { name: TITLE }).click();
    await secretariat.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    const participants = secretariat.getByRole('region', { name: 'Participants' });
    await participants.getByRole('textbox', { name: 'Name', exact: true }).fill('Delegate of Chile');
    await participants.getByRole('textbox', { name: 'Delegation or organisation' }).fill('Chile');
    await participants.getByRole('button', { name: 'Invite', exact: true }).click();
    const invitation = secretariat.getByRole('region', { name: 'New invitation' });
    await invitation.waitFor({ timeout: WAIT_MS });
    await invitation.scrollIntoViewIfNeeded();
    await shoot(secretariat, 'secretariat');
  });
});
