/**
 * A database outage while the room is editing, from the outside.
 *
 * A private PostgreSQL (embedded, on a fixed port so that it comes back on
 * the same address; the shared test cluster is left alone) serves two
 * instances: a co-facilitator types into instance B, observers follow
 * `changes` and `documentUpdates` on instance A, so what they see of B's
 * edits travels through PostgreSQL's LISTEN/NOTIFY and the rows. Then
 * PostgreSQL stops:
 *  - applyUpdate answers UNAVAILABLE (never INTERNAL_SERVER_ERROR, never an
 *    acknowledgement), other operations too; /readyz answers 503
 *    {status:'unavailable'}, /healthz stays 200; nothing crashes (an
 *    unhandled rejection or error event would fail this file);
 * and PostgreSQL starts again:
 *  - /readyz is 200 again by itself; the typist's queue (kept and resent, as
 *    an editor does on UNAVAILABLE) is all acknowledged; the observers got
 *    every seq exactly once, in order; a fresh server on the database serves
 *    the typist's text; no acknowledged update is lost.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/src/db/embeddedPostgres.js';
import { CLOSE_TRY_AGAIN_LATER } from '../../server/src/runtime/closeCodes.js';
import { APPLY_UPDATE, CHANGES, Collector, DOCUMENT_STATE, DOCUMENT_UPDATES, fromBase64, PARAGRAPH_TEXTS, toBase64 } from '../collab/collabSupport.js';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';

/** Origin of updates that came from the server: not sent back. */
const FROM_SERVER = Symbol('from-server');

/**
 * A co-facilitator's editor that does what a client should on UNAVAILABLE:
 * keep the update, wait, resend (merged with what was typed meanwhile). One
 * request in flight at a time. Anything but an acknowledgement or
 * UNAVAILABLE (or a connection error) is a failure of the test.
 */
class PatientTypist {
  readonly doc = new Y.Doc();
  readonly counts = { tried: 0, acknowledged: 0, refused: 0 };
  /** Every update acknowledged, with its seq (to check none is lost). */
  readonly acknowledged: { update: Uint8Array; seq: number }[] = [];
  readonly refusals: string[] = [];
  private queue: Uint8Array[] = [];
  private sending: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly client: GraphQLTestClient,
    private readonly declarationId: string,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_SERVER) return;
      this.queue.push(update);
      this.sending ??= this.send().finally(() => (this.sending = null));
    });
  }

  async sync(): Promise<void> {
    const data = await this.client.ok(DOCUMENT_STATE, { d: this.declarationId, sv: toBase64(Y.encodeStateVector(this.doc)) });
    Y.applyUpdate(this.doc, fromBase64(data.documentState.update), FROM_SERVER);
  }

  type(paragraphId: string, text: string): void {
    const target = this.doc.getText(paragraphId);
    target.insert(target.length, text);
  }

  text(paragraphId: string): string {
    return this.doc.getText(paragraphId).toString();
  }

  /** Resolves once everything typed is acknowledged. */
  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
    if (this.failure) throw this.failure;
  }

  private async send(): Promise<void> {
    let backoff = 50;
    while (this.queue.length > 0 && !this.failure) {
      const update = this.queue.length === 1 ? this.queue[0]! : Y.mergeUpdates(this.queue);
      const taken = this.queue.length;
      this.counts.tried += 1;
      let code: string;
      try {
        const result = await this.client.query(APPLY_UPDATE, { d: this.declarationId, u: toBase64(update), o: 'patient-typist' });
        if (result.data?.applyUpdate) {
          this.counts.acknowledged += 1;
          this.acknowledged.push({ update, seq: result.data.applyUpdate.seq });
          this.queue.splice(0, taken);
          backoff = 50;
          continue;
        }
        code = String(result.errors?.[0]?.extensions?.code);
        if (code !== 'UNAVAILABLE') {
          this.failure = new Error(`applyUpdate answered ${code}, expected an acknowledgement or UNAVAILABLE: ${JSON.stringify(result.errors)}`);
          return;
        }
        this.refusals.push(result.errors![0]!.message);
      } catch (error) {
        code = `network: ${(error as Error).message}`;
        this.refusals.push(code);
      }
      this.counts.refused += 1;
      // Keep the update (merged with what comes next) and try again.
      this.queue = [Y.mergeUpdates(this.queue)];
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(1_000, backoff * 2);
    }
  }
}

