/**
 * The client's address behind a reverse proxy (DRAFTROOM_TRUSTED_PROXIES):
 * anonymous callers are rate-limited by their address, and every HTTP log
 * line names it. Behind nginx every connection comes from nginx, so without
 * `X-Forwarded-For` every anonymous caller would share one bucket; but the
 * header is believed only from a trusted proxy, or a caller could pick a
 * fresh bucket with every request. The same rule holds over WebSocket (the
 * upgrade request's header), where operations take from the same buckets.
 *
 * Here the tests themselves play the proxy: they connect from 127.0.0.1,
 * which one server trusts (`loopback`) and the other does not (the default).
 */
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { clientAddress, trustProxies } from '../../server/src/limits/clientAddress.js';
import { createLogger } from '../../server/src/logger.js';
import { startServer, type TestServer } from '../support/testServer.js';

const BURST = 10;

/** The log of the app, kept as parsed lines. */
class CapturedLog extends Writable {
  private readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.chunks.push(chunk.toString());
    callback();
  }
  get lines(): Record<string, any>[] {
    return this.chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }
}

/** An anonymous GraphQL request over HTTP, sent with `forwardedFor` as X-Forwarded-For; its status. */
async function anonymous(server: TestServer, forwardedFor: string | null): Promise<number> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Sends anonymous requests as `forwardedFor` until one is answered 429 (at most `max`); how many passed. */
async function exhaust(server: TestServer, forwardedFor: string | null, max = 200): Promise<number> {
  for (let passed = 0; passed < max; passed++) {
    const status = await anonymous(server, forwardedFor);
    if (status === 429) return passed;
    expect(status).toBe(200);
  }
  throw new Error(`${max} requests passed without a 429`);
}

/**
 * One anonymous operation over a WebSocket whose upgrade request carries
 * `forwardedFor`: the code of its error, or 'ok'.
 */
function anonymousOverSocket(server: TestServer, forwardedFor: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.wsUrl, 'graphql-transport-ws', { headers: { 'x-forwarded-for': forwardedFor } });
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ __typename }' } }));
      if (message.id !== '1' || ws.readyState !== WebSocket.OPEN) return; // the first answer only
      ws.close();
      if (message.type === 'next' && !message.payload.errors) resolve('ok');
      else resolve(String((message.payload.errors ?? message.payload)[0]?.extensions?.limit ?? JSON.stringify(message.payload)));
    });
  });
}

describe('DRAFTROOM_TRUSTED_PROXIES', () => {
  it('is a comma-separated list of addresses, CIDRs and loopback/linklocal/uniquelocal; none by default', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ DRAFTROOM_TRUSTED_PROXIES: ' loopback, 10.0.0.0/8 ,fd00::1' }).trustedProxies).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
  });

  it('names the variable and the entry of a malformed list, so a typo stops the start', () => {
    expect(() => loadConfig({ DRAFTROOM_TRUSTED_PROXIES: 'loopback, nginx' })).toThrow(/DRAFTROOM_TRUSTED_PROXIES.*nginx/);
    expect(() => loadConfig({ DRAFTROOM_TRUSTED_PROXIES: '10.0.0.0/99' })).toThrow(/DRAFTROOM_TRUSTED_PROXIES/);
  });

  it('walks X-Forwarded-For from the right while each hop is trusted (as Express does)', () => {
    const request = (peer: string, forwardedFor?: string) => ({ socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    const none = trustProxies([]);
    const nginx = trustProxies(['10.0.0.2']);
    const twoHops = trustProxies(['10.0.0.2', '10.0.0.3']);
    expect(clientAddress(request('10.0.0.2', '203.0.113.7'), none)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2', '203.0.113.7'), nginx)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.9', '203.0.113.7'), nginx)).toBe('10.0.0.9');
    // The client's own header comes first; the trusted proxy appends what it saw.
    expect(clientAddress(request('10.0.0.2', '198.51.100.1, 203.0.113.7'), nginx)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.2', '203.0.113.7, 10.0.0.3'), twoHops)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.2'), nginx)).toBe('10.0.0.2');
  });
});

describe('behind a trusted proxy (loopback trusted; 1 operation/s, bursts of 10)', () => {
  const log = new CapturedLog();
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ limits: { requestsPerSecond: 1, requestBurst: BURST }, app: { trustedProxies: ['loopback'], log: createLogger('info', log) } });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('two anonymous callers with different X-Forwarded-For have separate buckets', async () => {
    expect(await exhaust(server, '203.0.113.7')).toBeGreaterThanOrEqual(BURST);
    expect(await anonymous(server, '203.0.113.8')).toBe(200);
    expect(await anonymous(server, '203.0.113.7')).toBe(429);
  });

  it('a caller cannot pick its bucket with a header of its own: the address the proxy appended is the one used', async () => {
    await exhaust(server, '203.0.113.7'); // still empty, or emptied again if a token came back meanwhile
    expect(await anonymous(server, '198.51.100.99, 203.0.113.7')).toBe(429);
  });

  it('over WebSocket the same rule, and the same buckets as HTTP', async () => {
    await exhaust(server, '203.0.113.7');
    expect(await anonymousOverSocket(server, '203.0.113.7')).toBe('requestsPerSecond');
    expect(await anonymousOverSocket(server, '203.0.113.9')).toBe('ok');
  });

  it("each HTTP request's log line carries the client's address", () => {
    const requests = log.lines.filter((l) => l.msg === 'http request');
    expect(requests.some((l) => l.clientAddress === '203.0.113.8')).toBe(true);
    expect(requests.filter((l) => l.clientAddress === '203.0.113.7').length).toBeGreaterThan(BURST);
    expect(requests.every((l) => typeof l.clientAddress === 'string' && l.clientAddress !== '127.0.0.1')).toBe(true);
  });
});

describe('behind nothing trusted (the default)', () => {
  const log = new CapturedLog();
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ limits: { requestsPerSecond: 1, requestBurst: BURST }, app: { log: createLogger('info', log) } });
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('X-Forwarded-For is ignored: a new value every request still empties the one bucket of the peer', async () => {
    let n = 0;
    for (let passed = 0; ; passed++) {
      const status = await anonymous(server, `203.0.113.${++n % 250}`);
      if (status === 429) break;
      expect(passed).toBeLessThan(200);
    }
    expect(n).toBeGreaterThan(BURST);
    expect(await anonymous(server, '198.51.100.1')).toBe(429);
    expect(await anonymousOverSocket(server, '198.51.100.2')).toBe('requestsPerSecond');
  });

  it("the log line carries the peer's address, not the header's", () => {
    const requests = log.lines.filter((l) => l.msg === 'http request');
    expect(requests.length).toBeGreaterThan(BURST);
    expect(requests.every((l) => l.clientAddress === '127.0.0.1')).toBe(true);
  });
});
