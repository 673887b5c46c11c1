/**
 * The server's WebSocket keepalive (one loop: graphql-ws's): every socket
 * is pinged, and one that does not answer with a pong is terminated, so a
 * connection that went silent (a laptop lid closed, a proxy that dropped it
 * without a word) stops holding its presence, its subscriptions and its
 * place in the connections-per-token count. A socket that answers stays.
 *
 * The interval is shortened here (keepAliveMs: 200 ms); nothing is timed:
 * the tests wait for pings to be counted and for the close to happen.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';

const PRESENCE = 'subscription($d: ID!) { presence(declarationId: $d) { left } }';

interface Watched {
  ws: WebSocket;
  pings: number;
  closed: { code: number } | null;
}

/** A graphql-ws connection with a presence subscription, answering pings or not (`autoPong`). */
function connect(server: TestServer, token: string, declarationId: string, autoPong: boolean): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.wsUrl, 'graphql-transport-ws', { autoPong });
    const watched: Watched = { ws, pings: 0, closed: null };
    ws.on('error', reject);
    ws.on('ping', () => (watched.pings += 1));
    ws.on('close', (code) => (watched.closed = { code }));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (data) => {
      if (JSON.parse(data.toString()).type !== 'connection_ack') return;
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: PRESENCE, variables: { d: declarationId } } }));
      resolve(watched);
    });
  });
}

async function gauge(server: TestServer, line: string): Promise<number> {
  const text = await server.app.services.metrics.render();
  return Number(text.split('\n').find((l) => l.startsWith(`${line} `))?.split(' ')[1] ?? NaN);
}

describe('the WebSocket keepalive (every 200 ms)', () => {
  let server: TestServer;
  let cast: Cast;

  beforeAll(async () => {
    server = await startServer({ app: { keepAliveMs: 200 } });
    cast = await createCast(server, 'Keepalive');
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('terminates a socket that stops answering pings, and releases what it held', async () => {
    const silent = await connect(server, cast.observer.token!, cast.declarationId, false);
    await waitFor('the subscription to count', async () => (await gauge(server, 'draftroom_subscriptions{field="presence"}')) === 1);
    await waitFor('the silent socket to be closed', () => silent.closed);
    expect(silent.pings).toBeGreaterThanOrEqual(1);
    // Terminated, not closed with a handshake: the client sees an abnormal closure.
    expect(silent.closed!.code).toBe(1006);
    await waitFor('its subscription and connection to be released', async () => {
      return (await gauge(server, 'draftroom_subscriptions{field="presence"}')) === 0 && (await gauge(server, 'draftroom_websocket_connections')) === 0;
    });
  });

  it('keeps a socket that answers, ping after ping', async () => {
    const answering = await connect(server, cast.delegation.token!, cast.declarationId, true);
    await waitFor('five pings', () => answering.pings >= 5);
    expect(answering.closed).toBeNull();
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    answering.ws.close();
  });
});
