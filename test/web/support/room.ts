/**
 * The drafting room under test: a real server (startServer(): the same app
 * `npm start` runs, which serves the built page from web/dist), a
 * declaration with its cast and a few paragraphs, and Debian's Chromium
 * driven by playwright-core. Each participant signs in through their
 * sign-in link (`/#token=`), in a browser context of their own (as separate
 * browsers would: no shared storage).
 *
 *     const room = await openRoom();                    // beforeAll
 *     const diallo = await room.signIn(room.tokens.coFacilitator);
 *     await textbox(diallo, '2').click();
 *     await room.close();                               // afterAll
 *
 * Pages are found by role and accessible name (the page contract), never by
 * CSS class.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { findChromium } from '../../support/chromium.js';
import { addParagraph, addSection, createDeclaration, invite } from '../../support/factories.js';
import type { GraphQLTestClient } from '../../support/client.js';
import { startServer, type TestServer } from '../../support/testServer.js';
import { waitFor } from '../../support/waitFor.js';

export const CHROMIUM = findChromium();
const WEB_DIST_INDEX = path.resolve(import.meta.dirname, '../../../web/dist/index.html');
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../docs/screenshots');

/** Whether this file's browser tests are skipped (no Chromium, outside CI); says so loudly. */
export function skipWithoutChromium(file: string): boolean {
  if (CHROMIUM || process.env.CI) return false;
  console.warn(`SKIPPED ${file}: no Chromium (install the chromium package, or set CHROMIUM_PATH); in CI this is a failure.`);
  return true;
}

/** Generous bounds against hangs on a loaded 2-core machine; never latency assertions. */
export const WAIT_MS = 30_000;

export type Person = 'secretariat' | 'coFacilitator' | 'coFacilitator2' | 'delegation' | 'delegation2' | 'stakeholder' | 'observer';

export interface Fixture {
  declarationId: string;
  title: string;
  /** Paragraph ids by label. */
  paragraphs: Record<string, string>;
  tokens: Record<Person, string>;
  clients: Record<Person, GraphQLTestClient>;
}

export const TEXTS = {
  '1': 'We, the Ministers and high representatives of States, have gathered at the first International Migration Review Forum.',
  '2': 'We reaffirm the Global Compact for Safe, Orderly and Regular Migration.',
  '2 bis': 'We commit to enhance the availability and flexibility of pathways for regular migration.',
  '3': 'We note with concern that migrants continue to lose their lives at sea.',
} as const;

export class Room {
  private readonly contexts: BrowserContext[] = [];
  /** What went wrong inside the pages (uncaught errors, console errors), for the failure message. */
  readonly pageErrors: string[] = [];

  private constructor(
    readonly server: TestServer,
    readonly browser: Browser,
  ) {}

  /** http://127.0.0.1:<port>, where the page is served. */
  get base(): string {
    return `http://127.0.0.1:${this.server.app.port}`;
  }

