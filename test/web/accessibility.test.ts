/**
 * The drafting room's accessibility promise, from its issue: "Every button
 * has an accessible name. Keyboard alone can reach every action." Checked
 * for each role's view and the sign-in form:
 *  - every control (button, link, textbox, checkbox, combobox, …) has a
 *    non-empty accessible name, as Chromium itself computes it (its
 *    accessibility tree over CDP: the names a screen reader is given);
 *  - pressing Tab from the top of the page visits every visible, enabled
 *    control (CodeMirror's editors must let Tab go on: no indentWithTab);
 *  - one action done with the keyboard alone: a delegation comments.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { article, Room, skipWithoutChromium, WAIT_MS, type Fixture, type Person } from './support/room.js';

/** The roles a participant acts through (ARIA widget roles). */
const CONTROL_ROLES = new Set(['button', 'link', 'textbox', 'searchbox', 'checkbox', 'radio', 'combobox', 'listbox', 'spinbutton', 'slider', 'switch', 'menuitem', 'tab', 'option']);
/** Far more than any view has controls; a trap would show as a control never reached, not a hang. */
const MAX_TABS = 400;

interface AXNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  backendDOMNodeId?: number;
}

/** Controls without an accessible name, described by role and HTML, per Chromium's accessibility tree. */
async function namelessControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as unknown as { nodes: AXNode[] };
    const nameless: string[] = [];
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (node.ignored || !CONTROL_ROLES.has(role) || (node.name?.value ?? '').trim() !== '') continue;
      let html = '(no DOM node)';
      if (node.backendDOMNodeId !== undefined) {
        const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: node.backendDOMNodeId });
        const described = await cdp.send('Runtime.callFunctionOn', {
          objectId: object.objectId!,
          functionDeclaration: 'function () { return this.outerHTML ? this.outerHTML.slice(0, 200) : String(this.nodeName); }',
          returnByValue: true,
        });
        html = String(described.result.value);
      }
      nameless.push(`${role}: ${html}`);
    }
    return nameless;
  } finally {
    await cdp.detach();
  }
}

/**
 * Marks every visible, enabled control of the page with `data-a11y-id` and
 * returns a description of each by id. Runs in the page (DOM types are not
 * this project's: Node's lib only).
 */
function markControls(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    // Closed <details> (a paragraph's "Edit paragraph" tools) are opened, as Enter on their summary would, so their controls count too.
    for (const details of doc.querySelectorAll('details')) details.open = true;
    const selector = 'button, a[href], input, textarea, select, summary, [contenteditable="true"], [tabindex]:not([tabindex="-1"])';
    const found: Record<string, string> = {};
    let next = 0;
    for (const element of doc.querySelectorAll(selector)) {
      if (element.disabled || element.type === 'hidden' || element.closest('[inert]')) continue;
      if (element.getAttribute('tabindex') === '-1') continue;
      if (!element.checkVisibility({ visibilityProperty: true })) continue;
      const id = String(next++);
      element.setAttribute('data-a11y-id', id);
      const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 60) ?? '';
      found[id] = `<${element.tagName.toLowerCase()}> "${name}"`;
    }
    return found;
  });
}

/** The `data-a11y-id` of the focused element (or "body" / "unmarked"). */
function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = (globalThis as any).document.activeElement;
    if (!active || active === (globalThis as any).document.body) return 'body';
    return active.getAttribute('data-a11y-id') ?? 'unmarked';
  });
}

/**
 * Presses Tab from the top of the page until every control in `controls` has
 * had focus (or MAX_TABS presses: a trap shows as controls never reached);
 * returns the ids focused, in order.
 */
async function tabThrough(page: Page, controls: Record<string, string>): Promise<string[]> {
  await page.evaluate(() => {
    const doc = (globalThis as any).document;
    doc.activeElement?.blur?.();
    (globalThis as any).scrollTo(0, 0);
  });
  const visited: string[] = [];
  const missing = new Set(Object.keys(controls));
  for (let press = 0; press < MAX_TABS && missing.size > 0; press++) {
    await page.keyboard.press('Tab');
    const id = await focusedId(page);
    visited.push(id);
    missing.delete(id);
  }
  return visited;
}

