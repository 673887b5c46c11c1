/**
 * A session whose network is cut mid-typing (a TCP proxy between it and the
 * server: `cut()` destroys the connection as a pulled cable would, and
 * refuses new ones until `restore()`) goes 'offline', keeps every keystroke
 * typed meanwhile, comes back 'synced' and flushes: the server then holds
 * every keystroke exactly once, in order.
 *
 * The typist types distinct tokens ("k001 k002 ...") at the end of the
 * paragraph, so "every keystroke once, in order" is one string comparison.
 *
 * The time from `restore()` to `flushed()` resolving is printed for the
 * issue note (with the SDK's default reconnect backoff); it is a figure,
 * not an assertion.
 */
import type { DraftroomClient, DraftSession, SessionStatus } from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { pause, recordingWebSocket, sdkClient, serverText } from './sdkSupport.js';

const INITIAL = 'Typed:';
/** How long each cut lasts (the typist keeps typing throughout): a blip, a second, a few seconds. */
const OUTAGES_MS = [200, 1_000, 3_000];
const CUTS = OUTAGES_MS.length;

describe('a session whose network is cut mid-typing', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let cast: Cast;
  let paragraphId: string;
  let client: DraftroomClient;
  let direct: DraftroomClient;
  beforeAll(async () => {
    server = await startServer();
    proxy = await TcpProxy.start([server.app.port]);
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: INITIAL })).id;
    // The SDK's default backoff (250 ms doubling to 5 s): the figure printed is what an application gets.
    client = sdkClient(proxy.url('/graphql'), cast.coFacilitator.token!, { reconnect: undefined });
    direct = sdkClient(server.url, cast.observer.token!);
  });
  afterAll(async () => {
    client?.close();
    direct?.close();
    await proxy?.close();
    await server?.stop({ dropDatabase: true });
  });

  let typed = '';
  let tokens = 0;
  /** Types `n` more tokens at the end of the paragraph, one keystroke per transaction (and on for `forMs` at least). */
  async function typeTokens(session: DraftSession, n: number, forMs = 0) {
    const text = session.text(paragraphId);
    const until = performance.now() + forMs;
    for (let i = 0; i < n || performance.now() < until; i++) {
      for (const ch of ` k${String(++tokens).padStart(3, '0')}`) {
        text.insert(text.length, ch);
        typed += ch;
        await pause(1);
      }
    }
  }

  it('opens a declaration while the network is down, once it is back', async () => {
    const attempts = { count: 0 };
    const patient = sdkClient(proxy.url('/graphql'), cast.coFacilitator.token!, { webSocketImpl: recordingWebSocket([], attempts) });
    try {
      proxy.cut();
      let opened = false;
      const opening = patient.openDeclaration(cast.declarationId).then((session) => {
        opened = true;
        return session;
      });
      // The proxy refuses every connection while cut: the SDK keeps trying.
      await waitFor('the SDK to try to connect three times', () => attempts.count >= 3);
      expect(opened).toBe(false);
      proxy.restore();
      const session = await opening;
      expect(session.status).toBe('synced');
      expect(session.text(paragraphId).toString()).toBe(INITIAL);
    } finally {
      proxy.restore();
      patient.close();
    }
  });

  it('goes offline, keeps typing, comes back synced and flushes every keystroke once, in order', async () => {
    const session = await client.openDeclaration(cast.declarationId);
    const statuses: SessionStatus[] = [];
    let syncedAt = 0;
    session.on('status', (status) => {
      statuses.push(status);
      if (status === 'synced') syncedAt = performance.now();
    });
    expect(session.status).toBe('synced');
    const figures: { toSynced: number; toFlushed: number }[] = [];

    for (let cut = 1; cut <= CUTS; cut++) {
      await typeTokens(session, 10);
      proxy.cut();
      await waitFor(`the session to go offline (cut ${cut})`, () => session.status === 'offline');
      const beforeOffline = session.text(paragraphId).toString();
      await typeTokens(session, 10, OUTAGES_MS[cut - 1]); // offline: queued
      expect(session.text(paragraphId).toString()).toBe(beforeOffline + typed.slice(beforeOffline.length - INITIAL.length));
      expect(session.unacknowledged).toBeGreaterThan(0);

      proxy.restore();
      const restoredAt = performance.now();
      const seq = await session.flushed();
      const flushedAt = performance.now();
      await waitFor(`the session to be synced again (cut ${cut})`, () => session.status === 'synced');
      figures.push({ toSynced: syncedAt - restoredAt, toFlushed: flushedAt - restoredAt });

      const onServer = await serverText(direct, cast.declarationId, paragraphId);
      expect(onServer.doc).toBe(INITIAL + typed);
      expect(onServer.paragraph).toBe(INITIAL + typed);
      expect(onServer.seq).toBeGreaterThanOrEqual(seq);
    }

    // Typing goes on normally after the last cut, too.
    await typeTokens(session, 5);
    await session.flushed();
    const final = (await serverText(direct, cast.declarationId, paragraphId)).doc;
    expect(final).toBe(INITIAL + typed);
    expect(session.text(paragraphId).toString()).toBe(final);
    // Every token on the server once, in the order typed.
    expect(final.match(/k\d{3}/g)).toEqual(Array.from({ length: tokens }, (_, i) => `k${String(i + 1).padStart(3, '0')}`));
    expect(statuses.filter((s) => s === 'offline')).toHaveLength(CUTS);
    expect(statuses.at(-1)).toBe('synced');

    console.log(
      `reconnect-to-flushed (restore() → flushed() resolved, default backoff, ${CUTS} cuts): ` +
        figures
          .map((f, i) => `${f.toFlushed.toFixed(0)} ms after a ${OUTAGES_MS[i]} ms outage (synced after ${f.toSynced.toFixed(0)} ms)`)
          .join(', '),
    );
  });
});
