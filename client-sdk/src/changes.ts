/**
 * The change feed as an async iterator that survives the network.
 *
 * It subscribes `changes(declarationId, after)` and, whenever the stream
 * breaks, subscribes again with `after` = the last seq it holds, so the
 * server replays exactly what was missed. Each event is delivered once, in
 * seq order: a repeat (seq ≤ the last held) is dropped, and a gap (which the
 * server never makes, but a client should not trust blindly) restarts the
 * stream from the last seq held, so the missing events are replayed instead
 * of skipped.
 *
 *     for await (const event of client.changes(declarationId, { after: 0 })) { ... }
 *
 * `break` (or `return()`) ends the subscription. A failure that retrying
 * cannot cure (UNAUTHENTICATED, NOT_FOUND...) is thrown from the loop.
 */
import type { ReconnectOptions } from './backoff.js';
import type { DraftroomError } from './errors.js';
import { ChangesDocument, type ChangeEventFieldsFragment } from './generated/graphql.js';
import { ResilientSubscription } from './resilientSubscription.js';
import type { Transport } from './transport.js';

export type ChangeEvent = ChangeEventFieldsFragment;

export interface ChangesOptions {
  /** Deliver events with seq > after (default 0: from the first). */
  after?: number;
}

export function changeIterator(
  transport: Transport,
  declarationId: string,
  options: ChangesOptions,
  reconnect: ReconnectOptions | undefined,
  onEnd: () => void,
): AsyncIterableIterator<ChangeEvent> & { readonly lastSeq: number } {
  const queue: ChangeEvent[] = [];
  let held = options.after ?? 0;
  let failure: DraftroomError | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const stream = new ResilientSubscription(
    transport,
    ChangesDocument,
    {
      variables: () => ({ declarationId, after: held }),
      onEvent: ({ changes: event }) => {
        if (event.seq <= held) return;
        if (event.seq !== held + 1) return stream.restart();
        queue.push(event);
        held = event.seq;
        notify();
      },
      onFailed: (error) => {
        failure = error;
        notify();
      },
    },
    reconnect,
  );
  const end = () => {
    if (ended) return;
    ended = true;
    stream.stop();
    onEnd();
    notify();
  };
  return {
    get lastSeq() {
      return held;
    },
    async next(): Promise<IteratorResult<ChangeEvent>> {
      for (;;) {
        const event = queue.shift();
        if (event) return { value: event, done: false };
        if (failure) {
          const error = failure;
          end();
          throw error;
        }
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return(): Promise<IteratorResult<ChangeEvent>> {
      end();
      queue.length = 0;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
