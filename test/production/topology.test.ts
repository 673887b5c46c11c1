/**
 * The production topology of docker-compose.yml, without Docker: one PostgreSQL
 * (the test cluster), two draftroom instances on one database, and a proxy in
 * front of both (TcpProxy, round robin, standing in for nginx). Every client
 * knows only the proxy's port.
 *
 * twoInstances.test.ts proves what two instances do for clients that address
 * each one directly (gapless seqs, order, read-your-writes); this file proves
 * the same service through one address, and that when an instance stops, the
 * clients that reconnect through that address are served by the other with
 * nothing acknowledged lost.
 *
 * Which instance a client is on: a `PinnedClient` sends every operation over
 * one WebSocket, opened at `connect()`; `landing()` reads from the proxy's
 * `servedBy` which upstream took that one connection.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CHANGES, Collector } from '../collab/collabSupport.js';
import { GraphQLTestClient, type Result } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { createTestDatabase, dropTestDatabase, startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { Replica, serverDoc } from '../support/yjsClient.js';

const HEALTHCHECK = path.resolve(import.meta.dirname, '../../deploy/healthcheck.mjs');

interface FeedEvent {
  seq: number;
  kind: string;
  paragraphId: string | null;
  text: string | null;
}

/** A client whose every operation goes over its one WebSocket, opened eagerly: it talks to one instance. */
class PinnedClient extends GraphQLTestClient {
  private pinned: Client | null = null;

