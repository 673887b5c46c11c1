/**
 * Following a gapless sequence (1, 2, 3, ... per declaration) whose truth is
 * in PostgreSQL: the change feed, and the Yjs update log.
 *
 * A `SequenceWindow` keeps the most recent items of one declaration's
 * sequence in memory. Writers `add` items after their commit, in any order;
 * the window's `head` is the highest seq up to which it has seen every item,
 * so a reader never sees an item before the ones it follows. When the
 * window cannot say what came after some seq (the item fell out of it, or
 * the window was created later), readers go to the database.
 *
 * A `Follower` is one subscriber's position in the sequence: an async
 * iterator that yields every item after its cursor exactly once, in order,
 * from the window when it can and from the database when it must, and waits
 * for the window to advance when it has seen everything. Work per subscriber
 * in the steady state is reading a Map: the database is read once per
 * instance (by whoever fills the window), not once per subscriber.
 *
 * Closing: `return()` (which graphql-ws calls when a client completes or
 * disconnects) ends a follower even while it is waiting.
 *
 * A database outage does not end a follower: a read that fails because
 * PostgreSQL is unreachable is tried again (backing off up to a few
 * seconds) until it succeeds or the follower is closed, so a subscriber sees
 * a pause, then everything it missed, in order, with no gap.
 */
import { isDatabaseUnavailable } from '../errors.js';

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

export interface Sequenced {
  seq: number;
}

export class SequenceWindow<T extends Sequenced> {
  private readonly items = new Map<number, T>();
  private contiguous: number;
  /** Lowest seq the window can answer from; items before it are gone. */
  private floor: number;
  private readonly waiters = new Set<() => void>();

  /** `head`: the last seq known to be committed when the window is made (its items are not held). */
  constructor(
    head: number,
    private readonly capacity = 2048,
  ) {
    this.contiguous = head;
    this.floor = head + 1;
  }

  /** Every item up to this seq has been added (or predates the window). */
  get head(): number {
    return this.contiguous;
  }

  /** Records a committed item. Duplicates and items at or below the head are ignored. */
  add(item: T): void {
    if (item.seq <= this.contiguous || this.items.has(item.seq)) return;
    this.items.set(item.seq, item);
    const before = this.contiguous;
    while (this.items.has(this.contiguous + 1)) this.contiguous += 1;
    this.trim();
    if (this.contiguous !== before) this.wake();
  }

  /**
   * The sequence jumped to `head` without the window seeing the items in
   * between (a document reloaded from a compacted snapshot): forget them.
   */
  jump(head: number): void {
    if (head <= this.contiguous) return;
    for (const seq of [...this.items.keys()]) if (seq <= head) this.items.delete(seq);
    this.contiguous = head;
    this.floor = head + 1;
    while (this.items.has(this.contiguous + 1)) this.contiguous += 1;
    this.wake();
  }

  /** Items with seq in (after, head], or null when the window no longer holds seq after + 1. */
  since(after: number, limit = 1000): T[] | null {
    if (after >= this.contiguous) return [];
    if (after + 1 < this.floor) return null;
    const out: T[] = [];
    for (let seq = after + 1; seq <= this.contiguous && out.length < limit; seq++) out.push(this.items.get(seq)!);
    return out;
  }

  /** Resolves at the next advance of the head (or when `cancel` is called). */
  nextAdvance(): { promise: Promise<void>; cancel: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const waiter = () => {
      this.waiters.delete(waiter);
      resolve();
    };
    this.waiters.add(waiter);
    return { promise, cancel: waiter };
  }

  private attached = 0;

  /** How many followers walk this window now. */
  get followers(): number {
    return this.attached;
  }

  attach(): void {
    this.attached += 1;
  }

  detach(): void {
    this.attached = Math.max(0, this.attached - 1);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private trim(): void {
    while (this.items.size > this.capacity && this.floor <= this.contiguous) {
      this.items.delete(this.floor);
      this.floor += 1;
    }
  }
}

export interface FollowerSource<T extends Sequenced> {
  window: SequenceWindow<T>;
  /** Reads committed items after `after` from the database, in seq order (at most `limit`). */
  fetchAfter(after: number, limit: number): Promise<T[]>;
  /**
   * The database has nothing to continue from `after` (a compacted log).
   * Return an item that brings the reader up to date, or throw.
   */
  recover?(after: number): Promise<T>;
  /** Items handed over from the window (live, not replayed from the database): metrics. */
  onLive?(items: T[]): void;
}

/** One subscriber's gapless, ordered, exactly-once walk along a sequence. */
export class Follower<T extends Sequenced> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private closed = false;
  private cancelWait: (() => void) | null = null;

  constructor(
    private readonly source: FollowerSource<T>,
    private cursor: number,
    private readonly onClose: () => void = () => {},
  ) {
    source.window.attach();
  }

  /** The last seq delivered. */
  get position(): number {
    return this.cursor;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    let failures = 0;
    while (!this.closed) {
      const item = this.buffer.shift();
      if (item) return { value: item, done: false };
      const wait = this.source.window.nextAdvance(); // before reading: an advance in between still wakes us
      this.cancelWait = wait.cancel;
      let items: T[];
      try {
        items = await this.read();
        failures = 0;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        wait.cancel();
        await this.pause(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures++));
        continue;
      }
      if (items.length > 0) {
        wait.cancel();
        this.buffer.push(...items);
        continue;
      }
      await wait.promise;
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.buffer = [];
      this.cancelWait?.();
      this.source.window.detach();
      this.onClose();
    }
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }

  /** Waits `ms`, or less if the follower is closed meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.cancelWait = done;
    });
  }

  /** The items right after the cursor: from the window, else from the database. */
  private async read(): Promise<T[]> {
    const { window } = this.source;
    let items = window.since(this.cursor);
    if (items !== null && items.length > 0) this.source.onLive?.(items);
    if (items === null) {
      items = await this.source.fetchAfter(this.cursor, 1000);
      if (items.length > 0 && items[0]!.seq !== this.cursor + 1) {
        if (!this.source.recover) throw new Error(`sequence has a gap after ${this.cursor}`);
        items = [await this.source.recover(this.cursor)];
      }
    }
    const fresh = items.filter((i) => i.seq > this.cursor);
    if (fresh.length > 0) this.cursor = fresh[fresh.length - 1]!.seq;
    return fresh;
  }
}
