/**
 * An acknowledgement means COMMIT returned: it is the guarantee the rest of
 * collaboration stands on, so this test holds a real transaction at the one
 * place where acknowledging early would show, between the last write and the
 * end of COMMIT.
 *
 * The gate: a deferred constraint trigger on `doc_update` (it fires inside
 * COMMIT, after every statement of the batch has run) takes a shared advisory
 * lock that the test holds exclusively from a connection of its own. While the
 * test holds it, every group commit that logged an update waits inside its
 * COMMIT; `pg_locks` joined with `pg_stat_activity` shows each waiting backend
 * and that its statement is the COMMIT.
 *
 *  - Held: neither the co-facilitator who sent an update over graphql-ws nor
 *    the one who sent it over HTTP has an acknowledgement, and the observers
 *    following `documentUpdates` got nothing after their sync event. Released:
 *    both acknowledgements and both events arrive, and the rows are in the log.
 *  - Terminated (`pg_terminate_backend` on the backends waiting in COMMIT):
 *    the updates are refused with UNAVAILABLE, are neither in `documentState`
 *    nor in the log, the observers got nothing; the pool recovers and resending
 *    the same updates is acknowledged.
 *  - A new server on the same database holds every acknowledged update.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createDeclaration, invite } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { APPLY_UPDATE, Collector, DOCUMENT_UPDATES, Replica, sendUpdate, serverDocument, toBase64, type SendResult } from './collabSupport.js';

/** The advisory lock key of the commit gate (advisory locks are per database: the test server's database is its own). */
const GATE_KEY = 170_017;

interface DocEvent {
  seq: number;
  update: string;
  origin: string | null;
  sync: boolean;
}

/** The gate on COMMIT, driven from the test's own connection to the server's database. */
class CommitGate {
  private held = false;

  private constructor(private readonly db: pg.Client) {}

  static async install(databaseUrl: string): Promise<CommitGate> {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(`create function test_commit_gate() returns trigger language plpgsql as $$
      begin perform pg_advisory_xact_lock_shared(${GATE_KEY}); return null; end $$`);
    await db.query(`create constraint trigger test_commit_gate after insert on doc_update
      deferrable initially deferred for each row execute function test_commit_gate()`);
    return new CommitGate(db);
  }

  async hold(): Promise<void> {
    await this.db.query('select pg_advisory_lock($1)', [GATE_KEY]);
    this.held = true;
  }

  /** Opens the gate if held (again in `finally`: a failed assertion must not leave the server's commits waiting). */
  async release(): Promise<void> {
    if (!this.held) return;
    const { rows } = await this.db.query<{ released: boolean }>('select pg_advisory_unlock($1) as released', [GATE_KEY]);
    this.held = false;
    expect(rows[0]!.released, 'the test held the gate').toBe(true);
  }

  /** Backends waiting at the gate, with the statement they are in. */
  async waiting(): Promise<{ pid: number; query: string }[]> {
    const { rows } = await this.db.query<{ pid: number; query: string }>(
      `select a.pid, a.query from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and not l.granted and l.classid = 0 and l.objid = $1 and l.objsubid = 1
          and l.database = (select oid from pg_database where datname = current_database())
        order by a.pid`,
      [GATE_KEY],
    );
    return rows;
  }

  /** Resolves once `count` server transactions wait at the gate, inside their COMMIT; returns their pids. */
  async untilWaiting(count: number): Promise<number[]> {
    const waiting = await waitFor(`${count} group commits waiting inside COMMIT at the gate`, async () => {
      const rows = await this.waiting();
      return rows.length === count ? rows : null;
    });
    for (const row of waiting) expect(row.query.trim(), `backend ${row.pid} waits in its COMMIT`).toMatch(/^commit\b/i);
    return waiting.map((row) => row.pid);
  }

  async terminate(pids: number[]): Promise<void> {
    const { rows } = await this.db.query<{ done: boolean }>('select pg_terminate_backend(pid) as done from unnest($1::int[]) as pid', [pids]);
    expect(rows.map((r) => r.done)).toEqual(pids.map(() => true));
  }

