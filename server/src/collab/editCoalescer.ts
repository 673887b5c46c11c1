/**
 * PARAGRAPH_EDITED events: text edits told to the change feed, coalesced.
 *
 * Keystrokes are not events. After a batch of updates touches a paragraph,
 * its event waits for a quiet period (`quietMs`, about a second without
 * edits to it), but never longer than `maxMs` after the first edit it
 * covers, so that under constant typing observers still see the text move
 * every few seconds. The event carries the paragraph's committed text.
 *
 * What is owed is kept in the database, not only in timers: the group
 * commit sets `paragraph.text_doc_seq`, an event sets `feed_doc_seq` to it.
 * A paragraph whose text_doc_seq is ahead owes an event; `sweep` (at start,
 * and after any failure) finds those, so a crash between an edit and its
 * event delays the event, and never loses it. A failed write (the database
 * unreachable) is swept again, backing off, until a sweep succeeds.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CommittedText } from './updateCommitter.js';

/** What the coalescer is given (app.ts wires it). */
export interface EditCoalescerDeps {
  /** A fresh entity manager, for the sweep's read. */
  fork(): EntityManager;
  log: Pick<Logger, 'warn' | 'error'>;
  /**
   * Writes, in one transaction, the events due for these paragraphs of one
   * declaration (id → the editor the coalescer knows of, or null):
   * drafting/paragraphEdits.ts. Given, not imported: collab/ sits below
   * drafting/ and does not reach up into it.
   */
  writeEdits(declarationId: string, paragraphs: Map<string, string | null>): Promise<void>;
}

interface Owed {
  firstAt: number;
  lastAt: number;
  actorId: string;
}

export class EditCoalescer {
  private readonly owed = new Map<string, Map<string, Owed>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly flushing = new Map<string, Promise<void>>();
  private stopped = false;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweepFailures = 0;

  constructor(
    private readonly deps: EditCoalescerDeps,
    private readonly quietMs = 1_000,
    private readonly maxMs = 5_000,
  ) {}

  /** A batch of updates was committed. */
  textCommitted(text: CommittedText): void {
    if (this.stopped) return;
    const now = Date.now();
    const owed = this.owed.get(text.declarationId) ?? new Map<string, Owed>();
    for (const paragraphId of text.paragraphs.keys()) {
      const entry = owed.get(paragraphId);
      owed.set(paragraphId, { firstAt: entry?.firstAt ?? now, lastAt: now, actorId: text.actorId });
    }
    this.owed.set(text.declarationId, owed);
    this.schedule(text.declarationId);
  }

  /**
   * Writes every owed event now (shutdown, tests), and resolves once they are
   * written: also those a timer's flush already took out of `owed` and is
   * still writing (its declaration may no longer be in `owed` at all).
   */
  async flushAll(): Promise<void> {
    const declarations = new Set([...this.owed.keys(), ...this.flushing.keys()]);
    await Promise.all([...declarations].map((id) => this.flush(id, Infinity)));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** Finds paragraphs owing an event in the database (after a crash) and writes their events. */
  async sweep(): Promise<number> {
    const em = this.deps.fork();
    const rows = await em.execute<{ declaration_id: string; id: string }[]>(
      'select declaration_id, id from paragraph where text_doc_seq > feed_doc_seq',
    );
    const byDeclaration = new Map<string, string[]>();
    for (const row of rows) byDeclaration.set(row.declaration_id, [...(byDeclaration.get(row.declaration_id) ?? []), row.id]);
    for (const [declarationId, ids] of byDeclaration) {
      await this.deps.writeEdits(declarationId, new Map(ids.map((id) => [id, null])));
    }
    return rows.length;
  }

  /** Sweeps after a pause, and again (backing off, up to a minute) until a sweep succeeds. */
  private sweepLater(): void {
    if (this.stopped || this.sweepTimer) return;
    const delay = Math.min(60_000, this.maxMs * 2 ** Math.min(this.sweepFailures, 6));
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      this.sweep().then(
        () => (this.sweepFailures = 0),
        (error) => {
          this.sweepFailures += 1;
          this.deps.log.warn({ err: error, failures: this.sweepFailures }, 'PARAGRAPH_EDITED sweep failed; will try again');
          this.sweepLater();
        },
      );
    }, delay);
    this.sweepTimer.unref();
  }

  private schedule(declarationId: string): void {
    const owed = this.owed.get(declarationId);
    if (!owed || owed.size === 0 || this.stopped) return;
    let due = Infinity;
    for (const entry of owed.values()) due = Math.min(due, Math.min(entry.lastAt + this.quietMs, entry.firstAt + this.maxMs));
    const existing = this.timers.get(declarationId);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.timers.delete(declarationId);
      void this.flush(declarationId, Date.now());
    }, Math.max(0, due - Date.now()));
    timer.unref();
    this.timers.set(declarationId, timer);
  }

  private async flush(declarationId: string, now: number): Promise<void> {
    await this.flushing.get(declarationId);
    const owed = this.owed.get(declarationId);
    if (!owed) return;
    const due = new Map<string, string | null>();
    for (const [paragraphId, entry] of owed) {
      if (now >= Math.min(entry.lastAt + this.quietMs, entry.firstAt + this.maxMs)) {
        due.set(paragraphId, entry.actorId);
        owed.delete(paragraphId);
      }
    }
    if (owed.size === 0) this.owed.delete(declarationId);
    if (due.size > 0) {
      const task = this.deps
        .writeEdits(declarationId, due)
        .then(() => undefined)
        .catch((error) => {
          const level = isDatabaseUnavailable(error) ? 'warn' : 'error';
          this.deps.log[level]({ err: error, declarationId }, 'could not write PARAGRAPH_EDITED events; will sweep');
          this.sweepLater();
        })
        .finally(() => this.flushing.delete(declarationId));
      this.flushing.set(declarationId, task);
      await task;
    }
    this.schedule(declarationId);
  }
}
