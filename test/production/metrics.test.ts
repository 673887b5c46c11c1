/**
 * Observability from the outside: real traffic against a real server, then
 * `GET /metrics` scraped as Prometheus would, and every counter moved by
 * exactly what was done. The server's log is captured (at debug level, the
 * most talkative) to check that every request's lines carry its request id
 * and that no token ever reaches a line.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/logger.js';
import { Collector, CHANGES, DOCUMENT_UPDATES } from '../collab/collabSupport.js';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { applyUpdate, Replica } from '../support/yjsClient.js';

/** One sample of a scrape: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

class Scrape {
  constructor(readonly samples: Sample[]) {}

  /** The value of `name` with exactly these labels (0 when absent, as Prometheus reads a missing series). */
  value(name: string, labels: Record<string, string> = {}): number {
    const wanted = Object.entries(labels);
    const found = this.samples.find((s) => s.name === name && wanted.every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === wanted.length);
    return found?.value ?? 0;
  }

  has(name: string): boolean {
    return this.samples.some((s) => s.name === name);
  }
}

async function scrape(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(parseMetrics(await response.text()));
}

/** Log lines of the app, parsed. */
class CapturedLog extends Writable {
  readonly text: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.text.push(chunk.toString());
    callback();
  }
  get lines(): Record<string, any>[] {
    return this.text.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }
  get all(): string {
    return this.text.join('');
  }
}

/** A server like `startServer()`'s, with its log captured at debug level. */
function startLoggedServer(log: CapturedLog): Promise<TestServer> {
  return startServer({ app: { log: createLogger('debug', log) } });
}

const ACKED = 'draftroom_updates_acknowledged_total';

