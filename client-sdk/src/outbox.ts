/**
 * The outbox: local Yjs updates on their way to the server.
 *
 * Protocol (the server's side is in server/src/graphql/resolvers/CollabResolver.ts):
 *
 *   1. Every local update is queued, in order, until acknowledged. One
 *      `applyUpdate` is in flight at a time per session: the oldest queued
 *      updates, merged (`Y.mergeUpdates`) up to `maxBatchBytes` (so that an
 *      hour of offline typing never makes one update over the server's
 *      size limit). Sending in order, one batch at a time, keeps every
 *      update causally ready: whatever it builds on was acknowledged before.
 *   2. An acknowledgement (`{ seq }`) means committed to PostgreSQL. Only then
 *      does the batch count as flushed.
 *   3. No answer (network cut, socket closed, UNAVAILABLE, a rate limit):
 *      the updates stay queued and the next batch is taken from the front
 *      again (with what was typed meanwhile, size permitting) after a
 *      backoff, or at once when the connection is back (`wake()`).
 *      Resending is safe: Yjs updates are idempotent, so a batch committed
 *      whose answer was lost is a no-op the second time, never a duplicate.
 *      A batch refused as too large (`extensions.limit: "updateBytes"`) is
 *      sent again in smaller batches.
 *   4. CONFLICT with reason MISSING_DEPENDENCIES: the server lacks something
 *      the batch builds on (it reached this document some other way). Resync
 *      (`documentState` from our state vector, applied as remote), then send
 *      everything the server lacks given *its* state vector, which includes
 *      every queued update. A few times in a row at most.
 *   5. Any other refusal (FORBIDDEN, BAD_USER_INPUT, a CONFLICT of a frozen
 *      text or a closed paragraph) is final: sending stops, `flushed()`
 *      rejects with that error, and the session reports it. The local
 *      document then holds text the server refused; reopen the declaration
 *      to get back to the server's.
 *
 * `flushed()` waits for the updates queued *before* the call, not for those
 * typed after it, so it cannot be starved by someone who keeps typing.
 */
import * as Y from 'yjs';
import { Backoff, sleep, type ReconnectOptions } from './backoff.js';
import { DraftroomError } from './errors.js';
import { ConflictReason, LimitName } from './protocol.js';

/** What the outbox needs from its session. */
export interface OutboxIo {
  /** Sends one update; resolves with the acknowledged seq. */
  apply(update: Uint8Array): Promise<number>;
  /** Fetches and applies what the server has that we lack; resolves with the server's state vector. */
  resync(): Promise<Uint8Array>;
  /** Everything of the local document the server lacks, given its state vector. */
  missingFrom(serverStateVector: Uint8Array): Uint8Array;
  /** A send failed and will be retried. */
  onRetry?(error: DraftroomError): void;
  /** Sending stopped for good. */
  onFailed(error: DraftroomError): void;
  /** The number of local updates not yet acknowledged changed. */
  onUnacknowledged?(count: number): void;
}

export interface OutboxOptions extends ReconnectOptions {
  /** Most bytes of queued updates merged into one `applyUpdate` (at least one update is always sent). Default 256 KiB. */
  maxBatchBytes?: number;
}

/** Consecutive CONFLICTs (each after a resync) before giving up. */
const MAX_CONFLICTS = 5;
const DEFAULT_MAX_BATCH_BYTES = 256 * 1024;

interface Waiter {
  target: number;
  resolve(seq: number): void;
  reject(error: Error): void;
}

/** One `applyUpdate`: the merged update, and how many queued updates (from the front) it carries. */
interface Batch {
  update: Uint8Array;
  count: number;
}

export class Outbox {
  /** Local updates not yet acknowledged, oldest first. */
  private queue: Uint8Array[] = [];
  /** Local updates queued since the start, and how many of them are acknowledged. */
  private queuedCount = 0;
  private ackedCount = 0;
  private sending = false;
  private waiters: Waiter[] = [];
  private readonly backoff: Backoff;
  private maxBatchBytes: number;
  private wakeUp = new AbortController();
  private waiting = false;
  private closed = false;
  /** Highest seq acknowledged to this session's updates (0: none yet). */
  acked = 0;
  /** The refusal that stopped sending, if any. */
  failure: DraftroomError | null = null;

  constructor(
    private readonly io: OutboxIo,
    options: OutboxOptions = {},
  ) {
    this.backoff = new Backoff(options);
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  }

  /** Local updates not yet acknowledged. */
  get unacknowledged(): number {
    return this.queue.length;
  }

