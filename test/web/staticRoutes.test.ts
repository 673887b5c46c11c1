/**
 * The server serves the drafting room's built page itself (no CDN): at `/`
 * and `/declarations/<id>`, its hashed assets cached for good and the page
 * never, and a page saying how to build it when web/dist is missing.
 */
import express from 'express';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_DIST, mountWebRoutes } from '../../server/src/web/staticRoutes.js';
import { startServer, type TestServer } from '../support/testServer.js';

describe('the page, served by the server', () => {
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    server = await startServer();
    base = `http://127.0.0.1:${server.app.port}`;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('GET / and GET /declarations/<id> answer the built index.html, revalidated each time, with a policy that loads nothing from elsewhere', async () => {
    for (const route of ['/', '/declarations/5f0c6a4e-2b1d-4d8e-9a63-0e2a1f1c9b7d']) {
      const response = await fetch(base + route);
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await response.text();
      expect(html).toContain('<div id="app"></div>');
      // Every script and stylesheet is the server's own.
      for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url!.startsWith('/') || url!.startsWith('data:'), url).toBe(true);
    }
  });

  it('the hashed assets the page names are served and cached for a year; an unknown one is a plain 404, not the page', async () => {
    const html = await (await fetch(base + '/')).text();
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const response = await fetch(base + script!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await response.text()).length).toBeGreaterThan(1000);

    const missing = await fetch(base + '/assets/index-00000000.js');
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('<div id="app">');
  });

  it('other paths are not the page: the API and the export routes keep their own answers', async () => {
    expect((await fetch(base + '/healthz')).headers.get('content-type')).toMatch(/json/);
    const unknown = await fetch(base + '/no-such-page');
    expect(unknown.status).toBe(404);
    const exported = await fetch(base + '/declarations/5f0c6a4e-2b1d-4d8e-9a63-0e2a1f1c9b7d/export.md');
    expect(exported.status).toBe(401);
  });

  it('serves the repository web/dist by default', () => {
    expect(DEFAULT_WEB_DIST).toBe(path.resolve(import.meta.dirname, '../../web/dist'));
  });
});

describe('without a built page', () => {
  it('answers 503 with a page saying how to build it', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'draftroom-no-dist-'));
    const app = express();
    mountWebRoutes(app, { distDir: path.join(empty, 'dist') });
    const http = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => http.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
      expect(response.status).toBe(503);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const page = await response.text();
      expect(page).toContain('The drafting room is not built yet');
      expect(page).toContain('npm run build');
    } finally {
      await new Promise((resolve) => http.close(resolve));
      await rm(empty, { recursive: true, force: true });
    }
  });
});