  /** The last seq in the log of a declaration, as any other connection sees it (committed rows only). */
  async lastLoggedSeq(declarationId: string): Promise<number | null> {
    const { rows } = await this.db.query<{ seq: number | null }>('select max(seq) as seq from doc_update where declaration_id = $1', [declarationId]);
    return rows[0]!.seq;
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}

/** A declaration being drafted: a co-facilitator, an observer following `documentUpdates`, one paragraph. */
interface Drafting {
  declarationId: string;
  paragraphId: string;
  coFacilitator: GraphQLTestClient;
  coFacilitatorToken: string;
  observer: Collector<DocEvent>;
  replica: Replica;
  /** The seq after the setup. */
  baseSeq: number;
}

async function drafting(server: TestServer, title: string): Promise<Drafting> {
  const declarationId = await createDeclaration(server.client(), title);
  const coFacilitator = await invite(server, declarationId, 'CO_FACILITATOR', 'Ambassador Diallo');
  const observer = await invite(server, declarationId, 'OBSERVER', 'Press observer');
  const section = await addSection(coFacilitator.client, declarationId);
  const paragraph = await addParagraph(coFacilitator.client, section.id, { text: 'We reaffirm the Global Compact.' });
  const replica = new Replica(declarationId);
  const baseSeq = await replica.sync(coFacilitator.client);
  const collector = new Collector<DocEvent>(observer.client, DOCUMENT_UPDATES, { d: declarationId, sv: null }, 'documentUpdates');
  await collector.until((events) => events.some((e) => e.sync), 'the observer’s sync event');
  return { declarationId, paragraphId: paragraph.id, coFacilitator: coFacilitator.client, coFacilitatorToken: coFacilitator.token, observer: collector, replica, baseSeq };
}

/** A promise whose outcome can be looked at without awaiting it. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, settled: () => settled };
}

/** `applyUpdate` over the co-facilitator's graphql-ws connection. */
async function sendOverSocket(client: GraphQLTestClient, declarationId: string, update: Uint8Array): Promise<SendResult> {
  const result = await client.overSocket<{ applyUpdate: { seq: number } }>(APPLY_UPDATE, { d: declarationId, u: toBase64(update), o: 'over-socket' });
  if (result.data?.applyUpdate) return { ok: true, seq: result.data.applyUpdate.seq };
  const error = result.errors?.[0];
  return { ok: false, code: String(error?.extensions?.code ?? 'NO CODE'), message: error?.message ?? JSON.stringify(result) };
}

/**
 * A round trip on every channel an acknowledgement or an event could still be
 * travelling on: whatever the server sent on a socket before answering this
 * has been received (graphql-ws messages of one socket arrive in order).
 */
async function roundTrips(...clients: GraphQLTestClient[]): Promise<void> {
  for (const client of clients) {
    await client.ok('{ viewer { id } }');
    const overSocket = await client.overSocket('{ viewer { id } }');
    expect(overSocket.errors).toBeUndefined();
  }
}

/** Whether `doc` already holds `update` (applying it changes nothing). */
function holds(doc: Y.Doc, update: Uint8Array): boolean {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  let changed = false;
  copy.on('update', () => (changed = true));
  Y.applyUpdate(copy, update);
  return !changed;
}

describe('an acknowledgement comes only once COMMIT has returned', () => {
  let server: TestServer;
  let gate: CommitGate;
  const acknowledged: { declaration: Drafting; update: Uint8Array; seq: number }[] = [];
  const declarations: Drafting[] = [];

  beforeAll(async () => {
    server = await startServer();
    gate = await CommitGate.install(server.databaseUrl);
  }, 60_000);

  afterAll(async () => {
    for (const d of declarations) d.observer.close();
    await gate?.close();
    await server?.stop({ dropDatabase: true });
  });

  /** Two declarations: `a` is updated over graphql-ws, `b` over HTTP (two batches, two transactions at the gate). */
  async function pair(purpose: string): Promise<[Drafting, Drafting]> {
    const a = await drafting(server, `Progress Declaration (${purpose}, over graphql-ws)`);
    const b = await drafting(server, `Progress Declaration (${purpose}, over HTTP)`);
    declarations.push(a, b);
    return [a, b];
  }

  const liveSeqs = (d: Drafting) => d.observer.items.filter((e) => !e.sync).map((e) => e.seq);

  it('holds back both acknowledgements and both events while the transactions wait inside COMMIT', async () => {
    const [a, b] = await pair('held');
    const updateA = a.replica.edit((doc) => doc.getText(a.paragraphId).insert(0, 'Over the socket: '));
    const updateB = b.replica.edit((doc) => doc.getText(b.paragraphId).insert(0, 'Over HTTP: '));
    await gate.hold();
    try {
      const ackA = tracked(sendOverSocket(a.coFacilitator, a.declarationId, updateA));
      const ackB = tracked(sendUpdate(b.coFacilitator, b.declarationId, updateB));
      await gate.untilWaiting(2);
      await roundTrips(a.coFacilitator, b.coFacilitator);

      expect(ackA.settled(), 'no acknowledgement over graphql-ws while COMMIT is held').toBe(false);
      expect(ackB.settled(), 'no acknowledgement over HTTP while COMMIT is held').toBe(false);
      expect([a, b].map(liveSeqs), 'no documentUpdates event while COMMIT is held').toEqual([[], []]);
      expect(await gate.lastLoggedSeq(a.declarationId), 'the log, seen from outside the transaction').toBe(a.baseSeq);
      expect(await gate.lastLoggedSeq(b.declarationId), 'the log, seen from outside the transaction').toBe(b.baseSeq);

      await gate.release();
      expect(await ackA.promise).toEqual({ ok: true, seq: a.baseSeq + 1 });
      expect(await ackB.promise).toEqual({ ok: true, seq: b.baseSeq + 1 });
    } finally {
      await gate.release();
    }
    for (const d of [a, b]) {
      await d.observer.until((events) => events.some((e) => !e.sync), 'the committed update’s event');
      expect(liveSeqs(d)).toEqual([d.baseSeq + 1]);
      expect(await gate.lastLoggedSeq(d.declarationId)).toBe(d.baseSeq + 1);
    }
    acknowledged.push({ declaration: a, update: updateA, seq: a.baseSeq + 1 }, { declaration: b, update: updateB, seq: b.baseSeq + 1 });
  });

  it('refuses the updates with UNAVAILABLE when their backends are terminated inside COMMIT, and commits nothing of them', async () => {
    const [a, b] = await pair('terminated');
    const updateA = a.replica.edit((doc) => doc.getText(a.paragraphId).insert(0, 'Lost in COMMIT (socket): '));
    const updateB = b.replica.edit((doc) => doc.getText(b.paragraphId).insert(0, 'Lost in COMMIT (HTTP): '));
    await gate.hold();
    try {
      const sentA = tracked(sendOverSocket(a.coFacilitator, a.declarationId, updateA));
      const sentB = tracked(sendUpdate(b.coFacilitator, b.declarationId, updateB));
      const pids = await gate.untilWaiting(2);
      await roundTrips(a.coFacilitator, b.coFacilitator);
      expect([sentA.settled(), sentB.settled()], 'no answer while COMMIT is held').toEqual([false, false]);
      await gate.terminate(pids);
      expect(await sentA.promise).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
      expect(await sentB.promise).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    } finally {
      await gate.release();
    }

    for (const [d, update] of [[a, updateA], [b, updateB]] as const) {
      expect(await gate.lastLoggedSeq(d.declarationId), 'the log is as before').toBe(d.baseSeq);
      // The first request after the kill may be handed a pooled connection whose backend is gone before the pool has
      // noticed: it is refused with UNAVAILABLE ("not run; retry shortly"), and a client retries, as this read does.
      const state = await waitFor('documentState once the pool has dropped the killed connections', async () => {
        try {
          return await serverDocument(d.coFacilitator, d.declarationId);
        } catch (error) {
          if (String(error).includes('"code":"UNAVAILABLE"')) return null;
          throw error;
        }
      });
      expect(state.seq).toBe(d.baseSeq);
      expect(holds(state.doc, update), 'documentState does not hold the terminated update').toBe(false);
    }

    // The pool replaced the terminated connections: resending the same updates (as a client does after UNAVAILABLE) is acknowledged.
    expect(await sendOverSocket(a.coFacilitator, a.declarationId, updateA)).toEqual({ ok: true, seq: a.baseSeq + 1 });
    expect(await sendUpdate(b.coFacilitator, b.declarationId, updateB)).toEqual({ ok: true, seq: b.baseSeq + 1 });
    const busy = await Promise.all(Array.from({ length: 30 }, () => b.coFacilitator.query('{ viewer { id } }')));
    expect(busy.map((r) => r.errors ?? null), 'thirty requests at once, on a pool with two connections gone').toEqual(busy.map(() => null));
    for (const d of [a, b]) {
      // The resent update's event is the first the observer gets: nothing came of the terminated commit.
      await d.observer.until((events) => events.some((e) => !e.sync), 'the resent update’s event');
      expect(liveSeqs(d), 'the observer got the resent update only').toEqual([d.baseSeq + 1]);
    }
    acknowledged.push({ declaration: a, update: updateA, seq: a.baseSeq + 1 }, { declaration: b, update: updateB, seq: b.baseSeq + 1 });
  });

  it('still holds every acknowledged update after a restart on the same database', async () => {
    expect(acknowledged.length, 'the two tests above acknowledged their updates').toBe(4);
    for (const d of declarations) d.observer.close();
    const { databaseUrl, bootstrapToken } = server;
    await server.stop();
    server = await startServer({ databaseUrl, bootstrapToken });
    for (const { declaration, update, seq } of acknowledged) {
      const state = await serverDocument(server.client(declaration.coFacilitatorToken), declaration.declarationId);
      expect(state.seq).toBe(seq);
      expect(holds(state.doc, update), `acknowledged seq ${seq} of ${declaration.declarationId}`).toBe(true);
      expect(await gate.lastLoggedSeq(declaration.declarationId)).toBe(seq);
    }
  });
});