  push(update: Uint8Array): void {
    if (this.closed) return;
    this.queue.push(update);
    this.queuedCount += 1;
    this.io.onUnacknowledged?.(this.queue.length);
    void this.pump();
  }

  /** Resolves with the highest acknowledged seq once every update queued so far is acknowledged. */
  flushed(): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ackedCount >= this.queuedCount) return Promise.resolve(this.acked);
    if (this.closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => this.waiters.push({ target: this.queuedCount, resolve, reject }));
  }

  /** The connection is back: end a retry's wait now (no-op when not waiting). */
  wake(): void {
    if (this.waiting) this.wakeUp.abort();
  }

  /**
   * Stops sending; pending `flushed()` calls reject (with `reason` when the
   * session failed for another cause: later calls reject with it too).
   */
  close(reason?: DraftroomError): void {
    if (this.closed) return;
    this.closed = true;
    if (reason) this.failure ??= reason;
    this.wakeUp.abort();
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure ?? closedError());
  }

  private async pump(): Promise<void> {
    if (this.sending || this.failure || this.closed || this.queue.length === 0) return;
    this.sending = true;
    try {
      let batch = this.takeBatch();
      let conflicts = 0;
      while (batch && !this.closed) {
        const current = batch;
        try {
          const seq = await this.io.apply(current.update);
          this.acknowledge(current.count, seq);
          conflicts = 0;
          batch = this.takeBatch();
        } catch (caught) {
          const error = caught instanceof DraftroomError ? caught : DraftroomError.network('sending the update failed', caught);
          if (error.code === 'CONFLICT' && error.extensions.reason === ConflictReason.MISSING_DEPENDENCIES && conflicts < MAX_CONFLICTS) {
            conflicts += 1;
            const next = await this.afterResync();
            if (next instanceof DraftroomError) return this.fail(next);
            batch = next;
          } else if (error.extensions.limit === LimitName.UPDATE_BYTES && current.count > 1) {
            // Too large for the server: send the same updates in smaller batches.
            this.maxBatchBytes = Math.max(1, Math.floor(Math.min(this.maxBatchBytes, current.update.length) / 2));
            batch = this.takeBatch();
          } else if (error.retryable) {
            await this.waitToRetry(error);
            batch = this.takeBatch();
          } else {
            this.fail(error);
            return;
          }
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** The oldest queued updates, merged, up to `maxBatchBytes` (at least one); null when none is queued. */
  private takeBatch(): Batch | null {
    if (this.queue.length === 0) return null;
    let count = 1;
    let bytes = this.queue[0]!.length;
    while (count < this.queue.length && bytes + this.queue[count]!.length <= this.maxBatchBytes) {
      bytes += this.queue[count]!.length;
      count += 1;
    }
    return { update: count === 1 ? this.queue[0]! : Y.mergeUpdates(this.queue.slice(0, count)), count };
  }

  /** After CONFLICT: resync, then one batch of whatever the server lacks (it includes every queued update). */
  private async afterResync(): Promise<Batch | DraftroomError> {
    for (;;) {
      try {
        const serverStateVector = await this.io.resync();
        return { update: this.io.missingFrom(serverStateVector), count: this.queue.length };
      } catch (caught) {
        const error = caught instanceof DraftroomError ? caught : DraftroomError.network('resync failed', caught);
        if (!error.retryable || this.closed) return error;
        await this.waitToRetry(error);
      }
    }
  }

  private async waitToRetry(error: DraftroomError): Promise<void> {
    this.io.onRetry?.(error);
    const retryAfter = typeof error.extensions.retryAfterMs === 'number' ? error.extensions.retryAfterMs : null;
    this.waiting = true;
    await sleep(retryAfter ?? this.backoff.next(), this.wakeUp.signal);
    this.waiting = false;
    if (this.wakeUp.signal.aborted && !this.closed) this.wakeUp = new AbortController();
  }

  private acknowledge(count: number, seq: number): void {
    this.backoff.reset();
    this.queue.splice(0, count);
    this.ackedCount += count;
    if (count > 0) this.io.onUnacknowledged?.(this.queue.length);
    this.acked = Math.max(this.acked, seq);
    const ready = this.waiters.filter((w) => w.target <= this.ackedCount);
    this.waiters = this.waiters.filter((w) => w.target > this.ackedCount);
    for (const waiter of ready) waiter.resolve(this.acked);
  }

  private fail(error: DraftroomError): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.io.onFailed(error);
  }
}

function closedError(): DraftroomError {
  return new DraftroomError('NETWORK_ERROR', 'the session was closed before every edit was acknowledged');
}
