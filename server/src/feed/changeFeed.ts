/**
 * News of committed change events, for the `changes` subscription.
 *
 * The rows in `change_event` are the data; this only says "declaration D has
 * events up to seq N now", after the transaction that wrote them committed.
 * A subscriber that hears it reads the rows it has not seen yet, so a lost
 * or merged notification costs latency, never an event.
 */
import { EventEmitter } from 'node:events';

export class ChangeFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Called after commit: events up to `seq` of `declarationId` are readable. */
  published(declarationId: string, seq: number): void {
    this.emitter.emit(declarationId, seq);
  }

  /** Calls `listener` with the newest seq after each commit; returns the unsubscribe function. */
  listen(declarationId: string, listener: (seq: number) => void): () => void {
    this.emitter.on(declarationId, listener);
    return () => this.emitter.off(declarationId, listener);
  }
}
