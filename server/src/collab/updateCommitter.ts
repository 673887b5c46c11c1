/**
 * Group commit of Yjs updates: durable acknowledgements at a high rate.
 *
 * Protocol for one declaration (updates of different declarations never wait
 * for each other):
 *  1. `submit` queues the update and returns a promise of its seq.
 *  2. While a batch is being committed, new submissions wait; when it is
 *     done, everything that arrived meanwhile becomes the next batch, in
 *     arrival order. One transaction per batch, so the fsync of a commit is
 *     shared by every update in it.
 *  3. A batch: BEGIN; lock the declaration row (FOR UPDATE: every other
 *     writer of this declaration, in any instance, waits); take the hub's
 *     document, caught up with everything committed; inspect each update
 *     against the document as the previous ones left it (decodes? causally
 *     ready? only text of OPEN paragraphs of this declaration? within the
 *     length limit?), apply the accepted ones, give them consecutive seqs;
 *     insert them into the log, refresh the touched paragraphs' text, bump
 *     the declaration's seq and NOTIFY other instances; COMMIT — still
 *     holding the document, so no reader ever sees an uncommitted update.
 *  4. Only then: each accepted update resolves with its seq (the
 *     acknowledgement), and enters the window subscribers read from. A
 *     refused update rejects with its error and changed nothing.
 * If the transaction fails, every update of the batch rejects, and the
 * in-memory document, which may hold some of them, is discarded. When it
 * fails because PostgreSQL cannot be reached (refused, dropped, shut down),
 * the rejection is UNAVAILABLE: the client keeps the update and retries.
 * (A connection lost during COMMIT leaves the outcome unknown: the update
 * may be committed without an acknowledgement. Resending it is harmless,
 * Yjs ignores what the document already holds; what never happens is an
 * acknowledgement of an update that is not committed.)
 *
 * Shutdown: `drained()` resolves once every queued update has been committed
 * (or refused) and answered; `close()` then refuses new submissions with
 * UNAVAILABLE, and `abortQueued()` (when the shutdown runs out of time)
 * refuses those still waiting for their batch.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import * as Y from 'yjs';
import { authorize, refusal, type Viewer } from '../auth/policy.js';
import type { Limits } from '../config.js';
import type { DeclarationStatus, ParagraphStatus } from '../db/entities/index.js';
import { badInput, conflict, DomainError, isDatabaseUnavailable, notFound, unavailable } from '../errors.js';
import { outsideRequest, type Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { HUB_ORIGIN, type DocumentHub, type LiveDocument } from './documentHub.js';
import { NOTIFY_CHANNEL, docNews } from './instanceNews.js';
import { inspectUpdate } from './updateInspection.js';
import { executeBound, insertUpdates, type StoredUpdate } from './updateLog.js';
import { ConflictReason } from '../../../client-sdk/src/protocol.js';

export interface Submission {
  declarationId: string;
  update: Uint8Array;
  origin: string | null;
  viewer: Viewer;
}

interface Pending extends Submission {
  resolve(seq: number): void;
  reject(error: unknown): void;
  /** performance.now() at submission (acknowledgement latency). */
  submittedAt: number;
}

/** What a committed batch changed, for the change feed. */
export interface CommittedText {
  declarationId: string;
  /** Paragraph id → seq of the last update in the batch that touched it. */
  paragraphs: Map<string, number>;
  actorId: string;
}