describe('GET /metrics after real traffic', () => {
  const log = new CapturedLog();
  let server: TestServer;
  let other: TestServer;
  let base: string;
  let cast: Cast;
  let paragraphId: string;
  const tokens: string[] = [];

  beforeAll(async () => {
    server = await startLoggedServer(log);
    base = server.url.replace(/\/graphql$/, '');
    cast = await createCast(server, 'Progress Declaration (metrics)');
    for (const client of [cast.secretariat, cast.coFacilitator, cast.coFacilitator2, cast.delegation, cast.delegation2, cast.stakeholder, cast.observer]) {
      tokens.push(client.token!);
    }
    const section = await addSection(cast.coFacilitator, cast.declarationId, 'Introduction');
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We reaffirm the Global Compact.' })).id;
    other = await startServer();
  });

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
    await other?.stop({ dropDatabase: true });
  });

  it('counts each acknowledged update once, with its latency and its group-commit batch', async () => {
    const before = await scrape(base);
    const replica = new Replica(cast.coFacilitator, cast.declarationId);
    await replica.connect();
    for (let i = 0; i < 5; i++) {
      replica.doc.getText(paragraphId).insert(0, `${i} `);
      await replica.flushed(); // one update in flight at a time: five requests, five batches of one
    }
    replica.close();
    const after = await scrape(base);
    expect(after.value(ACKED) - before.value(ACKED)).toBe(5);
    expect(after.value('draftroom_update_ack_seconds_count') - before.value('draftroom_update_ack_seconds_count')).toBe(5);
    expect(after.value('draftroom_update_ack_seconds_sum')).toBeGreaterThan(before.value('draftroom_update_ack_seconds_sum'));
    expect(after.value('draftroom_group_commit_batch_updates_count') - before.value('draftroom_group_commit_batch_updates_count')).toBe(5);
    expect(after.value('draftroom_group_commit_batch_updates_sum') - before.value('draftroom_group_commit_batch_updates_sum')).toBe(5);
    expect(after.value('draftroom_group_commit_batch_updates_bucket', { le: '1' }) - before.value('draftroom_group_commit_batch_updates_bucket', { le: '1' })).toBe(5);
  });

  it('counts rejected operations by their code, and nothing else moves', async () => {
    const before = await scrape(base);
    // FORBIDDEN: an observer may not edit the text.
    const forbidden = await applyUpdate(cast.observer, cast.declarationId, new Uint8Array([0, 0]));
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // UNAUTHENTICATED: no token.
    const anonymous = server.client(null);
    expect(await anonymous.errorCode('mutation($d: ID!) { applyUpdate(declarationId: $d, update: "AAA=") { seq } }', { d: cast.declarationId })).toBe('UNAUTHENTICATED');
    // BAD_USER_INPUT twice: a syntax error over HTTP, and one over the WebSocket.
    expect(await cast.delegation.errorCode('{ declarations { id ')).toBe('BAD_USER_INPUT');
    // graphql-ws answers a refused operation with an `error` message: the client's iterator throws its errors.
    const overSocket = await cast.delegation.overSocket('{ declarations { id ').then(
      () => null,
      (errors: { extensions?: { code?: string } }[]) => errors,
    );
    expect(overSocket?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // NOT_FOUND: a declaration nobody has.
    expect(await cast.secretariat.errorCode('query($d: ID!) { declaration(id: $d) { id } }', { d: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
    const after = await scrape(base);
    const moved = (code: string) => after.value('draftroom_operations_rejected_total', { code }) - before.value('draftroom_operations_rejected_total', { code });
    expect({
      FORBIDDEN: moved('FORBIDDEN'),
      UNAUTHENTICATED: moved('UNAUTHENTICATED'),
      BAD_USER_INPUT: moved('BAD_USER_INPUT'),
      NOT_FOUND: moved('NOT_FOUND'),
      CONFLICT: moved('CONFLICT'),
      UNAVAILABLE: moved('UNAVAILABLE'),
      INTERNAL_SERVER_ERROR: moved('INTERNAL_SERVER_ERROR'),
    }).toEqual({ FORBIDDEN: 1, UNAUTHENTICATED: 1, BAD_USER_INPUT: 2, NOT_FOUND: 1, CONFLICT: 0, UNAVAILABLE: 0, INTERNAL_SERVER_ERROR: 0 });
    expect(after.value(ACKED)).toBe(before.value(ACKED));
  });

  it('follows open WebSockets and active subscriptions by field', async () => {
    const before = await scrape(base);
    const connections = () => before.value('draftroom_websocket_connections');
    const subscriptions = (s: Scrape, field: string) => s.value('draftroom_subscriptions', { field });
    const observers = [server.client(cast.observer.token), server.client(cast.delegation.token), server.client(cast.stakeholder.token)];
    const feeds = [
      new Collector(observers[0]!, CHANGES, { d: cast.declarationId, a: 0 }, 'changes'),
      new Collector(observers[1]!, CHANGES, { d: cast.declarationId, a: 0 }, 'changes'),
    ];
    const doc = new Collector(observers[2]!, DOCUMENT_UPDATES, { d: cast.declarationId, sv: null }, 'documentUpdates');
    await feeds[0]!.until((items) => items.length > 0, 'the replay of the change feed');
    await feeds[1]!.until((items) => items.length > 0, 'the replay of the change feed');
    await doc.until((items) => items.length > 0, 'the sync event');
    const open = await waitFor('three more sockets and their subscriptions in /metrics', async () => {
      const s = await scrape(base);
      const ok =
        s.value('draftroom_websocket_connections') === connections() + 3 &&
        subscriptions(s, 'changes') === subscriptions(before, 'changes') + 2 &&
        subscriptions(s, 'documentUpdates') === subscriptions(before, 'documentUpdates') + 1;
      return ok ? s : null;
    });
    expect(open.value('draftroom_websocket_connections')).toBe(connections() + 3);

    // One observer completes its subscription: the socket stays, the subscription goes.
    feeds[0]!.close();
    await waitFor('one changes subscription fewer', async () => subscriptions(await scrape(base), 'changes') === subscriptions(before, 'changes') + 1);
    // All three sockets close: back to where it was.
    await Promise.all(observers.map((c) => c.close()));
    const closed = await waitFor('the sockets gone from /metrics', async () => {
      const s = await scrape(base);
      return s.value('draftroom_websocket_connections') === connections() ? s : null;
    });
    expect(subscriptions(closed, 'changes')).toBe(subscriptions(before, 'changes'));
    expect(subscriptions(closed, 'documentUpdates')).toBe(subscriptions(before, 'documentUpdates'));
  });

  it('measures the change-feed lag of each live event handed to a subscriber', async () => {
    const { changeLog } = await cast.observer.ok('query($d: ID!) { changeLog(declarationId: $d, first: 1000) { seq } }', { d: cast.declarationId });
    const head = changeLog.at(-1).seq as number;
    const observer = server.client(cast.observer.token);
    const feed = new Collector<{ seq: number }>(observer, CHANGES, { d: cast.declarationId, a: head }, 'changes');
    // The subscription is live once a first event arrives; only then count.
    await addSection(cast.coFacilitator, cast.declarationId, 'Progress, challenges and gaps');
    await feed.until((items) => items.length === 1, 'the first live event');
    const before = await scrape(base);
    await addSection(cast.coFacilitator, cast.declarationId, 'Recommended actions');
    await addSection(cast.coFacilitator, cast.declarationId, 'Follow-up and review');
    await feed.until((items) => items.length === 3, 'two more live events');
    const after = await waitFor('two lag observations', async () => {
      const s = await scrape(base);
      return s.value('draftroom_change_feed_lag_seconds_count') - before.value('draftroom_change_feed_lag_seconds_count') >= 2 ? s : null;
    });
    expect(after.value('draftroom_change_feed_lag_seconds_count') - before.value('draftroom_change_feed_lag_seconds_count')).toBe(2);
    await observer.close();
  });

  it('counts compaction runs and the bytes they folded', async () => {
    const before = await scrape(base);
    const result = await server.app.services.compactor.compact(cast.declarationId, 0);
    expect(result).not.toBeNull();
    const after = await scrape(base);
    expect(after.value('draftroom_compaction_runs_total') - before.value('draftroom_compaction_runs_total')).toBe(1);
    expect(after.value('draftroom_compaction_folded_updates_total') - before.value('draftroom_compaction_folded_updates_total')).toBe(result!.foldedUpdates);
    expect(after.value('draftroom_compaction_folded_bytes_total') - before.value('draftroom_compaction_folded_bytes_total')).toBe(result!.foldedBytes);
    expect(result!.foldedBytes).toBeGreaterThan(0);
  });

  it("keeps each app's metrics to itself: traffic on another server in the process moves nothing here", async () => {
    const before = await scrape(base);
    const otherCast = await createCast(other, 'Another declaration');
    const section = await addSection(otherCast.coFacilitator, otherCast.declarationId);
    const p = await addParagraph(otherCast.coFacilitator, section.id, { text: 'Elsewhere.' });
    const replica = new Replica(otherCast.coFacilitator, otherCast.declarationId);
    await replica.connect();
    replica.doc.getText(p.id).insert(0, 'Here, ');
    await replica.flushed();
    replica.close();
    await otherCast.observer.errorCode('mutation($d: ID!) { applyUpdate(declarationId: $d, update: "AAA=") { seq } }', { d: otherCast.declarationId });
    const otherBase = other.url.replace(/\/graphql$/, '');
    const there = await scrape(otherBase);
    expect(there.value(ACKED)).toBe(1);
    expect(there.value('draftroom_operations_rejected_total', { code: 'FORBIDDEN' })).toBe(1);
    const here = await scrape(base);
    expect(here.value(ACKED)).toBe(before.value(ACKED));
    expect(here.value('draftroom_operations_rejected_total', { code: 'FORBIDDEN' })).toBe(before.value('draftroom_operations_rejected_total', { code: 'FORBIDDEN' }));
  });

  it('serves the process default metrics and the database probe', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, status: 'ready', database: { reachable: true } });
    const s = await scrape(base);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(s.has(name), name).toBe(true);
    }
    expect(s.value('draftroom_database_up')).toBe(1);
  });

  it('answers every HTTP request with its x-request-id, a sane one from the client kept as it is', async () => {
    const given = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cast.observer.token}`, 'x-request-id': 'imrf-2026-req-42' },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect(given.headers.get('x-request-id')).toBe('imrf-2026-req-42');
    const made = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cast.observer.token}`, 'x-request-id': 'no spaces or "quotes" allowed' },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const health = await fetch(`${base}/healthz`);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor('the request lines', () => log.lines.some((l) => l.msg === 'http request' && l.requestId === 'imrf-2026-req-42'));
    const line = log.lines.find((l) => l.msg === 'http request' && l.requestId === 'imrf-2026-req-42')!;
    expect(line).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
  });

  it('logs one line per HTTP request and per WebSocket operation, each with a request id, and never a token', async () => {
    // A WebSocket operation, and an update over the socket.
    const socketClient = server.client(cast.coFacilitator.token);
    const viewer = await socketClient.overSocket('{ viewer { name } }');
    expect(viewer.data).toEqual({ viewer: { name: 'Ambassador Diallo' } });
    await socketClient.close();

    await waitFor('the ws operation line', () => log.lines.some((l) => l.msg === 'ws operation' && l.field === 'viewer'));
    const lines = log.lines;
    const requests = lines.filter((l) => l.msg === 'http request');
    const operations = lines.filter((l) => l.msg === 'ws operation' || l.msg.startsWith('ws subscription'));
    expect(requests.length).toBeGreaterThan(20);
    expect(operations.length).toBeGreaterThan(3);
    for (const line of [...requests, ...operations]) expect(line.requestId, JSON.stringify(line)).toMatch(/^[\w.:-]{1,100}$/);
    // One line per request: no id twice.
    const ids = new Set(requests.map((l) => l.requestId));
    expect(ids.size).toBe(requests.length);
    // No token, in any form, anywhere in the log.
    expect(tokens.length).toBe(7);
    for (const token of [...tokens, server.bootstrapToken]) expect(log.all.includes(token), 'a token reached the log').toBe(false);
  });

  it('redacts an authorization header or a token that a log call would carry', () => {
    const captured = new CapturedLog();
    const logger = createLogger('info', captured);
    logger.info({ req: { headers: { authorization: 'Bearer drt_secret_1' } } }, 'request');
    logger.info({ connectionParams: { authorization: 'Bearer drt_secret_2' } }, 'connect');
    logger.info({ token: 'drt_secret_3', participant: { token: 'drt_secret_4' } }, 'invite');
    logger.info({ headers: { authorization: 'Bearer drt_secret_5' } }, 'raw headers');
    expect(captured.all).not.toMatch(/drt_secret/);
    expect(captured.lines).toHaveLength(4);
    expect(captured.all).toContain('[redacted]');
  });
});
