/**
 * WebSocket operations, watched: graphql-ws's `execute` and `subscribe`
 * wrapped so that each operation
 *  - is refused with UNAVAILABLE while the instance drains (runtime/serving.ts),
 *    and otherwise counted as running until it settles (the shutdown waits
 *    for it, so an applyUpdate sent over the socket gets its answer);
 *  - runs in its request's logging scope (`requestId` on every line), and is
 *    logged once: a query or mutation when it ends, a subscription when it
 *    starts and when it ends;
 *  - a subscription counts in draftroom_subscriptions{field} while it lives
 *    (decremented exactly once, whether the client completes it, the socket
 *    closes, or the source ends).
 */
import { GraphQLError, getOperationAST, execute as graphqlExecute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { performance } from 'node:perf_hooks';
import type { Context } from '../graphql/context.js';
import { requestContext } from '../logger.js';
import type { Services } from '../services.js';

type SubscribeFn = (args: ExecutionArgs) => Promise<AsyncGenerator<ExecutionResult> | ExecutionResult>;

/** Type and first root field of the operation (`applyUpdate`, `documentUpdates`...). */
function describe(args: ExecutionArgs): { type: string; field: string; name: string | null } {
  const operation = getOperationAST(args.document, args.operationName);
  const first = operation?.selectionSet.selections.find((s) => s.kind === 'Field');
  return {
    type: operation?.operation ?? 'unknown',
    field: first && first.kind === 'Field' ? first.name.value : 'unknown',
    name: operation?.name?.value ?? null,
  };
}

export function watchedWsExecution(services: Services, subscribe: SubscribeFn) {
  const { serving, metrics, log } = services;
  const refusal = (): ExecutionResult => ({ errors: [new GraphQLError(serving.drainingMessage, { extensions: { code: 'UNAVAILABLE' } })] });
  const scopeOf = (args: ExecutionArgs) => {
    const ctx = args.contextValue as Context | undefined;
    return { requestId: ctx?.requestId ?? 'unknown', connectionId: ctx?.connectionId ?? null };
  };

  function execute(args: ExecutionArgs): Promise<ExecutionResult> | ExecutionResult {
    if (serving.draining) return refusal();
    const scope = scopeOf(args);
    const started = performance.now();
    const result = requestContext.run({ requestId: scope.requestId }, () => Promise.resolve(graphqlExecute(args)));
    void serving.track(result).then(
      (value) => {
        const { type, field, name } = describe(args);
        log.info(
          { ...scope, operation: type, field, operationName: name, errors: value.errors?.length ?? 0, durationMs: Math.round((performance.now() - started) * 10) / 10 },
          'ws operation',
        );
      },
      () => undefined,
    );
    return result;
  }

  async function watchedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    if (serving.draining) return refusal();
    const scope = scopeOf(args);
    const { field, name } = describe(args);
    const source = await requestContext.run({ requestId: scope.requestId }, () => subscribe(args));
    if (!(Symbol.asyncIterator in Object(source))) {
      log.info({ ...scope, operation: 'subscription', field, operationName: name, errors: (source as ExecutionResult).errors?.length ?? 0 }, 'ws subscription refused');
      return source as ExecutionResult;
    }
    const iterator = source as AsyncGenerator<ExecutionResult>;
    const started = performance.now();
    metrics.subscriptions.inc({ field });
    log.info({ ...scope, operation: 'subscription', field, operationName: name }, 'ws subscription started');
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      metrics.subscriptions.dec({ field });
      log.info({ ...scope, operation: 'subscription', field, durationMs: Math.round(performance.now() - started) }, 'ws subscription ended');
    };
    return {
      async next() {
        try {
          const next = await iterator.next();
          if (next.done) end();
          return next;
        } catch (error) {
          end();
          throw error;
        }
      },
      async return(value?: unknown) {
        end();
        return iterator.return(value as never);
      },
      async throw(error?: unknown) {
        end();
        return iterator.throw(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    } as AsyncGenerator<ExecutionResult>;
  }

  return { execute, subscribe: watchedSubscribe };
}
