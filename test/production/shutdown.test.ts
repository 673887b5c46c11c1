/**
 * Graceful shutdown, from the outside.
 *
 * 1. A server process (`node --import tsx server/src/main.ts`, as in
 *    production) takes a stream of applyUpdate mutations from co-facilitators
 *    over HTTP and over a WebSocket, while observers follow `changes` and
 *    `documentUpdates`; it gets SIGTERM in the middle of the stream. Every
 *    update is then either acknowledged (and present after a restart on the
 *    same database) or refused with an error; none acknowledged is lost. The
 *    sockets are closed with 1012 "server restarting", the process exits by
 *    itself with code 0, and no PARAGRAPH_EDITED event is left owed.
 * 2. In-process, with the declaration's row locked by the test so that the
 *    drain is held open: an update in flight is answered only once committed;
 *    a request, an upgrade and a WebSocket operation arriving meanwhile get
 *    UNAVAILABLE (HTTP 503); /readyz says "draining". And when the bound
 *    (DRAFTROOM_SHUTDOWN_TIMEOUT_MS) runs out with the lock still held, the
 *    shutdown cuts the connections and ends, having acknowledged nothing.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startApp, type App } from '../../server/src/app.js';
import { DEFAULT_LIMITS } from '../../server/src/config.js';
import { CLOSE_RESTARTING, CLOSE_RESTARTING_REASON } from '../../server/src/runtime/closeCodes.js';
import { createLogger } from '../../server/src/logger.js';
import { APPLY_UPDATE, CHANGES, DOCUMENT_UPDATES, Replica, sendUpdate, serverDocument, toBase64 } from '../collab/collabSupport.js';
import { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createDeclaration } from '../support/factories.js';
import { killServerProcesses, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { createTestDatabase, dropTestDatabase } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';

const HTTP_WRITERS = 8;
const PARAGRAPHS = 4;
/** SIGTERM once this many acknowledgements have arrived. */
const ACKS_BEFORE_SIGTERM = 200;
const MAX_PER_WRITER = 400;

/** The server as deployed (its own process), on the test's database. */
function startInstance(databaseUrl: string, bootstrapToken: string): Promise<ServerProcess> {
  return startServerProcess({
    env: { DATABASE_URL: databaseUrl, DRAFTROOM_BOOTSTRAP_TOKEN: bootstrapToken, DRAFTROOM_SHUTDOWN_TIMEOUT_MS: '10000' },
  });
}

/** A graphql-ws client that records how its socket was closed. */
function watchedSocket(wsUrl: string, token: string): { client: Client; closes: { code: number; reason: string }[] } {
  const closes: { code: number; reason: string }[] = [];
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closes.push({ code, reason: String(reason) });
      },
    },
  });
  return { client, closes };
}

type Outcome = { acked: number } | { refused: string } | 'unknown';

interface Sent {
  writer: string;
  update: Uint8Array;
  outcome: Outcome;
}

/** An HTTP failure with no answer: refused at the door (nothing sent) or unknown (the request may have been read). */
function networkOutcome(error: unknown): Outcome {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' ? { refused: 'ECONNREFUSED' } : 'unknown';
}

