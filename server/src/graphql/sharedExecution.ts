/**
 * Fan-out without repeated work.
 *
 * graphql-js runs a subscription's selection set once per subscriber per
 * event. With hundreds of observers on one declaration, that repeated work
 * is what makes fan-out slow. Our sources yield the same event object to
 * every follower of a declaration (see `sharedEvent`), so the result of
 * executing one selection set (document, operation, variables) for one event
 * is the same for every subscriber who may see it: compute it once, hand the
 * same result to each socket.
 *
 * The cache is keyed by the event object (a WeakMap: it goes when the event
 * is no longer referenced) and then by the operation text, the variables and
 * the subscriber's role (so that a role-dependent field could never leak a
 * result across roles).
 */
import {
  createSourceEventStream,
  execute,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { Context } from './context.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

const results = new WeakMap<object, Map<string, Result>>();
const printed = new WeakMap<DocumentNode, string>();

function operationKey(args: ExecutionArgs): string {
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  const role = (args.contextValue as Context | undefined)?.viewer?.role ?? '';
  return `${role}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${text}`;
}

/** graphql-js `subscribe`, with each event's execution shared between identical subscriptions. */
export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(stream))) return stream as ExecutionResult;
  const source = stream as AsyncGenerator<unknown>;
  const key = operationKey(args);
  const run = (payload: unknown): Result => {
    if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
    let perEvent = results.get(payload);
    if (!perEvent) {
      perEvent = new Map();
      results.set(payload, perEvent);
    }
    let result = perEvent.get(key);
    if (!result) {
      result = execute({ ...args, rootValue: payload });
      perEvent.set(key, result);
    }
    return result;
  };
  const iterator = {
    async next() {
      const next = await source.next();
      if (next.done) return { value: undefined, done: true };
      return { value: await run(next.value), done: false };
    },
    async return() {
      await source.return?.(undefined);
      return { value: undefined, done: true };
    },
    async throw(error) {
      await source.return?.(undefined);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<ExecutionResult>;
  return iterator;
}

const shared = new WeakMap<object, object>();

/** The one presentation of a source item that every follower yields (so `sharedSubscribe` can share its execution). */
export function sharedEvent<S extends object, T extends object>(item: S, present: (item: S) => T): T {
  let event = shared.get(item) as T | undefined;
  if (!event) {
    event = present(item);
    shared.set(item, event);
  }
  return event;
}
