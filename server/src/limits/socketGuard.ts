/**
 * The limits of a WebSocket connection, as graphql-ws hooks call them:
 *
 *   onConnect    `admit`: at most `connectionsPerToken` connections per
 *                caller, none for a revoked participant (closed with 4029 or
 *                4003, see auth/liveConnections.ts);
 *   onSubscribe  `refuseOperation`: every operation takes one token from the
 *                caller's request bucket (shared with its HTTP requests), and
 *                a subscription beyond `subscriptionsPerConnection` active
 *                ones is refused. Either refusal is an `error` message for
 *                that operation id with BAD_USER_INPUT; the socket stays open;
 *   onClose      `closed`: the connection no longer counts.
 *
 * Active subscriptions are the ids graphql-ws still holds in
 * `ctx.subscriptions` (it drops an id when the subscription completes,
 * fails or is cancelled by the client), so counting needs no bookkeeping of
 * completions: ids no longer there are pruned before each count.
 */
import { getOperationAST, GraphQLError, type DocumentNode } from 'graphql';
import type { Viewer } from '../auth/policy.js';
import type { ClosableSocket, LiveConnections } from '../auth/liveConnections.js';
import type { Limits } from '../config.js';
import { badInput, type DomainError } from '../errors.js';
import { clientAddress, type AddressedRequest, type TrustProxy } from './clientAddress.js';
import { callerKey, RateLimitError, type RateLimits } from './rateLimits.js';
import { LimitName } from '../../../client-sdk/src/protocol.js';

/** What the guard keeps per connection, in graphql-ws's `ctx.extra`. */
export interface GuardedExtra {
  socket: ClosableSocket;
  /** The upgrade request: its peer, and its X-Forwarded-For when the peer is a trusted proxy. */
  request: AddressedRequest;
  callerKey?: string;
  subscriptionIds?: Set<string>;
}

/** The parts of graphql-ws's server context the guard reads. */
export interface GuardedContext {
  extra: GuardedExtra;
  subscriptions: Record<string, unknown>;
}

function asGraphQLErrors(error: DomainError): GraphQLError[] {
  return [new GraphQLError(error.message, { originalError: error })];
}

export class SocketGuard {
  constructor(
    private readonly limits: Pick<Limits, 'subscriptionsPerConnection'>,
    private readonly rates: RateLimits,
    private readonly connections: LiveConnections,
    private readonly trust: TrustProxy,
  ) {}

  /** Registers an authenticated connection; false once it has been closed with the reason. */
  admit(extra: GuardedExtra, token: string | null, viewer: Viewer | null): boolean {
    // Already closed by someone else (an unreachable database, a shutdown): nothing to admit.
    if (extra.socket.readyState !== undefined && extra.socket.readyState !== 1) return false;
    extra.callerKey = callerKey(token, viewer !== null, clientAddress(extra.request, this.trust));
    extra.subscriptionIds = new Set();
    const admission = this.connections.admit(extra.socket, extra.callerKey, viewer?.id ?? null);
    if (admission.ok) return true;
    extra.socket.close(admission.code, admission.reason);
    return false;
  }

  /** The caller key of an admitted connection. */
  keyOf(extra: GuardedExtra): string {
    return extra.callerKey ?? callerKey(null, false, clientAddress(extra.request, this.trust));
  }

  /** Takes the operation's request token; the errors to answer with when over the rate. */
  refuseOperation(ctx: GuardedContext): GraphQLError[] | null {
    try {
      this.rates.request(this.keyOf(ctx.extra));
      return null;
    } catch (error) {
      if (error instanceof RateLimitError) return asGraphQLErrors(error);
      throw error;
    }
  }

  /** Counts subscription `id` on this connection; the errors to answer with when it would be one too many. */
  refuseSubscription(ctx: GuardedContext, id: string, document: DocumentNode, operationName: string | null | undefined): GraphQLError[] | null {
    if (getOperationAST(document, operationName)?.operation !== 'subscription') return null;
    const max = this.limits.subscriptionsPerConnection;
    const ids = (ctx.extra.subscriptionIds ??= new Set());
    for (const active of ids) if (!(active in ctx.subscriptions)) ids.delete(active);
    if (max > 0 && ids.size >= max) {
      return asGraphQLErrors(
        badInput(
          `this connection already has ${ids.size} active subscriptions; the limit is ${max} (DRAFTROOM_MAX_SUBSCRIPTIONS_PER_CONNECTION): complete one, or open another connection`,
          { limit: LimitName.SUBSCRIPTIONS_PER_CONNECTION },
        ),
      );
    }
    ids.add(id);
    return null;
  }

  /** The connection closed: it no longer counts toward its caller's connections. */
  closed(extra: Partial<GuardedExtra>): void {
    if (extra.socket) this.connections.release(extra.socket);
  }
}