describe('a server process stopped with SIGTERM while co-facilitators stream updates', () => {
  let databaseUrl: string;
  const bootstrapToken = `shutdown-${randomBytes(16).toString('hex')}`;
  let declarationId: string;
  let paragraphIds: string[];
  let coFacilitatorToken: string;
  let observerToken: string;
  const sent: Sent[] = [];
  let baseSeq = 0;
  let exit: { code: number | null; signal: string | null };
  let shutdownMs = 0;
  let stoppedLine: Record<string, any> | undefined;
  let observerCloses: { code: number; reason: string }[][] = [];
  let writerSocketCloses: { code: number; reason: string }[] = [];
  let owedAfterExit: number;
  let server: { doc: Y.Doc; seq: number };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const first = await startInstance(databaseUrl, bootstrapToken);
    const secretariat = first.client(bootstrapToken);
    declarationId = await createDeclaration(secretariat, 'Progress Declaration (shutdown)');
    const invite = async (name: string, role: string) =>
      (
        await secretariat.ok('mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { token } }', {
          d: declarationId,
          i: { name, role },
        })
      ).inviteParticipant.token as string;
    coFacilitatorToken = await invite('Ambassador Diallo', 'CO_FACILITATOR');
    observerToken = await invite('Press observer', 'OBSERVER');
    const coFacilitator = first.client(coFacilitatorToken);
    const section = await addSection(coFacilitator, declarationId, 'Introduction');
    paragraphIds = [];
    for (let i = 0; i < PARAGRAPHS; i++) {
      paragraphIds.push((await addParagraph(coFacilitator, section.id, { text: `Paragraph ${i + 1}.`, afterParagraphId: paragraphIds.at(-1) })).id);
    }

    // Observers on both streams, and the socket of the WebSocket writer: all should be closed with 1012.
    const wsUrl = first.url.replace(/^http/, 'ws');
    const observers = [watchedSocket(wsUrl, observerToken), watchedSocket(wsUrl, observerToken)];
    const feedEvents: unknown[] = [];
    const docEvents: unknown[] = [];
    observers[0]!.client.subscribe({ query: CHANGES, variables: { d: declarationId, a: 0 } }, { next: (e) => feedEvents.push(e), error: () => {}, complete: () => {} });
    observers[1]!.client.subscribe({ query: DOCUMENT_UPDATES, variables: { d: declarationId, sv: null } }, { next: (e) => docEvents.push(e), error: () => {}, complete: () => {} });
    await waitFor('both observers subscribed', () => feedEvents.length > 0 && docEvents.length > 0);

    const writers = await Promise.all(
      Array.from({ length: HTTP_WRITERS + 1 }, async () => {
        const replica = new Replica(declarationId);
        baseSeq = await replica.sync(coFacilitator);
        return replica;
      }),
    );
    const writerSocket = watchedSocket(wsUrl, coFacilitatorToken);

    let acked = 0;
    let signalledAt = 0;
    const sigterm = () => {
      if (signalledAt) return;
      signalledAt = performance.now();
      first.process.kill('SIGTERM');
    };
    const died = first.exited().then((result) => {
      shutdownMs = performance.now() - signalledAt;
      return result;
    });
    const record = (writer: string, update: Uint8Array): Sent => {
      const entry: Sent = { writer, update, outcome: 'unknown' };
      sent.push(entry);
      return entry;
    };
    const edit = (replica: Replica, index: number, k: number) =>
      replica.edit((doc) => {
        const text = doc.getText(paragraphIds[index % PARAGRAPHS]!);
        text.insert(text.length, ` w${index}u${k}`);
      });

    const httpWriter = async (index: number) => {
      const http = first.client(coFacilitatorToken);
      for (let k = 0; k < MAX_PER_WRITER; k++) {
        const entry = record(`http-${index}`, edit(writers[index]!, index, k));
        try {
          const result = await sendUpdate(http, declarationId, entry.update, `http-${index}`);
          if (!result.ok) {
            entry.outcome = { refused: result.code };
            return;
          }
          entry.outcome = { acked: result.seq };
          if (++acked >= ACKS_BEFORE_SIGTERM) sigterm();
        } catch (error) {
          entry.outcome = networkOutcome(error);
          return;
        }
      }
    };
    const socketWriter = async () => {
      const index = HTTP_WRITERS;
      for (let k = 0; k < MAX_PER_WRITER; k++) {
        const entry = record('websocket', edit(writers[index]!, index, k));
        const outcome = await new Promise<Outcome>((resolve) => {
          let result: any = null;
          writerSocket.client.subscribe(
            { query: APPLY_UPDATE, variables: { d: declarationId, u: toBase64(entry.update), o: 'websocket' } },
            {
              next: (value) => (result = value),
              // An `error` message is an answer (a refusal); a closed socket before any answer is not.
              error: (error) => resolve(Array.isArray(error) ? { refused: String(error[0]?.extensions?.code) } : 'unknown'),
              complete: () => {
                if (result?.data?.applyUpdate) resolve({ acked: result.data.applyUpdate.seq });
                else if (result?.errors) resolve({ refused: String(result.errors[0]?.extensions?.code) });
                else resolve('unknown');
              },
            },
          );
        });
        entry.outcome = outcome;
        if (typeof outcome !== 'object' || !('acked' in outcome)) return;
        if (++acked >= ACKS_BEFORE_SIGTERM) sigterm();
      }
    };
    await Promise.all([...Array.from({ length: HTTP_WRITERS }, (_, i) => httpWriter(i)), socketWriter()]);
    sigterm();
    exit = await died;
    observerCloses = observers.map((o) => o.closes);
    writerSocketCloses = writerSocket.closes;
    stoppedLine = first.logLines().find((line) => line.msg === 'stopped');
    for (const o of [...observers, writerSocket]) await o.client.dispose();

    // The coalescer's owed events, straight from the database before anything starts on it again.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    owedAfterExit = Number((await db.query('select count(*) as n from paragraph where text_doc_seq > feed_doc_seq')).rows[0].n);
    await db.end();

    const restarted = await startInstance(databaseUrl, bootstrapToken);
    server = await serverDocument(restarted.client(coFacilitatorToken), declarationId);
    restarted.process.kill('SIGTERM');
    await restarted.exited();
  }, 240_000);

  afterAll(async () => {
    await killServerProcesses();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const acked = () => sent.flatMap((s) => (typeof s.outcome === 'object' && 'acked' in s.outcome ? [{ ...s, seq: s.outcome.acked }] : []));
  const refused = () => sent.filter((s) => typeof s.outcome === 'object' && 'refused' in s.outcome);
  const unknown = () => sent.filter((s) => s.outcome === 'unknown');

  it('exits by itself with code 0 after SIGTERM, having drained', () => {
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stoppedLine, 'the "stopped" log line').toBeDefined();
    expect(stoppedLine).toMatchObject({ forced: false, abortedUpdates: 0 });
  });

  it('closes every WebSocket with 1012 "server restarting"', () => {
    expect(CLOSE_RESTARTING).toBe(1012);
    for (const closes of [...observerCloses, writerSocketCloses]) {
      expect(closes).toEqual([{ code: CLOSE_RESTARTING, reason: CLOSE_RESTARTING_REASON }]);
    }
    expect(stoppedLine!.socketsClosed).toBe(3);
  });

  it('answered every update: acknowledged, or refused with an error; none acknowledged is lost, none unanswered is committed', () => {
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server.doc));
    let changed = false;
    copy.on('update', () => (changed = true));
    const lost: string[] = [];
    for (const a of acked()) {
      changed = false;
      Y.applyUpdate(copy, a.update);
      if (changed) lost.push(`${a.writer}@${a.seq}`);
    }
    let unknownCommitted = 0;
    for (const u of unknown()) {
      changed = false;
      Y.applyUpdate(copy, u.update);
      if (!changed) unknownCommitted += 1;
    }
    const refusals = refused().map((r) => (r.outcome as { refused: string }).refused);
    console.log(
      `shutdown: operations tried ${sent.length}, acknowledged ${acked().length}, refused ${refusals.length} ` +
        `(${[...new Set(refusals)].map((code) => `${code} ×${refusals.filter((c) => c === code).length}`).join(', ') || 'none'}), ` +
        `no answer ${unknown().length} (committed anyway ${unknownCommitted}), acknowledged-and-lost ${lost.length}; ` +
        `SIGTERM → exit ${Math.round(shutdownMs)} ms (server's own count: ${stoppedLine?.durationMs} ms, requests in flight at SIGTERM ${stoppedLine?.inFlightAtStart})`,
    );
    expect(lost).toEqual([]);
    expect(acked().length).toBeGreaterThanOrEqual(ACKS_BEFORE_SIGTERM);
    // A request left without any answer (its connection closed under it) was never run: the drain answers what it reads.
    expect(unknownCommitted).toBe(0);
    // Refusals are what a draining server or a closed listener says, never a false answer.
    for (const code of refusals) expect(['UNAVAILABLE', 'ECONNREFUSED']).toContain(code);
    // Every writer was stopped by a refusal or a closed connection: nobody ran out of updates first.
    expect(sent.length).toBeLessThan((HTTP_WRITERS + 1) * MAX_PER_WRITER);
    // Nothing else was committed: the log holds the acknowledged updates and those unanswered ones that made it.
    expect(server.seq).toBe(baseSeq + acked().length + unknownCommitted);
  });

  it('acknowledged each update with a seq of its own', () => {
    const seqs = acked().map((a) => a.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('wrote the PARAGRAPH_EDITED events it owed before exiting', () => {
    expect(owedAfterExit).toBe(0);
  });
});

/** Sends the first part of an HTTP request now; `finish()` sends the rest and resolves with the raw answer. */
async function partialRequest(port: number, head: string, rest: string): Promise<{ finish(): Promise<string> }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString()));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  /** Headers and as many body bytes as content-length says (or whatever came before the socket closed). */
  const complete = () => {
    const end = answer.indexOf('\r\n\r\n');
    if (end < 0) return false;
    const length = /content-length: (\d+)/i.exec(answer.slice(0, end));
    return Buffer.byteLength(answer.slice(end + 4)) >= Number(length?.[1] ?? 0);
  };
  return {
    async finish() {
      socket.write(rest);
      await Promise.race([ended, waitFor('a complete answer', complete)]);
      socket.destroy();
      return answer;
    },
  };
}