/** Checks (1) names and (2) Tab reach on a page already showing its view. */
async function checkView(page: Page, view: string): Promise<void> {
  const nameless = await namelessControls(page);
  expect(nameless, `${view}: controls without an accessible name:\n${nameless.join('\n')}`).toEqual([]);

  const controls = await markControls(page);
  expect(Object.keys(controls).length, `${view}: no controls found`).toBeGreaterThan(0);
  const visited = await tabThrough(page, controls);
  const reached = new Set(visited);
  const unreached = Object.entries(controls)
    .filter(([id]) => !reached.has(id))
    .map(([, described]) => described);
  expect(unreached, `${view}: controls Tab never reached (${visited.length} presses focused: ${visited.slice(0, 80).map((id) => controls[id] ?? id).join(', ')}${visited.length > 80 ? ', …' : ''}):\n${unreached.join('\n')}`).toEqual([]);
}

describe.skipIf(skipWithoutChromium('test/web/accessibility.test.ts'))('every control has a name and the keyboard reaches every one', () => {
  let room: Room;
  let fixture: Fixture;

  beforeAll(async () => {
    room = await Room.open();
    fixture = await room.declaration();
  }, 120_000);
  afterAll(async () => {
    await room?.close();
  });

  it('the sign-in form', async () => {
    const page = await room.anonymousPage();
    await page.getByRole('textbox', { name: 'Access token' }).waitFor();
    await checkView(page, 'sign-in form');
  });

  it('the secretariat\'s desk', async () => {
    const page = await room.signIn(fixture.tokens.secretariat);
    await page.getByRole('list', { name: 'Declarations' }).getByRole('link', { name: fixture.title }).waitFor();
    await checkView(page, 'secretariat desk');
  });

  const declarationViews: [string, Person][] = [
    ['secretariat', 'secretariat'],
    ['co-facilitator', 'coFacilitator'],
    ['delegation', 'delegation'],
    ['stakeholder', 'stakeholder'],
    ['observer', 'observer'],
  ];
  for (const [view, person] of declarationViews) {
    it(`the declaration as a ${view} sees it`, async () => {
      const page = await room.signIn(fixture.tokens[person], person === 'secretariat' ? undefined : fixture.title);
      if (person === 'secretariat') await page.getByRole('link', { name: fixture.title }).click();
      await page.getByRole('heading', { level: 1, name: fixture.title }).waitFor();
      await article(page, '3').waitFor();
      await checkView(page, `${view} declaration view`);
    });
  }

  it('a delegation comments with the keyboard alone', async () => {
    const page = await room.signIn(fixture.tokens.delegation, fixture.title);
    const paragraph = article(page, '1');
    await paragraph.waitFor();
    await page.evaluate(() => (globalThis as any).document.activeElement?.blur?.());

    /** Presses Tab until the control `locator` finds is focused. */
    const tabTo = async (what: string, locator: ReturnType<Page['getByRole']>) => {
      await locator.waitFor();
      for (let press = 0; press < MAX_TABS; press++) {
        if (await locator.evaluate((element: any) => element === (globalThis as any).document.activeElement)) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${what}`);
    };
    await tabTo('"Comment on paragraph 1"', paragraph.getByRole('button', { name: 'Comment on paragraph 1' }));
    await page.keyboard.press('Enter');
    await tabTo('the "Comment" textbox', paragraph.getByRole('textbox', { name: 'Comment' }));
    await page.keyboard.type('Mexico asks to name the Forum in full.');
    await tabTo('"Post comment"', paragraph.getByRole('button', { name: 'Post comment' }));
    await page.keyboard.press('Enter');
    const comments = paragraph.getByRole('list', { name: 'Comments on paragraph 1', exact: true });
    await comments.getByText('Mexico asks to name the Forum in full.').waitFor({ timeout: WAIT_MS });
  });
});