  static async open(): Promise<Room> {
    if (!CHROMIUM) throw new Error('no Chromium in CI: .ci/run installs the chromium package (or set CHROMIUM_PATH)');
    if (!existsSync(WEB_DIST_INDEX)) throw new Error(`${WEB_DIST_INDEX} is missing: build the web app first (npm run build)`);
    const server = await startServer();
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--disable-dev-shm-usage', '--disable-gpu'] });
      return new Room(server, browser);
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /**
   * A declaration in two parts with paragraphs 1, 2, 2 bis and 3 ("2 bis"
   * inserted after the Zero draft was published), and one participant of
   * each role (two co-facilitators, Mexico and Morocco).
   */
  async declaration(title = 'IMRF Progress Declaration'): Promise<Fixture> {
    const server = this.server;
    const secretariat = server.client();
    const declarationId = await createDeclaration(secretariat, title);
    const people = {
      coFacilitator: await invite(server, declarationId, 'CO_FACILITATOR', 'Ambassador Diallo'),
      coFacilitator2: await invite(server, declarationId, 'CO_FACILITATOR', 'Ambassador Voss'),
      delegation: await invite(server, declarationId, 'DELEGATION', 'Delegate of Mexico', 'Mexico'),
      delegation2: await invite(server, declarationId, 'DELEGATION', 'Delegate of Morocco', 'Morocco'),
      stakeholder: await invite(server, declarationId, 'STAKEHOLDER', 'Migrant workers network', 'Civil society'),
      observer: await invite(server, declarationId, 'OBSERVER', 'Press observer'),
    };
    const pen = people.coFacilitator.client;
    const intro = await addSection(pen, declarationId, 'Introduction');
    const progress = await addSection(pen, declarationId, 'Progress, challenges and gaps', intro.id);
    const p1 = await addParagraph(pen, intro.id, { text: TEXTS['1'], objectives: [23] });
    const p2 = await addParagraph(pen, intro.id, { text: TEXTS['2'], afterParagraphId: p1.id, objectives: [17, 23] });
    const p3 = await addParagraph(pen, progress.id, { text: TEXTS['3'], objectives: [8] });
    await pen.ok('mutation($d: ID!) { publishRevision(declarationId: $d) { id } }', { d: declarationId });
    const p2bis = await addParagraph(pen, intro.id, { text: TEXTS['2 bis'], afterParagraphId: p2.id, objectives: [5, 18] });
    if (p2bis.label !== '2 bis') throw new Error(`expected the inserted paragraph to be "2 bis", got "${p2bis.label}"`);
    const tokens = { secretariat: server.bootstrapToken } as Record<Person, string>;
    const clients = { secretariat } as Record<Person, GraphQLTestClient>;
    for (const [who, person] of Object.entries(people)) {
      tokens[who as Person] = person.token;
      clients[who as Person] = person.client;
    }
    return { declarationId, title, paragraphs: { '1': p1.id, '2': p2.id, '2 bis': p2bis.id, '3': p3.id }, tokens, clients };
  }

  /** A fresh browser context (its own storage), signed in through the sign-in link; resolves once the page shows `heading`. */
  async signIn(token: string, heading?: string, options: { base?: string } = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    this.contexts.push(context);
    const page = await context.newPage();
    this.watch(page);
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${options.base ?? this.base}/#token=${encodeURIComponent(token)}`);
    if (heading) await page.getByRole('heading', { level: 1, name: heading }).waitFor().catch((error) => this.explain(page, error));
    return page;
  }

  /** A new page in a context of its own, not signed in. */
  async anonymousPage(url = this.base + '/'): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
    this.contexts.push(context);
    const page = await context.newPage();
    this.watch(page);
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(url);
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => {});
    await this.browser.close().catch(() => {});
    await this.server.stop();
  }

  /** Rethrows `error` with what the page shows and what went wrong in it. */
  async explain(page: Page, error: Error): Promise<never> {
    const shown = await page.evaluate<string>('document.body.innerText').catch(() => '(unreadable)');
    throw new Error(`${error.message}\nthe page shows: ${shown.length > 3000 ? `${shown.slice(0, 1500)} […] ${shown.slice(-1500)}` : shown}\nerrors in the pages: ${this.pageErrors.join('\n') || 'none'}`);
  }

  private watch(page: Page): void {
    page.on('pageerror', (error) => this.pageErrors.push(`page error: ${error.stack ?? error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.pageErrors.push(`console error: ${message.text()}`);
    });
  }
}

export const article = (page: Page, label: string): Locator => page.getByRole('article', { name: `Paragraph ${label}`, exact: true });
export const textbox = (page: Page, label: string): Locator => page.getByRole('textbox', { name: `Text of paragraph ${label}`, exact: true });
export const syncStatus = (page: Page): Locator => page.getByRole('status', { name: 'Sync status' });
export const changeFeed = (page: Page): Locator => page.getByRole('region', { name: 'Change feed' });

/**
 * The text an editor shows: its lines, without the widgets drawn inside it
 * (remote cursors and their name tags are `contenteditable="false"`).
 */
export async function editorText(editor: Locator): Promise<string> {
  // Runs in the page (the DOM types are not this project's: Node's lib only).
  return editor.evaluate((element: any) => {
    const copy = element.cloneNode(true);
    for (const widget of copy.querySelectorAll('[contenteditable="false"]')) widget.remove();
    return [...copy.children].map((line: any) => line.textContent ?? '').join('\n');
  });
}

/** Waits until `check(text)` holds for the editor's text; resolves with that text. */
export async function waitForEditorText(editor: Locator, what: string, check: (text: string) => boolean): Promise<string> {
  let last = '';
  await waitFor(
    `${what} (last seen: ${JSON.stringify(last)})`,
    async () => {
      last = await editorText(editor);
      return check(last);
    },
    { timeoutMs: WAIT_MS, intervalMs: 50 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the editor last showed ${JSON.stringify(last)}`);
  });
  return last;
}

/** Waits until the page's "Sync status" reads `text`. */
export async function waitForSync(page: Page, text: 'Saved' | 'Saving…' | 'Offline'): Promise<void> {
  await waitFor(`Sync status "${text}"`, async () => (await syncStatus(page).textContent())?.trim() === text, { timeoutMs: WAIT_MS, intervalMs: 25 });
}

/** The committed text of a paragraph, as the API gives it. */
export async function serverText(client: GraphQLTestClient, paragraphId: string): Promise<string> {
  const data = await client.ok('query($id: ID!) { paragraph(id: $id) { text } }', { id: paragraphId });
  return data.paragraph.text;
}

/** Puts the caret at the end (or start) of a paragraph's text. */
export async function caretAt(page: Page, label: string, where: 'start' | 'end'): Promise<void> {
  await textbox(page, label).click();
  await page.keyboard.press(where === 'end' ? 'Control+End' : 'Control+Home');
}

/** Selects `words` in a paragraph's text with the keyboard (caret to the start, then Shift+Right). */
export async function selectWords(page: Page, label: string, text: string, words: string): Promise<void> {
  const start = text.indexOf(words);
  if (start < 0) throw new Error(`"${words}" is not in "${text}"`);
  await caretAt(page, label, 'start');
  for (let i = 0; i < start; i++) await page.keyboard.press('ArrowRight');
  for (let i = 0; i < words.length; i++) await page.keyboard.press('Shift+ArrowRight');
}
