/**
 * The document hub: one in-memory `Y.Doc` per active declaration.
 *
 * PostgreSQL is the truth; a hub document is a cache of it. A document is
 * loaded on first use from the snapshot plus the updates after it, and kept
 * in step with the database in two ways:
 *  - updates committed by this process are applied right after their commit
 *    (`committed`), in seq order;
 *  - before a read or a write that must see the latest state, `current`
 *    catches up from the log (updates committed by another instance, or by a
 *    commit whose notification has not arrived yet).
 * Both go through one queue per document, so `seq` (the last update applied)
 * only ever moves forward, one update at a time.
 *
 * A command that changes the document in memory before its transaction
 * commits must call `discard` if the transaction fails: the next use then
 * reloads from the database.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import * as Y from 'yjs';
import { readSnapshot, readUpdatesAfter, type StoredUpdate } from './updateLog.js';

/** The origin given to `Y.applyUpdate` for updates the hub applies. */
export const HUB_ORIGIN = 'draftroom-hub';

export class LiveDocument {
  /** Seq of the last update applied to `doc`. */
  seq = 0;
  readonly doc = new Y.Doc({ gc: true });
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly declarationId: string) {}

  /** Runs `task` after every task queued before it; tasks never overlap. */
  exclusive<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Applies stored updates that follow `seq`; returns false on a gap (the caller reloads). */
  applyStored(updates: StoredUpdate[]): boolean {
    for (const stored of updates) {
      if (stored.seq <= this.seq) continue;
      if (stored.seq !== this.seq + 1) return false;
      Y.applyUpdate(this.doc, stored.update, HUB_ORIGIN);
      this.seq = stored.seq;
    }
    return true;
  }
}

export class DocumentHub {
  private readonly documents = new Map<string, LiveDocument>();
  private readonly loading = new Map<string, Promise<LiveDocument>>();

  /**
   * The declaration's document, caught up with everything committed in the
   * database as seen by `em` (within a transaction holding the declaration's
   * lock, that is everything committed at all).
   */
  async current(em: EntityManager, declarationId: string): Promise<LiveDocument> {
    const live = await this.open(em, declarationId);
    const upToDate = await live.exclusive(async () => live.applyStored(await readUpdatesAfter(em, declarationId, live.seq)));
    if (upToDate) return live;
    // The tail we needed was compacted away: start again from the snapshot.
    this.discard(declarationId);
    return this.open(em, declarationId);
  }

  /**
   * Tells the hub an update was committed with `seq`. Applied at once when it
   * is the next one; otherwise the next `current` catches up from the log.
   */
  committed(declarationId: string, seq: number, update: Uint8Array): void {
    const live = this.documents.get(declarationId);
    if (!live) return;
    void live.exclusive(() => {
      live.applyStored([{ seq, update, origin: null }]);
    });
  }

  /** Forgets the in-memory document (after a failed transaction, or when idle). */
  discard(declarationId: string): void {
    this.documents.delete(declarationId);
  }

  private async open(em: EntityManager, declarationId: string): Promise<LiveDocument> {
    const existing = this.documents.get(declarationId);
    if (existing) return existing;
    let pending = this.loading.get(declarationId);
    if (!pending) {
      pending = this.load(em, declarationId).finally(() => this.loading.delete(declarationId));
      this.loading.set(declarationId, pending);
    }
    return pending;
  }

  private async load(em: EntityManager, declarationId: string): Promise<LiveDocument> {
    const live = new LiveDocument(declarationId);
    const snapshot = await readSnapshot(em, declarationId);
    if (snapshot) {
      Y.applyUpdate(live.doc, snapshot.state, HUB_ORIGIN);
      live.seq = snapshot.seq;
    }
    if (!live.applyStored(await readUpdatesAfter(em, declarationId, live.seq))) {
      throw new Error(`update log of declaration ${declarationId} has a gap after seq ${live.seq}`);
    }
    this.documents.set(declarationId, live);
    return live;
  }
}
