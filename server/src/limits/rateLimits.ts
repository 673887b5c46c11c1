/**
 * Rate limits per caller: how many operations (GraphQL requests over HTTP,
 * WebSocket operations and export downloads alike) and how many
 * `applyUpdate`s one token may send a second.
 *
 * A caller is its token, by the token's SHA-256 (the same hash the database
 * holds; the token itself is never kept), when the token is a participant's;
 * otherwise (no token, or one nobody holds) its client address (the peer's,
 * or the one a trusted proxy forwarded: limits/clientAddress.ts), so that
 * made-up tokens cannot each get a fresh bucket. Each caller has a token bucket per
 * limit (see tokenBucket.ts). Buckets live in this process: with several
 * instances behind a load balancer a caller's ceiling is the sum of theirs.
 *
 * A refusal is BAD_USER_INPUT (the contract's closed list of codes has
 * nothing closer) with `extensions: { code, limit, retryAfterMs }`, answered
 * with HTTP 429 and `Retry-After` over HTTP; the refused operation has not
 * started, so it changed nothing.
 */
import { hashToken } from '../auth/tokens.js';
import type { Limits } from '../config.js';
import { DomainError, ErrorCode } from '../errors.js';
import { TokenBucket } from './tokenBucket.js';
import type { LimitName } from '../../../client-sdk/src/protocol.js';

export type RateLimitName = typeof LimitName.REQUESTS_PER_SECOND | typeof LimitName.UPDATES_PER_SECOND;

/** Forget buckets that have filled up again at most this often (they hold nothing a fresh one would not). */
const SWEEP_EVERY_MS = 10_000;

/**
 * A refused operation. `extensions.http` is read by Apollo Server (status and
 * headers of the HTTP response); the client sees `code`, `limit` and
 * `retryAfterMs` (errorMapping puts a DomainError's details in extensions).
 */
export class RateLimitError extends DomainError {
  readonly extensions: { http: { status: number; headers: Map<string, string> } };

  constructor(
    readonly limit: RateLimitName,
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(ErrorCode.BAD_USER_INPUT, message, { limit, retryAfterMs });
    this.extensions = { http: { status: 429, headers: new Map([['retry-after', String(Math.ceil(retryAfterMs / 1000))]]) } };
  }
}

interface RateSpec {
  name: RateLimitName;
  what: string;
  perSecond: number;
  burst: number;
  variables: string;
}

/** One limit over every caller: a bucket per key, made on first use. */
export class KeyedRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();
  private sweptAt: number;

  constructor(
    private readonly spec: RateSpec,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.sweptAt = now();
  }

  /** Takes one operation's token for `key`, or throws RateLimitError. */
  take(key: string): void {
    const now = this.now();
    if (now - this.sweptAt >= SWEEP_EVERY_MS) this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.spec.perSecond, this.spec.burst, now);
      this.buckets.set(key, bucket);
    }
    const taken = bucket.take(now);
    if (taken.ok) return;
    const { name, what, perSecond, burst, variables } = this.spec;
    throw new RateLimitError(
      name,
      taken.retryAfterMs,
      `too many ${what} from this caller: the limit is ${perSecond} per second in bursts of up to ${Math.max(1, burst)} (${variables}); retry in ${taken.retryAfterMs} ms`,
    );
  }

  /** How many callers have a bucket (tests, metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}

/** The caller's key: its token's hash when the token is a participant's, else its address. */
export function callerKey(token: string | null, authenticated: boolean, clientAddress: string | undefined): string {
  return authenticated && token ? `token:${hashToken(token)}` : `address:${clientAddress ?? 'unknown'}`;
}

/** What an operation's context may take from: the caller's own buckets. */
export interface CallerRates {
  /** One `applyUpdate` (throws RateLimitError when over the limit). */
  update(): void;
}

/** The rate limits of one server instance. A rate of 0 turns its limit off. */
export class RateLimits {
  private readonly requests: KeyedRateLimit | null;
  private readonly updates: KeyedRateLimit | null;

  constructor(limits: Pick<Limits, 'requestsPerSecond' | 'requestBurst' | 'updatesPerSecond' | 'updateBurst'>, now?: () => number) {
    this.requests =
      limits.requestsPerSecond > 0
        ? new KeyedRateLimit(
            {
              name: 'requestsPerSecond',
              what: 'operations',
              perSecond: limits.requestsPerSecond,
              burst: limits.requestBurst,
              variables: 'DRAFTROOM_MAX_REQUESTS_PER_SECOND, DRAFTROOM_REQUEST_BURST',
            },
            now,
          )
        : null;
    this.updates =
      limits.updatesPerSecond > 0
        ? new KeyedRateLimit(
            {
              name: 'updatesPerSecond',
              what: 'updates (applyUpdate)',
              perSecond: limits.updatesPerSecond,
              burst: limits.updateBurst,
              variables: 'DRAFTROOM_MAX_UPDATES_PER_SECOND, DRAFTROOM_UPDATE_BURST',
            },
            now,
          )
        : null;
  }

  /** One operation (an HTTP request or a WebSocket `subscribe` message) of `key`. */
  request(key: string): void {
    this.requests?.take(key);
  }

  /** The caller `key`'s buckets, for an operation's context. */
  caller(key: string): CallerRates {
    return { update: () => this.updates?.take(key) };
  }
}
