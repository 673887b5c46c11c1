/**
 * The document hub: one in-memory `Y.Doc` per active declaration.
 *
 * PostgreSQL is the truth; a hub document is a cache of it, loaded on first
 * use from the snapshot plus the updates after it, and kept in step by
 * applying every committed update in seq order, whichever way it arrives:
 *  - a group commit of `applyUpdate`s (see `UpdateCommitter`) applies them
 *    while holding the document, and reports them once committed;
 *  - a server edit made by a command is reported after its commit
 *    (`committed`);
 *  - updates committed by another instance are read from the log when its
 *    notification arrives, or when a reader needs the latest state
 *    (`current`).
 * Every committed update the document takes also enters the declaration's
 * `SequenceWindow`, from which `documentUpdates` subscribers read.
 *
 * Locking order, to stay free of deadlocks: a task that needs both the
 * declaration's row lock (PostgreSQL) and the document (`exclusive`) takes
 * the row lock first. Readers take only the document.
 *
 * A task that applies updates before its transaction commits must call
 * `discard` if the transaction fails: the next use reloads from the database.
 * Subscribers keep following the declaration's window meanwhile; news from
 * other instances (and the catch-up after the notification channel was down)
 * reloads a discarded document that someone follows, so a failed commit,
 * e.g. during a database outage, never leaves followers behind.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import * as Y from 'yjs';
import { SequenceWindow } from '../feed/sequenceWindow.js';
import { readSnapshot, readUpdatesAfter, type StoredUpdate } from './updateLog.js';

/** The origin given to `Y.applyUpdate` for updates the hub applies. */
export const HUB_ORIGIN = 'draftroom-hub';

export class LiveDocument {
  /** Seq of the last update applied to `doc`. */
  seq = 0;
  readonly doc = new Y.Doc({ gc: true });
  lastUsed = Date.now();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly declarationId: string,
    readonly window: SequenceWindow<StoredUpdate>,
  ) {}

  /** Runs `task` after every task queued before it; tasks never overlap. */
  exclusive<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Applies stored updates that follow `seq`; false on a gap (the caller reloads). Call inside `exclusive`. */
  applyStored(updates: StoredUpdate[]): boolean {
    for (const stored of updates) {
      if (stored.seq <= this.seq) continue;
      if (stored.seq !== this.seq + 1) return false;
      Y.applyUpdate(this.doc, stored.update, HUB_ORIGIN);
      this.advance(stored);
    }
    return true;
  }

  /** Records that `stored`, already applied to `doc`, is committed with its seq. Call inside `exclusive`. */
  advance(stored: StoredUpdate): void {
    this.seq = stored.seq;
    this.lastUsed = Date.now();
    this.window.add(stored);
  }
}

export class DocumentHub {
  private readonly documents = new Map<string, LiveDocument>();
  /** The committed updates subscribers follow, per declaration: a window outlives reloads of its document. */
  private readonly windows = new Map<string, SequenceWindow<StoredUpdate>>();
  private readonly loading = new Map<string, Promise<LiveDocument>>();

  constructor(private readonly orm: MikroORM) {}

  /**
   * The declaration's document, caught up with everything committed that `em`
   * can see. Inside a transaction holding the declaration's lock, that is
   * everything committed at all.
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
   * Runs `task` with the caught-up document held exclusively. The caller
   * must already hold the declaration's row lock when `task` writes.
   */
  async withDocument<T>(
    em: EntityManager,
    declarationId: string,
    task: (live: LiveDocument) => Promise<T>,
    /** The last committed seq, when the caller read it under the row lock: no need to look for more. */
    committedSeq?: number,
  ): Promise<T> {
    let live = await this.open(em, declarationId);
    for (let attempt = 0; ; attempt++) {
      const result = await live.exclusive(async () => {
        if (this.documents.get(declarationId) !== live) return { retry: true as const };
        const behind = committedSeq === undefined || live.seq < committedSeq;
        if (behind && !live.applyStored(await readUpdatesAfter(em, declarationId, live.seq))) return { retry: true as const };
        return { retry: false as const, value: await task(live) };
      });
      if (!result.retry) return result.value;
      if (attempt > 2) throw new Error(`could not load the document of declaration ${declarationId}`);
      if (this.documents.get(declarationId) === live) this.discard(declarationId);
      live = await this.open(em, declarationId);
    }
  }

