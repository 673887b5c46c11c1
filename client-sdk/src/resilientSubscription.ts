/**
 * A subscription that outlives its socket.
 *
 *   subscribe(variables()) ──event──▶ onEvent
 *        │ socket closed, network error, UNAVAILABLE, server completed
 *        ▼
 *   onOffline(error); wait (backoff, jittered); subscribe(variables()) again
 *        │ any other error (UNAUTHENTICATED, NOT_FOUND, FORBIDDEN...)
 *        ▼
 *   onFailed(error): stopped for good
 *
 * `variables()` is called before every attempt, so each resubscription can
 * say where the caller now is (a state vector, the last seq delivered): this
 * is what makes a resumed stream gapless without repeats.
 */
import { Backoff, sleep, type ReconnectOptions } from './backoff.js';
import { DraftroomError } from './errors.js';
import type { Transport } from './transport.js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface ResilientHandlers<R, V> {
  /** The variables of the next attempt. */
  variables(): V;
  onEvent(data: R): void;
  /** The stream broke and will be retried. */
  onOffline?(error: DraftroomError): void;
  /** The stream failed for good (the error is not retryable). */
  onFailed(error: DraftroomError): void;
}

export class ResilientSubscription<R, V> {
  private readonly backoff: Backoff;
  private readonly stopped = new AbortController();
  private unsubscribe: (() => void) | null = null;
  private endWait: (() => void) | null = null;
  private readonly unregisterWake: () => void;
  /** Attempts so far (1 after the first subscribe). */
  attempts = 0;

  constructor(
    private readonly transport: Transport,
    private readonly document: TypedDocumentNode<R, V>,
    private readonly handlers: ResilientHandlers<R, V>,
    reconnect?: ReconnectOptions,
  ) {
    this.backoff = new Backoff(reconnect);
    this.unregisterWake = transport.onWake(() => this.endWait?.());
    this.attempt();
  }

  get isStopped(): boolean {
    return this.stopped.signal.aborted;
  }

  /** Ends it and ends the current attempt (no handler is called afterwards). */
  stop(): void {
    if (this.stopped.signal.aborted) return;
    this.stopped.abort();
    this.unregisterWake();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Ends the current attempt and starts a new one at once (e.g. to resume from a known point after a gap). */
  restart(): void {
    if (this.isStopped) return;
    this.unsubscribe?.();
    this.attempt();
  }

  /** After an event arrived: the connection works, so the next failure starts the backoff afresh. */
  private succeeded(): void {
    this.backoff.reset();
  }

  private attempt(): void {
    if (this.isStopped || this.transport.isClosed) return;
    this.attempts += 1;
    const unsubscribe = this.transport.subscribe(this.document, this.handlers.variables(), {
      next: (data) => {
        if (this.unsubscribe !== unsubscribe) return;
        this.succeeded();
        this.handlers.onEvent(data);
      },
      error: (error) => {
        if (this.unsubscribe !== unsubscribe) return;
        this.unsubscribe = null;
        if (error.retryable) void this.retry(error);
        else {
          this.stop();
          this.handlers.onFailed(error);
        }
      },
      complete: () => {
        if (this.unsubscribe !== unsubscribe) return;
        this.unsubscribe = null;
        // The server ended a stream that has no end (it is shutting down): come back.
        void this.retry(DraftroomError.network('the server ended the stream'));
      },
    });
    this.unsubscribe = unsubscribe;
  }

  private async retry(error: DraftroomError): Promise<void> {
    this.handlers.onOffline?.(error);
    // The wait ends early on stop() or on the transport's wakeAll().
    const wait = new AbortController();
    const end = () => wait.abort();
    this.stopped.signal.addEventListener('abort', end, { once: true });
    this.endWait = end;
    await sleep(this.backoff.next(), wait.signal);
    this.endWait = null;
    this.stopped.signal.removeEventListener('abort', end);
    if (!this.unsubscribe) this.attempt();
  }
}
