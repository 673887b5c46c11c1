/**
 * The change feed of every declaration, for the `changes` subscription.
 *
 * The rows in `change_event` are the data. Commands report the events they
 * committed (`published`); other instances' events arrive as news
 * (`news`, from NOTIFY) and are read from the database once per instance.
 * Either way they enter the declaration's `SequenceWindow`, which every
 * subscriber of this instance follows (see sequenceWindow.ts). A periodic
 * `refresh` re-reads the newest rows of followed declarations, so that a
 * notification lost in a reconnect, or a race with a window being created,
 * costs a moment's delay and never an event. The same holds across a
 * database outage: nothing is committed while PostgreSQL is down, and once
 * it is back the refresh (and the listener's reconnection) reads whatever
 * any instance committed since.
 *
 * Each live event handed to a subscriber is measured against its `at`: the
 * metric draftroom_change_feed_lag_seconds.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ChangeEvent, type ChangeKind } from '../db/entities/index.js';
import type { Metrics } from '../observability/metrics.js';
import { Follower, SequenceWindow } from './sequenceWindow.js';

/** A committed change event as subscribers receive it. */
export interface FeedItem {
  declarationId: string;
  seq: number;
  kind: ChangeKind;
  at: Date;
  actorId: string | null;
  paragraphId: string | null;
  commentId: string | null;
  amendmentId: string | null;
  revisionId: string | null;
  text: string | null;
  summary: string;
}

export function feedItem(e: ChangeEvent): FeedItem {
  return {
    declarationId: e.declaration.id,
    seq: e.seq,
    kind: e.kind,
    at: e.at,
    actorId: e.actor?.id ?? null,
    paragraphId: e.paragraphId,
    commentId: e.commentId,
    amendmentId: e.amendmentId,
    revisionId: e.revisionId,
    text: e.text,
    summary: e.summary,
  };
}

/** Reads committed events with seq > `after`, in order. */
export async function readEventsAfter(em: EntityManager, declarationId: string, after: number, limit: number): Promise<FeedItem[]> {
  const rows = await em.find(
    ChangeEvent,
    { declaration: declarationId, seq: { $gt: after } },
    { orderBy: { seq: 'asc' }, limit },
  );
  return rows.map(feedItem);
}

export class ChangeFeed {
  private readonly windows = new Map<string, SequenceWindow<FeedItem>>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly metrics: Metrics | null = null,
    private readonly refreshMs = 2_000,
  ) {}

  /** Starts the periodic safety-net refresh. */
  start(): void {
    this.timer ??= setInterval(() => void this.refreshAll(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** A command committed these events (called after commit). */
  published(items: FeedItem[]): void {
    for (const item of items) this.windows.get(item.declarationId)?.add(item);
  }

  /** Another instance committed events of `declarationId` up to `seq`. */
  news(declarationId: string, seq: number): void {
    const window = this.windows.get(declarationId);
    if (window && seq > window.head) void this.refresh(declarationId);
  }

  /** Re-reads every followed declaration (after the notification channel was down). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.windows.keys()].map((id) => this.refresh(id)));
  }

  /**
   * A follower of `declarationId`'s events after `after`: replays what is in
   * the database, then live events, with no gap or repeat across the switch.
   */
  async follow(em: EntityManager, declarationId: string, after: number): Promise<Follower<FeedItem>> {
    const window = await this.window(em, declarationId);
    return new Follower<FeedItem>(
      {
        window,
        fetchAfter: (cursor, limit) => readEventsAfter(this.orm.em.fork(), declarationId, cursor, limit),
        onLive: (items) => {
          if (!this.metrics) return;
          const now = Date.now();
          for (const item of items) this.metrics.feedLag.observe(Math.max(0, now - item.at.getTime()) / 1000);
        },
      },
      after,
    );
  }

  private async window(em: EntityManager, declarationId: string): Promise<SequenceWindow<FeedItem>> {
    let window = this.windows.get(declarationId);
    if (window) return window;
    const [row] = await em.execute<{ last_event_seq: number }[]>('select last_event_seq from declaration where id = ?', [declarationId]);
    window = this.windows.get(declarationId) ?? new SequenceWindow<FeedItem>(row?.last_event_seq ?? 0);
    this.windows.set(declarationId, window);
    return window;
  }

  private refresh(declarationId: string): Promise<void> {
    const running = this.refreshing.get(declarationId);
    if (running) return running;
    const task = (async () => {
      const window = this.windows.get(declarationId);
      if (!window) return;
      if (window.followers === 0) {
        this.windows.delete(declarationId); // nobody here follows it any more
        return;
      }
      const items = await readEventsAfter(this.orm.em.fork(), declarationId, window.head, 1000);
      for (const item of items) window.add(item);
    })()
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(declarationId));
    this.refreshing.set(declarationId, task);
    return task;
  }
}