  /**
   * Tells the hub an update was committed with `seq` (a server edit). Applied
   * at once when it is the next one; otherwise caught up from the log.
   */
  committed(declarationId: string, stored: StoredUpdate): void {
    const live = this.documents.get(declarationId);
    if (!live) return;
    void live
      .exclusive(async () => {
        if (stored.seq === live.seq + 1) live.applyStored([stored]);
        return stored.seq > live.seq; // still behind: an update before it has not reached us yet
      })
      .then((behind) => (behind ? this.catchUp(live) : undefined))
      // The next reader catches up from the log (or reloads): nothing is lost by giving up here.
      .catch(() => this.documents.get(declarationId) === live && this.discard(declarationId));
  }

  /** News from another instance: the log of `declarationId` reaches `seq`. */
  async news(declarationId: string, seq: number): Promise<void> {
    const live = this.documents.get(declarationId) ?? (this.followed(declarationId) ? await this.open(this.orm.em.fork(), declarationId) : null);
    if (!live || seq <= live.seq) return;
    await this.catchUp(live);
  }

  /**
   * Catches up every loaded document, and reloads the discarded ones that
   * subscribers follow (after the notification channel was down).
   */
  async catchUpAll(): Promise<void> {
    const ids = new Set(this.documents.keys());
    for (const id of this.windows.keys()) if (this.followed(id)) ids.add(id);
    await Promise.all(
      [...ids].map(async (id) => {
        const live = this.documents.get(id) ?? (await this.open(this.orm.em.fork(), id));
        await this.catchUp(live);
      }),
    );
  }

  /** Whether subscribers of this instance follow the declaration's updates. */
  private followed(declarationId: string): boolean {
    return (this.windows.get(declarationId)?.followers ?? 0) > 0;
  }

  /** Forgets the in-memory document (after a failed transaction, or when idle). */
  discard(declarationId: string): void {
    this.documents.delete(declarationId);
  }

  /** Unloads documents unused for `idleMs` that nobody follows. */
  evictIdle(idleMs: number): number {
    let evicted = 0;
    const now = Date.now();
    for (const [id, live] of this.documents) {
      if (now - live.lastUsed > idleMs && live.window.followers === 0) {
        this.documents.delete(id);
        this.windows.delete(id);
        evicted += 1;
      }
    }
    return evicted;
  }

  /**
   * Applies what the log holds after the document's seq. The rows are read
   * BEFORE the document is taken: holding `exclusive` while waiting for a
   * pool connection deadlocks with the transactions that hold connections and
   * the declaration's row lock and wait for the document (`current`), until
   * the pool's acquire timeout refuses them all (66 writers at once did).
   * Updates applied meanwhile are skipped by `applyStored`.
   */
  private async catchUp(live: LiveDocument): Promise<void> {
    const updates = await readUpdatesAfter(this.orm.em.fork(), live.declarationId, live.seq);
    await live.exclusive(async () => {
      if (!live.applyStored(updates) && this.documents.get(live.declarationId) === live) this.discard(live.declarationId);
    });
  }

  private async open(em: EntityManager, declarationId: string): Promise<LiveDocument> {
    const existing = this.documents.get(declarationId);
    if (existing) {
      existing.lastUsed = Date.now();
      return existing;
    }
    let pending = this.loading.get(declarationId);
    if (!pending) {
      pending = this.load(em, declarationId).finally(() => this.loading.delete(declarationId));
      this.loading.set(declarationId, pending);
    }
    return pending;
  }

  private async load(em: EntityManager, declarationId: string): Promise<LiveDocument> {
    // Snapshot and tail are two reads; a compaction between them can fold
    // the tail away. The snapshot then read again covers it: retry.
    for (let attempt = 0; ; attempt++) {
      const snapshot = await readSnapshot(em, declarationId);
      const tail = await readUpdatesAfter(em, declarationId, snapshot?.seq ?? 0);
      const live = new LiveDocument(declarationId, this.windowFrom(declarationId, snapshot?.seq ?? 0));
      if (snapshot) {
        Y.applyUpdate(live.doc, snapshot.state, HUB_ORIGIN);
        live.seq = snapshot.seq;
      }
      if (live.applyStored(tail)) {
        this.documents.set(declarationId, live);
        return live;
      }
      if (attempt >= 3) throw new Error(`update log of declaration ${declarationId} has a gap after seq ${live.seq}`);
    }
  }

  /** The declaration's window, made (or moved past a compacted stretch) to start at `base`. */
  private windowFrom(declarationId: string, base: number): SequenceWindow<StoredUpdate> {
    let window = this.windows.get(declarationId);
    if (!window) {
      window = new SequenceWindow<StoredUpdate>(base);
      this.windows.set(declarationId, window);
    } else if (base > window.head) {
      // Updates between the window's head and the snapshot cannot be told one by one any more.
      window.jump(base);
    }
    return window;
  }
}
