/**
 * The server restarts under a typing session (a deployment): the instance
 * stops gracefully (its WebSockets closed with 1012, "restarting"), a new
 * one starts on the same database behind the same address, and the session
 * comes back by itself: 'offline', then 'synced' again, and every keystroke
 * typed before, during and after the restart is on the server once, in
 * order. A change iterator open across the restart resumes without gap or
 * repeat.
 *
 * The address is a `Relay` (sdkSupport.ts) whose upstream is switched to
 * the new instance's port, as a load balancer in front of the service would.
 */
import type { ChangeEvent, DraftroomClient, SessionStatus } from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { pause, Relay, sdkClient, serverText } from './sdkSupport.js';

describe('a server restart under a typing session', () => {
  let first: TestServer;
  let second: TestServer | null = null;
  let relay: Relay;
  let cast: Cast;
  let paragraphId: string;
  let client: DraftroomClient;
  beforeAll(async () => {
    first = await startServer();
    relay = await Relay.start(first.app.port);
    cast = await createCast(first);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'Text:' })).id;
    client = sdkClient(relay.url('/graphql'), cast.coFacilitator.token!);
  });
  afterAll(async () => {
    client?.close();
    await relay?.close();
    await second?.stop({ dropDatabase: true });
  });

  it('resumes the session and the change feed on the new instance, nothing lost or repeated', async () => {
    const session = await client.openDeclaration(cast.declarationId);
    const statuses: SessionStatus[] = [];
    session.on('status', (status) => statuses.push(status));
    const delivered: ChangeEvent[] = [];
    const feed = client.changes(cast.declarationId, { after: 0 });
    let feedError: unknown = null;
    const reading = (async () => {
      for await (const event of feed) delivered.push(event);
    })().catch((error) => (feedError = error));

    const text = session.text(paragraphId);
    let typed = '';
    const type = async (word: string) => {
      for (const ch of word) {
        text.insert(text.length, ch);
        typed += ch;
        await pause(1);
      }
    };
    await type(' before');
    await session.flushed();

    const stopping = first.stop(); // graceful: pending work written, sockets closed with 1012
    await type(' during');
    await stopping;
    await waitFor('the session to go offline', () => statuses.includes('offline'));
    second = await startServer({ databaseUrl: first.databaseUrl, bootstrapToken: first.bootstrapToken });
    relay.retarget(second.app.port);
    await type(' after');

    await session.flushed();
    await waitFor('the session to be synced with the new instance', () => session.status === 'synced');
    const direct = sdkClient(second.url, cast.observer.token!);
    try {
      const onServer = await serverText(direct, cast.declarationId, paragraphId);
      expect(onServer.doc).toBe(`Text:${typed}`);
      expect(onServer.paragraph).toBe(`Text:${typed}`);
    } finally {
      direct.close();
    }
    expect(text.toString()).toBe('Text: before during after');

    // The feed: every event of the log once, in order, across the restart.
    const observer = second.client(cast.observer.token);
    const log = await changeLog(observer, cast.declarationId);
    await waitFor(`the feed to deliver seq ${log.at(-1)!.seq}`, () => {
      if (feedError) throw feedError;
      return (delivered.at(-1)?.seq ?? 0) >= log.at(-1)!.seq;
    });
    await feed.return!();
    await reading;
    expect(delivered.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
  });
});