  /** Opens the WebSocket; resolves once the server has acknowledged connection_init. */
  async connect(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.pinned = createClient({
        url: this.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${this.token}` },
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: reject,
      });
      this.pinned.on('connected', () => resolve());
    });
  }

  override socket(): Client {
    if (!this.pinned) throw new Error('PinnedClient: connect() first');
    return this.pinned;
  }

  override async query<T = any>(query: string, variables?: Record<string, unknown>): Promise<Result<T>> {
    return { ...(await this.overSocket<T>(query, variables)), status: 200 };
  }

  override async close(): Promise<void> {
    await this.pinned?.dispose();
    this.pinned = null;
  }
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('one PostgreSQL, two instances, one proxy port in front', () => {
  let a: TestServer;
  let b: TestServer;
  let proxy: TcpProxy;
  let cast: Cast;
  let d: string;
  let sectionId: string;
  const stopped = new Set<TestServer>();
  const clients: GraphQLTestClient[] = [];
  const collectors: Collector<unknown>[] = [];

  const wsUrl = () => `ws://127.0.0.1:${proxy.port}/graphql`;
  /** A client of the proxy's port: HTTP, and a lazy WebSocket. */
  const proxied = (token: string) => remember(new GraphQLTestClient(proxy.url('/graphql'), wsUrl(), token));
  const pinned = (token: string) => remember(new PinnedClient(proxy.url('/graphql'), wsUrl(), token));
  function remember<T extends GraphQLTestClient>(client: T): T {
    clients.push(client);
    return client;
  }
  const tokenOf = (client: GraphQLTestClient) => client.token!;
  const instanceOn = (port: number) => (port === a.app.port ? 'A' : port === b.app.port ? 'B' : `port ${port}`);

  /** Connects `client` and tells which upstream port took its one connection. */
  async function landing(client: PinnedClient): Promise<number> {
    const before = new Map(proxy.servedBy);
    await client.connect();
    const grown = [...proxy.servedBy].filter(([port, count]) => count > (before.get(port) ?? 0));
    const added = grown.reduce((sum, [port, count]) => sum + count - (before.get(port) ?? 0), 0);
    if (added !== 1) throw new Error(`expected the proxy to relay exactly one new connection, it relayed ${added}`);
    return grown[0]![0];
  }

  function follow(client: GraphQLTestClient, after: number): Collector<FeedEvent> {
    const collector = new Collector<FeedEvent>(client, CHANGES, { d, a: after }, 'changes');
    collectors.push(collector as Collector<unknown>);
    return collector;
  }

  async function probe(port: number, route: string): Promise<number> {
    try {
      await promisify(execFile)(process.execPath, [HEALTHCHECK, route], { env: { ...process.env, PORT: String(port) } });
      return 0;
    } catch (error) {
      return (error as { code?: number }).code ?? -1;
    }
  }

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    // Short coalescing, so that the PARAGRAPH_EDITED events of the edits below come soon.
    const options = { databaseUrl, editQuietMs: 200, editMaxMs: 1_000 };
    a = await startServer(options);
    b = await startServer({ ...options, bootstrapToken: a.bootstrapToken });
    proxy = await TcpProxy.start([a.app.port, b.app.port]);
    // The factories create their clients through `client()`: here, clients of the proxy.
    const front: TestServer = { ...a, client: (token = a.bootstrapToken) => proxied(token ?? a.bootstrapToken) };
    cast = await createCast(front, 'Progress Declaration (behind one proxy)');
    d = cast.declarationId;
    sectionId = (await addSection(cast.coFacilitator, d, 'Introduction')).id;
  });

  afterAll(async () => {
    for (const collector of collectors) collector.close();
    await Promise.all(clients.map((client) => client.close()));
    await proxy?.close();
    for (const server of [a, b]) if (server && !stopped.has(server)) await server.stop();
    if (a) await dropTestDatabase(a.databaseUrl);
  });

  it('serves the clients of its one port from both instances, over HTTP and WebSocket', async () => {
    const landed: number[] = [];
    for (let k = 0; k < 4; k++) {
      const observer = pinned(tokenOf(cast.observer));
      landed.push(await landing(observer));
      expect((await observer.ok('{ viewer { name role } }')).viewer).toEqual({ name: 'Press observer', role: 'OBSERVER' });
    }
    expect(landed.map(instanceOn).join(' ')).toMatch(/^(A B A B|B A B A)$/);
    expect((await cast.delegation.ok('{ viewer { role delegation } }')).viewer).toEqual({ role: 'DELEGATION', delegation: 'Mexico' });
    expect(proxy.servedBy.get(a.app.port)).toBeGreaterThan(0);
    expect(proxy.servedBy.get(b.app.port)).toBeGreaterThan(0);
  });

  it('streams a changes subscription through the proxy while mutations arrive over HTTP through it', async () => {
    const before = (await changeLog(cast.observer, d)).at(-1)!.seq;
    const feed = follow(proxied(tokenOf(cast.observer)), before);
    const section = await addSection(cast.coFacilitator, d, 'Commitments');
    const paragraph = await addParagraph(cast.coFacilitator, section.id, { text: 'We commit to save lives.' });

    const received = await feed.until((items) => items.length >= 2, 'the two events');
    expect(received.map((e) => [e.seq, e.kind, e.paragraphId])).toEqual([
      [before + 1, 'SECTION_ADDED', null],
      [before + 2, 'PARAGRAPH_ADDED', paragraph.id],
    ]);
  });

  it('lets two co-facilitators on different instances co-edit one paragraph until both replicas converge', async () => {
    const p = (await addParagraph(cast.coFacilitator, sectionId, { text: 'We recognize' })).id;
    const diallo = pinned(tokenOf(cast.coFacilitator));
    const voss = pinned(tokenOf(cast.coFacilitator2));
    const [dialloOn, vossOn] = [await landing(diallo), await landing(voss)];
    expect(instanceOn(dialloOn)).not.toBe(instanceOn(vossOn));

    const replicas = [new Replica(diallo, d, 'diallo'), new Replica(voss, d, 'voss')] as const;
    for (const replica of replicas) await replica.connect();
    for (let k = 0; k < 25; k++) {
      replicas[0].doc.getText(p).insert(replicas[0].text(p).length, ` d${k}`);
      replicas[1].doc.getText(p).insert(0, `v${k} `);
      if (k % 5 === 4) await Promise.all(replicas.map((r) => r.flushed()));
    }
    const last = Math.max(...(await Promise.all(replicas.map((r) => r.flushed()))));
    await Promise.all(replicas.map((r) => r.caughtUp(last)));

    const text = (await serverDoc(cast.observer, d)).doc.getText(p).toString();
    expect(replicas[0].text(p)).toBe(text);
    expect(replicas[1].text(p)).toBe(text);
    for (let k = 0; k < 25; k++) {
      expect(text).toContain(` d${k}`);
      expect(text).toContain(`v${k} `);
    }
    for (const replica of replicas) replica.close();
  });

  it("delivers to an observer's changes subscription on one instance what a co-facilitator does through the other", async () => {
    const watcher = pinned(tokenOf(cast.observer));
    const actor = pinned(tokenOf(cast.coFacilitator));
    const [watchedOn, actedOn] = [await landing(watcher), await landing(actor)];
    expect(instanceOn(watchedOn)).not.toBe(instanceOn(actedOn));

    const before = (await changeLog(cast.observer, d)).at(-1)!.seq;
    const feed = follow(watcher, before);
    const section = await addSection(actor, d, 'Way forward');
    const paragraph = await addParagraph(actor, section.id, { text: 'We decide to meet again in 2030.' });
    await actor.ok('mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id } }', { p: paragraph.id, o: [23] });

    const log = (await changeLog(cast.observer, d)).filter((e) => e.seq > before);
    const last = log.at(-1)!.seq;
    // An edit event owed by the test before may land after `last`: compare up to it.
    const received = (await feed.until((items) => (items.at(-1)?.seq ?? 0) >= last, `the watcher to reach seq ${last}`)).filter((e) => e.seq <= last);
    expect(received.map((e) => e.seq)).toEqual(range(before + 1, log.at(-1)!.seq));
    expect(received.map((e) => [e.seq, e.kind, e.paragraphId])).toEqual(log.map((e) => [e.seq, e.kind, e.paragraphId]));
    // Coalesced edits of the test before may come in between; the actor's come in its order.
    expect(received.map((e) => e.kind).filter((kind) => kind !== 'PARAGRAPH_EDITED')).toEqual(['SECTION_ADDED', 'PARAGRAPH_ADDED', 'PARAGRAPH_OBJECTIVES_CHANGED']);
  });

  it('serves every client that reconnects from the surviving instance once the other stops, and loses nothing acknowledged', async () => {
    const shared = (await addParagraph(cast.coFacilitator, sectionId, { text: 'Shared:' })).id;
    const onlyThere = (await addParagraph(cast.coFacilitator, sectionId, { text: 'Typed on the instance that stops:' })).id;
    const start = (await changeLog(cast.observer, d)).at(-1)!.seq;

    // Round robin: the watcher and Voss on one instance (the one to stop), Diallo on the other.
    const watcher = pinned(tokenOf(cast.observer));
    const diallo = pinned(tokenOf(cast.coFacilitator));
    const voss = pinned(tokenOf(cast.coFacilitator2));
    const [watcherOn, dialloOn, vossOn] = [await landing(watcher), await landing(diallo), await landing(voss)];
    expect([instanceOn(vossOn), instanceOn(dialloOn)]).toEqual([instanceOn(watcherOn), instanceOn(watcherOn) === 'A' ? 'B' : 'A']);
    const [stopping, surviving] = watcherOn === a.app.port ? [a, b] : [b, a];

    const feed = follow(watcher, start);
    const dialloReplica = new Replica(diallo, d, 'diallo-2');
    const vossReplica = new Replica(voss, d, 'voss-2');
    await dialloReplica.connect();
    await vossReplica.connect();
    const type = (round: string) => {
      for (let k = 0; k < 10; k++) {
        dialloReplica.doc.getText(shared).insert(dialloReplica.text(shared).length, ` d${round}${k}`);
        vossReplica.doc.getText(shared).insert(0, `v${round}${k} `);
      }
    };
    type('before');
    vossReplica.doc.getText(onlyThere).insert(vossReplica.text(onlyThere).length, ' the last words before the stop.');
    const acknowledged = Math.max(await dialloReplica.flushed(), await vossReplica.flushed());
    await feed.until((items) => items.length > 0, 'a first event');

    await stopping.stop();
    stopped.add(stopping);
    expect(await probe(stopping.app.port, '/healthz'), 'the health probe of the stopped instance').toBe(1);
    expect(await probe(surviving.app.port, '/readyz'), 'the readiness probe of the survivor').toBe(0);

    // Voss and the watcher reconnect through the same port: the proxy skips the stopped instance.
    const vossAgain = pinned(tokenOf(cast.coFacilitator2));
    const watcherAgain = pinned(tokenOf(cast.observer));
    expect([instanceOn(await landing(vossAgain)), instanceOn(await landing(watcherAgain))]).toEqual([instanceOn(surviving.app.port), instanceOn(surviving.app.port)]);
    const sync = await vossReplica.connect(vossAgain);
    expect(sync.seq).toBeGreaterThanOrEqual(acknowledged);
    type('after');
    const last = Math.max(await dialloReplica.flushed(), await vossReplica.flushed());
    await Promise.all([dialloReplica.caughtUp(last), vossReplica.caughtUp(last)]);

    const state = await serverDoc(watcherAgain, d);
    expect(dialloReplica.text(shared)).toBe(state.doc.getText(shared).toString());
    expect(vossReplica.text(shared)).toBe(state.doc.getText(shared).toString());
    for (const round of ['before', 'after']) {
      for (let k = 0; k < 10; k++) {
        expect(state.doc.getText(shared).toString()).toContain(` d${round}${k}`);
        expect(state.doc.getText(shared).toString()).toContain(`v${round}${k} `);
      }
    }
    expect(state.doc.getText(onlyThere).toString()).toBe('Typed on the instance that stops: the last words before the stop.');

    // The change feed: every event once, in order, across the reconnection; the edit typed only on
    // the stopped instance has its PARAGRAPH_EDITED (written at its stop, or by the survivor).
    const events = await waitFor('the PARAGRAPH_EDITED events of both paragraphs, with their current texts', async () => {
      const log = await changeLog(watcherAgain, d);
      const lastEdit = (id: string) => log.filter((e) => e.kind === 'PARAGRAPH_EDITED' && e.paragraphId === id).at(-1)?.text;
      return lastEdit(shared) === state.doc.getText(shared).toString() && lastEdit(onlyThere) === state.doc.getText(onlyThere).toString() ? log : null;
    });
    const lastSeen = feed.items.at(-1)!.seq;
    const resumed = follow(watcherAgain, lastSeen);
    const end = events.at(-1)!.seq;
    await resumed.until((items) => items.at(-1)?.seq === end, `the resumed feed to reach seq ${end}`);
    const seen = [...feed.items.filter((e) => e.seq <= lastSeen), ...resumed.items];
    expect(seen.map((e) => e.seq)).toEqual(range(start + 1, end));
    expect(seen.map((e) => [e.kind, e.paragraphId, e.text])).toEqual(events.filter((e) => e.seq > start).map((e) => [e.kind, e.paragraphId, e.text]));

    // And plain HTTP through the proxy goes on working.
    expect((await cast.delegation.ok('{ viewer { role } }')).viewer.role).toBe('DELEGATION');
    for (const replica of [dialloReplica, vossReplica]) replica.close();
  });
});