/**
 * A free port on 127.0.0.1 for the private PostgreSQL: fixed, so that it
 * comes back on the same address, and below the kernel's ephemeral range
 * (from 32768 on Linux): a client retrying `connect` to a closed port in that
 * range can be given that very port as its own and connect to itself.
 */
async function freePort(): Promise<number> {
  const range = await fs.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const ephemeralFrom = Number(range.trim().split(/\s+/)[0]) || 32768;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * Math.max(1, Math.min(10_000, ephemeralFrom - 20_000)));
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port below the ephemeral range');
}

async function readyz(server: TestServer): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url.replace(/\/graphql$/, '/readyz'));
  return { status: response.status, body: await response.json() };
}

async function healthz(server: TestServer): Promise<number> {
  return (await fetch(server.url.replace(/\/graphql$/, '/healthz'))).status;
}

interface DocEvent {
  seq: number;
  sync: boolean;
  origin: string | null;
}
interface FeedEvent {
  seq: number;
  kind: string;
  paragraphId: string | null;
  text: string | null;
}

describe('PostgreSQL stops while the room edits, then comes back', () => {
  const dataDir = path.resolve('.test-data', `outage-${process.pid}-${randomBytes(4).toString('hex')}`);
  let port: number;
  let pg: EmbeddedDatabase;
  let databaseUrl: string;
  let a: TestServer;
  let b: TestServer;
  let cast: Cast;
  let paragraphId: string;
  let typist: PatientTypist;
  let feed: Collector<FeedEvent>;
  let updates: Collector<DocEvent>;
  let typing: NodeJS.Timeout | null = null;
  let words = 0;
  const during = {
    readyz: null as { status: number; body: any } | null,
    healthzA: 0,
    healthzB: 0,
    queryCode: '',
    socketClose: 0,
    refusedAtStop: 0,
  };

  const startTyping = () => {
    typing = setInterval(() => typist.type(paragraphId, ` w${++words}`), 15);
  };
  const stopTyping = () => {
    if (typing) clearInterval(typing);
    typing = null;
  };

  beforeAll(async () => {
    port = await freePort();
    pg = await startEmbeddedPostgres({ dataDir, port });
    await ensureDatabase(pg.url('postgres'), 'draftroom');
    databaseUrl = pg.url('draftroom');
    a = await startServer({ databaseUrl });
    b = await startServer({ databaseUrl, bootstrapToken: a.bootstrapToken, editQuietMs: 200, editMaxMs: 1_000 });
    cast = await createCast(a, 'Progress Declaration (outage)');
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We note' })).id;

    feed = new Collector<FeedEvent>(a.client(cast.observer.token), CHANGES, { d: cast.declarationId, a: 0 }, 'changes');
    updates = new Collector<DocEvent>(a.client(cast.delegation.token), DOCUMENT_UPDATES, { d: cast.declarationId, sv: null }, 'documentUpdates');
    await updates.until((items) => items.length > 0, 'the sync event');
    await feed.until((items) => items.length > 0, 'the replay of the change feed');

    typist = new PatientTypist(b.client(cast.coFacilitator.token), cast.declarationId);
    await typist.sync();
    startTyping();
    await waitFor('30 acknowledgements before the outage', () => typist.counts.acknowledged >= 30, { timeoutMs: 60_000 });

    // The outage.
    await pg.stop();
    during.refusedAtStop = typist.counts.refused;
    await waitFor('5 refusals during the outage', () => typist.counts.refused >= during.refusedAtStop + 5, { timeoutMs: 60_000 });
    during.readyz = await waitFor('/readyz to notice', async () => {
      const answer = await readyz(b);
      return answer.status === 503 ? answer : null;
    });
    during.healthzA = await healthz(a);
    during.healthzB = await healthz(b);
    during.queryCode = await cast.observer.errorCode(PARAGRAPH_TEXTS, { d: cast.declarationId });
    // A new WebSocket cannot be admitted (its token cannot be checked): 1013 Try Again Later.
    during.socketClose = await new Promise<number>((resolve) => {
      const socket = new WebSocket(a.wsUrl, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${cast.observer.token}` } })));
      socket.on('close', (code) => resolve(code));
      socket.on('error', () => undefined);
    });

    // PostgreSQL comes back, on the same port.
    pg = await startEmbeddedPostgres({ dataDir, port });
    await waitFor('/readyz 200 on both instances, by itself', async () => (await readyz(a)).status === 200 && (await readyz(b)).status === 200, {
      timeoutMs: 60_000,
    });
    await waitFor('10 more acknowledgements after the outage', () => typist.counts.acknowledged >= 40, { timeoutMs: 60_000 });
    stopTyping();
    await typist.flushed();
  }, 240_000);

  afterAll(async () => {
    stopTyping();
    feed?.close();
    updates?.close();
    await a?.stop();
    await b?.stop();
    await pg?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('refused updates with UNAVAILABLE while PostgreSQL was down, and other operations too', () => {
    expect(typist.counts.refused).toBeGreaterThanOrEqual(5);
    // Only UNAVAILABLE answers or connection errors were refusals: an INTERNAL_SERVER_ERROR or anything else fails the typist.
    expect(typist.refusals.filter((r) => r.startsWith('network:'))).toEqual([]);
    expect(typist.refusals.length).toBe(typist.counts.refused);
    expect(during.queryCode).toBe('UNAVAILABLE');
    expect(during.socketClose).toBe(CLOSE_TRY_AGAIN_LATER);
  });

  it('answered /readyz 503 unavailable and /healthz 200 while down, /readyz 200 once back', async () => {
    expect(during.readyz).toMatchObject({ status: 503, body: { ready: false, status: 'unavailable', database: { reachable: false } } });
    expect(during.healthzA).toBe(200);
    expect(during.healthzB).toBe(200);
    expect(await readyz(a)).toMatchObject({ status: 200, body: { status: 'ready', database: { reachable: true } } });
  });

  it('acknowledged everything the typist typed, and the observers got every update exactly once, in order', async () => {
    const last = typist.acknowledged.at(-1)!.seq;
    await updates.until((items) => items.at(-1)!.seq >= last, `documentUpdates up to seq ${last}`, 60_000);
    const [sync, ...live] = updates.items;
    expect(sync!.sync).toBe(true);
    expect(live.map((e) => e.seq)).toEqual(Array.from({ length: live.length }, (_, i) => sync!.seq + 1 + i));
    expect(live.at(-1)!.seq).toBe(last);
    expect(live.every((e) => !e.sync)).toBe(true);
  });

  it('delivered the change feed gapless, exactly once, up to the last edit', async () => {
    const finalText = typist.text(paragraphId);
    await feed.until(
      (items) => items.some((e) => e.kind === 'PARAGRAPH_EDITED' && e.paragraphId === paragraphId && e.text === finalText),
      'the PARAGRAPH_EDITED event carrying the final text',
      60_000,
    );
    const seqs = feed.items.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const { changeLog } = await cast.observer.ok('query($d: ID!) { changeLog(declarationId: $d, first: 1000) { seq } }', { d: cast.declarationId });
    expect(changeLog.at(-1).seq).toBe(seqs.at(-1));
  });

  it('serves the typist text from a fresh server on the database, with no acknowledged update lost', async () => {
    const fresh = await startServer({ databaseUrl, bootstrapToken: a.bootstrapToken });
    try {
      const reader = fresh.client(cast.observer.token);
      const data = await reader.ok(PARAGRAPH_TEXTS, { d: cast.declarationId });
      expect(data.declaration.paragraphs.find((p: { id: string }) => p.id === paragraphId).text).toBe(typist.text(paragraphId));
      const state = await reader.ok(DOCUMENT_STATE, { d: cast.declarationId, sv: null });
      const doc = new Y.Doc();
      Y.applyUpdate(doc, fromBase64(state.documentState.update));
      expect(doc.getText(paragraphId).toString()).toBe(typist.text(paragraphId));
      let changed = false;
      doc.on('update', () => (changed = true));
      let lost = 0;
      for (const { update } of typist.acknowledged) {
        changed = false;
        Y.applyUpdate(doc, update);
        if (changed) lost += 1;
      }
      console.log(
        `outage: operations tried ${typist.counts.tried}, acknowledged ${typist.counts.acknowledged}, refused ${typist.counts.refused} ` +
          `(UNAVAILABLE; then resent), lost ${lost}; words typed ${words}; documentUpdates events ${updates.items.length}, change events ${feed.items.length}`,
      );
      expect(lost).toBe(0);
      expect(typist.counts.tried).toBe(typist.counts.acknowledged + typist.counts.refused);
    } finally {
      await fresh.stop();
    }
  });
});
