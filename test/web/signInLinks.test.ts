/**
 * What a newcomer does: start the server as `npm start` runs it (main.ts in
 * a process of its own, the demo seeded), read the sign-in links it prints
 * (each on the line of its role and name), and open one in Chromium: the
 * page signs in and lands in the demo declaration, and the token is gone
 * from the address bar.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killServerProcesses, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { createTestDatabase, dropTestDatabase } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { CHROMIUM, skipWithoutChromium, WAIT_MS } from './support/room.js';

const LINE = /^ {4}(SECRETARIAT|CO_FACILITATOR|DELEGATION|STAKEHOLDER|OBSERVER) +(.+?) +(http:\/\/127\.0\.0\.1:\d+\/#token=(\S+))$/;

describe.skipIf(skipWithoutChromium('test/web/signInLinks.test.ts'))('the sign-in links npm start prints', () => {
  let dataDir: string;
  let databaseUrl: string;
  let server: ServerProcess;
  let browser: Browser;
  let links: { role: string; name: string; link: string; token: string }[];

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('no Chromium in CI: .ci/run installs the chromium package (or set CHROMIUM_PATH)');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-links-'));
    databaseUrl = await createTestDatabase();
    server = await startServerProcess({ env: { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, DRAFTROOM_SEED_DEMO: 'true' } });
    await waitFor('the demo sign-in links', () => /one sign-in link per role:[\s\S]*OBSERVER.*\n/.test(server.output()), { timeoutMs: WAIT_MS });
    links = server
      .output()
      .split('\n')
      .map((line) => LINE.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ role: match[1]!, name: match[2]!, link: match[3]!, token: decodeURIComponent(match[4]!) }));
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
    await killServerProcesses();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('one link per demo participant, on the line of its role and name, each signing in as that participant', async () => {
    expect(links.map((l) => l.role)).toEqual(expect.arrayContaining(['CO_FACILITATOR', 'DELEGATION', 'STAKEHOLDER', 'OBSERVER']));
    expect(links.filter((l) => l.role === 'CO_FACILITATOR')).toHaveLength(2);
    for (const { role, name, token } of links) {
      const { viewer } = await server.client(token).ok('{ viewer { name role } }');
      expect(viewer).toEqual({ name, role });
    }
    // The page's address, printed too.
    expect(server.output()).toMatch(/The drafting room: http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('opening a co-facilitator\'s link lands in the demo declaration, signed in, with the token out of the address bar', async () => {
    const { link, name } = links.find((l) => l.role === 'CO_FACILITATOR')!;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: /Progress Declaration/ }).waitFor();
      expect(page.url()).not.toContain('token');
      expect(new URL(page.url()).pathname).toMatch(/^\/declarations\/[0-9a-f-]+$/);
      await page.getByText(name).first().waitFor();
      expect(await page.evaluate<string | null>("sessionStorage.getItem('draftroom.token')")).toBe(decodeURIComponent(link.split('#token=')[1]!));
      expect(await page.getByRole('article').count()).toBeGreaterThan(3);
    } finally {
      await context.close();
    }
  });
});