const MAX_BATCH_UPDATES = 512;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export class UpdateCommitter {
  private readonly queues = new Map<string, Pending[]>();
  private readonly running = new Set<string>();
  private readonly idle = new Set<() => void>();
  private readonly statuses = new StatusCache();
  private closed = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly hub: DocumentHub,
    private readonly limits: Limits,
    private readonly log: Logger,
    private readonly onCommitted: (text: CommittedText) => void,
    private readonly metrics: Metrics | null = null,
  ) {}

  /** Queues an update; resolves with its seq once committed, rejects with a DomainError when refused. */
  submit(submission: Submission): Promise<number> {
    if (this.closed) return Promise.reject(unavailable('the server is shutting down and commits nothing more: resend the update (it was not committed)'));
    return new Promise<number>((resolve, reject) => {
      const queue = this.queues.get(submission.declarationId) ?? [];
      queue.push({ ...submission, resolve, reject, submittedAt: performance.now() });
      this.queues.set(submission.declarationId, queue);
      // The batch loop serves every submitter: it must not log under the id of the request that started it.
      if (!this.running.has(submission.declarationId)) outsideRequest(() => void this.drain(submission.declarationId));
    });
  }

  /** Refuses every later submission with UNAVAILABLE (shutdown, after `drained()`). */
  close(): void {
    this.closed = true;
  }

  /** Refuses the submissions still waiting for a batch (the shutdown ran out of time); returns how many. */
  abortQueued(): number {
    this.closed = true;
    let aborted = 0;
    for (const queue of this.queues.values()) {
      for (const pending of queue.splice(0)) {
        pending.reject(unavailable('the server is shutting down: the update was not committed; resend it'));
        aborted += 1;
      }
    }
    return aborted;
  }

  /** Resolves when nothing is queued or being committed (graceful shutdown). */
  async drained(): Promise<void> {
    while (this.running.size > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  private async drain(declarationId: string): Promise<void> {
    this.running.add(declarationId);
    try {
      for (;;) {
        const queue = this.queues.get(declarationId);
        if (!queue || queue.length === 0) break;
        const batch = takeBatch(queue);
        await this.commitBatch(declarationId, batch);
      }
    } finally {
      this.queues.delete(declarationId);
      this.running.delete(declarationId);
      for (const resolve of this.idle) resolve();
      this.idle.clear();
    }
  }

  private async commitBatch(declarationId: string, batch: Pending[]): Promise<void> {
    const em = this.orm.em.fork();
    const outcomes: (number | DomainError)[] = [];
    let committed: { rows: StoredUpdate[]; live: LiveDocument; touched: Map<string, number> } | null = null;
    try {
      await em.begin();
      const [row] = await em.execute<{ status: DeclarationStatus; last_doc_seq: number; last_event_seq: number }[]>(
        'select status, last_doc_seq, last_event_seq from declaration where id = ? for update',
        [declarationId],
      );
      if (!row) throw notFound('declaration', declarationId);
      // The declaration's state, read under the lock, decides for the whole batch (the roles were asked at submission).
      authorize(batch[0]!.viewer, 'text.edit', { declaration: { status: row.status } });
      const statuses = await this.statuses.get(em, declarationId, row.last_event_seq);
      committed = await this.hub.withDocument(
        em,
        declarationId,
        (live) => this.commitLocked(em, live, batch, statuses, row.last_doc_seq, outcomes),
        row.last_doc_seq,
      );
    } catch (error) {
      await em.rollback().catch(() => undefined);
      for (const pending of batch) pending.reject(this.failure(error, declarationId, batch.length));
      return;
    }
    this.metrics?.batchSize.observe(batch.length);
    const now = performance.now();
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof DomainError) {
        pending.reject(outcome);
        return;
      }
      pending.resolve(outcome);
      this.metrics?.updatesAcknowledged.inc();
      this.metrics?.ackLatency.observe((now - pending.submittedAt) / 1000);
    });
    if (committed && committed.touched.size > 0) {
      this.onCommitted({ declarationId, paragraphs: committed.touched, actorId: lastActor(batch) });
    }
  }

  /** What a batch's submitters are told when its transaction failed. */
  private failure(error: unknown, declarationId: string, size: number): Error {
    if (error instanceof DomainError) return error;
    if (isDatabaseUnavailable(error)) {
      this.log.warn({ err: error, declarationId, batch: size }, 'group commit failed: database unavailable');
      return unavailable('the database is unavailable right now: the update was not acknowledged; resend it shortly');
    }
    this.log.error({ err: error, declarationId, batch: size }, 'group commit failed');
    return new Error('the update could not be committed; retry');
  }

  /**
   * Step 3 with the row lock and the document held: integrate each update,
   * write the accepted ones, COMMIT, then advance the document's seq.
   */
  private async commitLocked(
    em: EntityManager,
    live: LiveDocument,
    batch: Pending[],
    statuses: Map<string, ParagraphStatus>,
    lastSeq: number,
    outcomes: (number | DomainError)[],
  ) {
    const rows: StoredUpdate[] = [];
    const touched = new Map<string, number>();
    try {
      for (const pending of batch) {
        const outcome = this.integrate(live, pending, statuses, lastSeq + rows.length);
        if (outcome instanceof DomainError || outcome === 'noop') {
          outcomes.push(outcome === 'noop' ? lastSeq + rows.length : outcome);
          continue;
        }
        const stored = { seq: lastSeq + rows.length + 1, update: pending.update, origin: pending.origin };
        rows.push(stored);
        outcomes.push(stored.seq);
        for (const paragraphId of outcome) touched.set(paragraphId, stored.seq);
      }
      if (rows.length > 0) await this.write(em, live, live.declarationId, batch, rows, touched);
      await em.commit();
    } catch (error) {
      // The document may hold updates that will never be committed.
      this.hub.discard(live.declarationId);
      throw error;
    }
    for (const stored of rows) live.advance(stored);
    return { rows, live, touched };
  }

  /**
   * Inspects one update against the document and applies it when acceptable.
   * Returns the paragraphs it touched, 'noop' when it changes nothing, or the
   * reason it is refused (the document is then untouched).
   */
  private integrate(
    live: LiveDocument,
    pending: Pending,
    statuses: Map<string, ParagraphStatus>,
    seq: number,
  ): string[] | 'noop' | DomainError {
    const inspection = inspectUpdate(live.doc, pending.update);
    if (!inspection.ok) {
      if (inspection.kind === 'NOT_READY') {
        // `reason` tells a client this CONFLICT is cured by resyncing and
        // resending (the others, a frozen text or a closed paragraph, are not).
        return conflict(`the update builds on changes the server does not have (at seq ${seq}): resync and resend. ${inspection.message}`, {
          reason: ConflictReason.MISSING_DEPENDENCIES,
        });
      }
      return badInput(`the update was refused: ${inspection.message}`, { reason: inspection.kind });
    }
    if (inspection.noop) return 'noop';
    for (const root of inspection.touched) {
      const status = statuses.get(root);
      if (!status) return badInput(`the update edits ${JSON.stringify(root)}, which is not a paragraph of this declaration`);
      const refused = refusal(pending.viewer, 'text.edit', { paragraph: { id: root, status } });
      if (refused) return refused;
      const length = live.doc.getText(root).length + (inspection.lengthDelta.get(root) ?? 0);
      if (length > this.limits.paragraphChars) {
        return badInput(`the update would make paragraph ${root} ${length} characters long; the limit is ${this.limits.paragraphChars}`);
      }
    }
    Y.applyUpdate(live.doc, pending.update, HUB_ORIGIN);
    if (live.doc.store.pendingStructs || live.doc.store.pendingDs) {
      // The inspection let through something Yjs could not integrate: a bug. Fail the batch (rolled back, document reloaded).
      throw new Error('an inspected update left pending structs in the document');
    }
    return inspection.touched;
  }

  private async write(
    em: EntityManager,
    live: LiveDocument,
    declarationId: string,
    batch: Pending[],
    rows: StoredUpdate[],
    touched: Map<string, number>,
  ): Promise<void> {
    const actor = new Map(batch.map((p) => [p.update, p.viewer.id]));
    await insertUpdates(
      em,
      declarationId,
      rows.map((r) => ({ ...r, actorId: actor.get(r.update) ?? null })),
    );
    const values: unknown[] = [];
    const tuples = [...touched].map(([paragraphId, seq]) => {
      values.push(paragraphId, live.doc.getText(paragraphId).toString(), seq);
      return '(?::uuid, ?::text, ?::int)';
    });
    await executeBound(
      em,
      `update paragraph as p set text = v.text, text_doc_seq = v.seq, updated_at = now()
         from (values ${tuples.join(', ')}) as v(id, text, seq) where p.id = v.id`,
      values,
    );
    const last = rows[rows.length - 1]!.seq;
    await em.execute(
      `with d as (update declaration set last_doc_seq = ?, updated_at = now() where id = ? returning id)
       select pg_notify(?, ?) from d`,
      [last, declarationId, NOTIFY_CHANNEL, docNews(declarationId, last)],
    );
  }
}

