/**
 * The outbox: local Yjs updates on their way to the server.
 *
 * Protocol (the server's side is in server/src/graphql/resolvers/CollabResolver.ts):
 *
 *   1. Every local update is queued. One `applyUpdate` is in flight at a time
 *      per session; what piles up meanwhile goes next as one
 *      `Y.mergeUpdates`. Sending in order, one at a time, keeps every update
 *      causally ready: whatever it builds on was acknowledged before it left.
 *   2. An acknowledgement (`{ seq }`) means committed to PostgreSQL. Only then
 *      does the batch count as flushed.
 *   3. No answer (network cut, socket closed, UNAVAILABLE, a rate limit):
 *      the batch stays, later updates are merged into it, and it is sent
 *      again after a backoff, or at once when the connection is back
 *      (`wake()`). Resending is safe: Yjs updates are idempotent, so a batch
 *      committed whose answer was lost is a no-op the second time, never a
 *      duplicate.
 *   4. CONFLICT with reason MISSING_DEPENDENCIES: the server lacks something
 *      the batch builds on (it reached this document some other way). Resync
 *      (`documentState` from our state vector, applied as remote), then send
 *      everything the server lacks given *its* state vector, which includes
 *      the batch. A few times in a row at most.
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
}

/** Consecutive CONFLICTs (each after a resync) before giving up. */
const MAX_CONFLICTS = 5;

interface Waiter {
  target: number;
  resolve(seq: number): void;
  reject(error: Error): void;
}

export class Outbox {
  /** Updates queued and not yet part of a batch. */
  private queued: Uint8Array[] = [];
  /** Local updates queued since the start, and how many of them are acknowledged. */
  private queuedCount = 0;
  private ackedCount = 0;
  private sending = false;
  private waiters: Waiter[] = [];
  private readonly backoff: Backoff;
  private wakeUp = new AbortController();
  private closed = false;
  /** Highest seq acknowledged to this session's updates (0: none yet). */
  acked = 0;
  /** The refusal that stopped sending, if any. */
  failure: DraftroomError | null = null;

  constructor(
    private readonly io: OutboxIo,
    reconnect?: ReconnectOptions,
  ) {
    this.backoff = new Backoff(reconnect);
  }

  /** Local updates not yet acknowledged. */
  get unacknowledged(): number {
    return this.queuedCount - this.ackedCount;
  }

  push(update: Uint8Array): void {
    if (this.closed) return;
    this.queued.push(update);
    this.queuedCount += 1;
    void this.pump();
  }

  /** Resolves with the highest acknowledged seq once every update queued so far is acknowledged. */
  flushed(): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ackedCount >= this.queuedCount) return Promise.resolve(this.acked);
    if (this.closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => this.waiters.push({ target: this.queuedCount, resolve, reject }));
  }

  /** The connection is back: end a retry's wait now. */
  wake(): void {
    this.wakeUp.abort();
  }

  /** Stops sending; pending `flushed()` calls reject. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeUp.abort();
    for (const waiter of this.waiters.splice(0)) waiter.reject(closedError());
  }

  private async pump(): Promise<void> {
    if (this.sending || this.failure || this.closed || this.queued.length === 0) return;
    this.sending = true;
    try {
      let batch = this.takeQueued();
      let conflicts = 0;
      while (batch && !this.closed) {
        const current = batch;
        try {
          const seq = await this.io.apply(current.update);
          this.acknowledge(current.end, seq);
          conflicts = 0;
          batch = this.takeQueued();
        } catch (caught) {
          const error = caught instanceof DraftroomError ? caught : DraftroomError.network('sending the update failed', caught);
          if (error.code === 'CONFLICT' && error.extensions.reason === 'MISSING_DEPENDENCIES' && conflicts < MAX_CONFLICTS) {
            conflicts += 1;
            const next = await this.afterResync(current);
            if (next instanceof DraftroomError) return this.fail(next);
            batch = next;
          } else if (error.retryable) {
            this.io.onRetry?.(error);
            const retryAfter = typeof error.extensions.retryAfterMs === 'number' ? error.extensions.retryAfterMs : null;
            await sleep(retryAfter ?? this.backoff.next(), this.wakeUp.signal);
            if (this.wakeUp.signal.aborted && !this.closed) this.wakeUp = new AbortController();
            batch = this.takeQueued(current);
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

  /**
   * The next batch: `previous` (unsent, being retried) merged with whatever
   * was queued since, or null when there is nothing to send.
   */
  private takeQueued(previous?: { update: Uint8Array; end: number } | null): { update: Uint8Array; end: number } | null {
    const parts = previous ? [previous.update, ...this.queued] : this.queued;
    if (parts.length === 0) return null;
    const update = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
    this.queued = [];
    return { update, end: this.queuedCount };
  }

  /** After CONFLICT: resync, then the batch is whatever the server lacks (it includes everything queued). */
  private async afterResync(batch: { update: Uint8Array; end: number }): Promise<{ update: Uint8Array; end: number } | DraftroomError> {
    try {
      const serverStateVector = await this.io.resync();
      this.queued = [];
      return { update: this.io.missingFrom(serverStateVector), end: this.queuedCount };
    } catch (caught) {
      const error = caught instanceof DraftroomError ? caught : DraftroomError.network('resync failed', caught);
      if (!error.retryable) return error;
      // Could not resync now: send the same batch again later; it meets the CONFLICT again and resyncs then.
      this.io.onRetry?.(error);
      await sleep(this.backoff.next(), this.wakeUp.signal);
      if (this.wakeUp.signal.aborted && !this.closed) this.wakeUp = new AbortController();
      return this.takeQueued(batch)!;
    }
  }

  private acknowledge(end: number, seq: number): void {
    this.backoff.reset();
    this.ackedCount = Math.max(this.ackedCount, end);
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
