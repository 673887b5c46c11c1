/**
 * A connection that goes silent instead of breaking: a laptop lid closed, a
 * NAT that forgot the mapping. No FIN, no RST: bytes just stop arriving, and
 * the socket would look open forever. The SDK pings on its WebSocket
 * (`keepAliveMs`) and gives a ping `pongTimeoutMs` to be answered; then it
 * drops the socket, goes 'offline', reconnects on a fresh connection, and
 * flushes what was typed meanwhile.
 *
 * The network is a `Relay` (sdkSupport.ts; not TcpProxy, which breaks
 * connections at once): `blackHole()` stops relaying on the open
 * connections, both ways, and leaves them open; new connections are relayed
 * normally.
 */
import type { DraftroomClient, SessionStatus } from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { pause, recordingWebSocket, Relay, sdkClient, serverText } from './sdkSupport.js';

describe('a connection that goes silent', () => {
  let server: TestServer;
  let relay: Relay;
  let cast: Cast;
  let paragraphId: string;
  let client: DraftroomClient;
  let direct: DraftroomClient;
  beforeAll(async () => {
    server = await startServer();
    relay = await Relay.start(server.app.port);
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'Text:' })).id;
    client = sdkClient(relay.url('/graphql'), cast.coFacilitator.token!, { keepAliveMs: 300, pongTimeoutMs: 300 });
    direct = sdkClient(server.url, cast.observer.token!);
  });
  afterAll(async () => {
    client?.close();
    direct?.close();
    await relay?.close();
    await server?.stop({ dropDatabase: true });
  });

  it('is found dead by keepalive; the session reconnects and flushes what was typed meanwhile', async () => {
    const session = await client.openDeclaration(cast.declarationId);
    const statuses: SessionStatus[] = [];
    session.on('status', (status) => statuses.push(status));
    const text = session.text(paragraphId);
    text.insert(text.length, ' before');
    await session.flushed();

    expect(relay.blackHole()).toBeGreaterThan(0);
    for (const ch of ' during') {
      text.insert(text.length, ch);
      await pause(1);
    }
    await waitFor('the session to notice the silence and go offline', () => statuses.includes('offline'));
    await waitFor('the session to be synced again', () => session.status === 'synced');
    await session.flushed();
    text.insert(text.length, ' after');
    await session.flushed();

    const onServer = await serverText(direct, cast.declarationId, paragraphId);
    expect(onServer.doc).toBe('Text: before during after');
    expect(text.toString()).toBe('Text: before during after');
  });

  it('abandons a connection attempt that is never answered, and gets through once the network is back', async () => {
    // A relay of its own: the first test's client, cut off by its relay's
    // black hole too, would reconnect through the same relay and its swallowed
    // attempts would pass for this client's.
    const network = await Relay.start(server.app.port);
    // The sockets' lives, for the failure message: what happened when.
    const attempts = { count: 0, log: [] as string[] };
    const patient = sdkClient(network.url('/graphql'), cast.coFacilitator2.token!, {
      keepAliveMs: 300,
      pongTimeoutMs: 300,
      connectTimeoutMs: 1_000, // default 10 s; short here so the test does not wait it out
      webSocketImpl: recordingWebSocket([], attempts),
    });
    const started = performance.now();
    const note = (what: string) => attempts.log.push(`${(performance.now() - started).toFixed(0)} ms ${what}`);
    patient.on('connection', (state) => note(`client ${state}`));
    try {
      const session = await patient.openDeclaration(cast.declarationId);
      const before = attempts.count;
      network.swallowNew = true; // the network goes silent: open connections and new handshakes alike
      network.blackHole();
      session.text(paragraphId).insert(0, '[silent] ');
      await waitFor('the session to go offline', () => session.status === 'offline');
      // Swallowed by the relay, not merely begun: the TCP connection reaches the relay a moment after the socket is made.
      await waitFor('a reconnection attempt to be swallowed', () => network.swallowed > 0 && attempts.count > before);
      const swallowed = attempts.count;
      network.swallowNew = false; // the network is back, for new connections
      // A client that waits for the swallowed handshake forever never tries again.
      await waitFor('another connection attempt after the swallowed one', () => attempts.count > swallowed, { timeoutMs: 15_000 }).catch((error: Error) => {
        throw new Error(`${error.message}; sockets: ${attempts.log.join(', ')}`);
      });
      await waitFor('the session to be synced again', () => session.status === 'synced');
      await session.flushed();
      expect((await serverText(direct, cast.declarationId, paragraphId)).doc.startsWith('[silent] ')).toBe(true);
    } finally {
      patient.close();
      await network.close();
    }
  });
});