function graphqlPost(body: string): { head: string; rest: string } {
  return {
    head: 'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n',
    rest: `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  };
}

describe('a server draining while a commit is held up', () => {
  let app: App;
  let databaseUrl: string;
  const bootstrapToken = `drain-${randomBytes(12).toString('hex')}`;
  let coFacilitator: GraphQLTestClient;
  let declarationId: string;
  let paragraphId: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });

  /** Locks still held and the app, released after each test even when it fails. */
  const held = new Set<{ release(): Promise<void> }>();
  afterEach(async () => {
    for (const lock of [...held]) await lock.release();
    await app?.stop();
  });

  afterAll(async () => {
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function start(shutdownTimeoutMs: number) {
    app = await startApp({
      databaseUrl,
      port: 0,
      host: '127.0.0.1',
      limits: DEFAULT_LIMITS,
      log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      bootstrapToken,
      introspection: true,
      exposeErrorDetails: true,
      shutdownTimeoutMs,
    });
    const url = `http://127.0.0.1:${app.port}/graphql`;
    const admin = new GraphQLTestClient(url, url.replace(/^http/, 'ws'), bootstrapToken);
    declarationId ??= await createDeclaration(admin, 'Progress Declaration (drain)');
    if (!coFacilitator) {
      const token = (
        await admin.ok('mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { token } }', {
          d: declarationId,
          i: { name: 'Ambassador Voss', role: 'CO_FACILITATOR' },
        })
      ).inviteParticipant.token;
      coFacilitator = new GraphQLTestClient(url, url.replace(/^http/, 'ws'), token);
      const section = await addSection(coFacilitator, declarationId);
      paragraphId = (await addParagraph(coFacilitator, section.id, { text: 'We commit.' })).id;
    }
    coFacilitator = new GraphQLTestClient(url, url.replace(/^http/, 'ws'), coFacilitator.token);
    return url;
  }

  /** Holds the declaration's row lock (as a long transaction would): the group commit waits for it. */
  async function lockDeclaration(): Promise<{ release(): Promise<void> }> {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('begin');
    await db.query('select id from declaration where id = $1 for update', [declarationId]);
    const lock = {
      async release() {
        if (!held.delete(lock)) return;
        await db.query('commit');
        await db.end();
      },
    };
    held.add(lock);
    return lock;
  }

  async function nextUpdate(text: string): Promise<Uint8Array> {
    const replica = new Replica(declarationId);
    await replica.sync(coFacilitator);
    return replica.edit((doc) => doc.getText(paragraphId).insert(0, text));
  }

  it('answers the update in flight once committed, and refuses what arrives meanwhile with UNAVAILABLE', async () => {
    await start(60_000);
    const update = await nextUpdate('Firmly, ');
    const socket = watchedSocket(coFacilitator.wsUrl, coFacilitator.token!);
    await new Promise<void>((resolve, reject) =>
      socket.client.subscribe({ query: '{ viewer { role } }' }, { next: () => {}, error: reject, complete: resolve }),
    );
    const lock = await lockDeclaration();
    const inFlight = sendUpdate(coFacilitator, declarationId, update, 'in-flight');
    await waitFor('the update waiting in the group commit', () => app.services.serving.inFlight === 1);
    // Requests whose headers are on their way when the drain begins.
    const late = graphqlPost(JSON.stringify({ query: 'mutation($d: ID!, $u: Base64!) { applyUpdate(declarationId: $d, update: $u) { seq } }', variables: { d: declarationId, u: toBase64(update) } }));
    const lateRequest = await partialRequest(app.port, late.head, `Authorization: Bearer ${coFacilitator.token}\r\n${late.rest}`);
    const readyProbe = await partialRequest(app.port, 'GET /readyz HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n\r\n');
    const upgrade = await partialRequest(
      app.port,
      'GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n',
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
    );

    const stopped = app.stop();
    await waitFor('the drain to begin', () => app.services.serving.draining);

    const refusedHttp = await lateRequest.finish();
    expect(refusedHttp).toMatch(/^HTTP\/1\.1 503 /);
    expect(JSON.parse(refusedHttp.slice(refusedHttp.indexOf('\r\n\r\n') + 4))).toMatchObject({ errors: [{ extensions: { code: 'UNAVAILABLE' } }] });
    const ready = await readyProbe.finish();
    expect(ready).toMatch(/^HTTP\/1\.1 503 /);
    expect(ready).toContain('"status":"draining"');
    expect(await upgrade.finish()).toMatch(/^HTTP\/1\.1 503 /);
    // An operation on a socket that is still open.
    const overOpenSocket = await new Promise<any>((resolve) => {
      let result: unknown = null;
      socket.client.subscribe({ query: '{ viewer { role } }' }, { next: (value) => (result = value), error: resolve, complete: () => resolve(result) });
    });
    expect(overOpenSocket.errors?.[0]?.extensions?.code ?? overOpenSocket[0]?.extensions?.code).toBe('UNAVAILABLE');
    // A new connection: nobody listens any more.
    const connect = net.connect(app.port, '127.0.0.1');
    const refusedConnection = await new Promise<string | undefined>((resolve) => {
      connect.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
      connect.once('connect', () => resolve('connected'));
    });
    connect.destroy();
    expect(refusedConnection).toBe('ECONNREFUSED');

    // The update in flight has no answer while its commit waits (all the round trips above took place meanwhile)...
    let answered = false;
    void inFlight.then(() => (answered = true));
    await Promise.resolve();
    expect(answered).toBe(false);
    expect(socket.closes).toEqual([]);
    // ...and is acknowledged once committed; only then are the sockets closed with 1012.
    await lock.release();
    const result = await inFlight;
    expect(result.ok).toBe(true);
    await stopped;
    expect(socket.closes).toEqual([{ code: CLOSE_RESTARTING, reason: CLOSE_RESTARTING_REASON }]);
    expect(app.shutdown).toMatchObject({ forced: false, inFlightAtStart: 1, socketsClosed: 1, abortedUpdates: 0 });
    await socket.client.dispose();

    // The acknowledged update is in the database.
    await start(60_000);
    const { doc, seq } = await serverDocument(coFacilitator, declarationId);
    expect(seq).toBe((result as { seq: number }).seq);
    expect(doc.getText(paragraphId).toString()).toBe('Firmly, We commit.');
    await app.stop();
  });

  it('cuts every connection when the bound runs out, having acknowledged nothing it did not commit', async () => {
    await start(1_000);
    const before = await serverDocument(coFacilitator, declarationId);
    const update = await nextUpdate('Resolutely, ');
    const lock = await lockDeclaration();
    const inFlight = sendUpdate(coFacilitator, declarationId, update, 'held').then(
      (result) => ({ answered: result }),
      (error: Error) => ({ failed: error.message }),
    );
    await waitFor('the update waiting in the group commit', () => app.services.serving.inFlight === 1);
    // The lock is still held when stop() returns: only the bound can have ended it.
    await app.stop();
    expect(app.shutdown).toMatchObject({ forced: true });
    const outcome = await inFlight;
    expect(outcome).toHaveProperty('failed'); // no answer at all: the connection was cut
    await lock.release();

    await start(60_000);
    const after = await serverDocument(coFacilitator, declarationId);
    // Unacknowledged, it may or may not have been committed once the lock went; resending it is harmless.
    const resent = await sendUpdate(coFacilitator, declarationId, update, 'resent');
    expect(resent.ok).toBe(true);
    const final = await serverDocument(coFacilitator, declarationId);
    expect(final.doc.getText(paragraphId).toString()).toBe(`Resolutely, ${before.doc.getText(paragraphId).toString()}`);
    expect(after.seq === before.seq || after.seq === before.seq + 1).toBe(true);
    await app.stop();
  });
});