function takeBatch(queue: Pending[]): Pending[] {
  let bytes = 0;
  let count = 0;
  while (count < queue.length && count < MAX_BATCH_UPDATES && (count === 0 || bytes + queue[count]!.update.length <= MAX_BATCH_BYTES)) {
    bytes += queue[count]!.update.length;
    count += 1;
  }
  return queue.splice(0, count);
}

function lastActor(batch: Pending[]): string {
  return batch[batch.length - 1]!.viewer.id;
}

/**
 * Paragraph statuses per declaration, cached by the declaration's event seq:
 * every change of a paragraph's existence or status writes a change event,
 * so an unchanged `last_event_seq` (read under the row lock) means unchanged
 * statuses.
 */
class StatusCache {
  private readonly cache = new Map<string, { eventSeq: number; statuses: Map<string, ParagraphStatus> }>();

  async get(em: EntityManager, declarationId: string, eventSeq: number): Promise<Map<string, ParagraphStatus>> {
    const cached = this.cache.get(declarationId);
    if (cached && cached.eventSeq === eventSeq) return cached.statuses;
    const rows = await em.execute<{ id: string; status: ParagraphStatus }[]>(
      'select id, status from paragraph where declaration_id = ?',
      [declarationId],
    );
    const statuses = new Map(rows.map((r) => [r.id, r.status]));
    this.cache.set(declarationId, { eventSeq, statuses });
    return statuses;
  }
}
