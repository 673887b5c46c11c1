/**
 * Domain errors. Every refusal the server makes is a `DomainError` carrying
 * one of the contract's codes; `graphql/errorMapping.ts` turns it into a
 * GraphQL error in one place. Messages say what was expected and what arrived.
 *
 * `isDatabaseUnavailable` tells a failure to reach PostgreSQL (refused,
 * dropped, shut down by an administrator, no connection free in time) from a
 * bug: the first is UNAVAILABLE for the client, the second an internal error.
 */

export enum ErrorCode {
  /** No token, or a token the server does not know. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The caller's role may not do this, or not on this declaration. */
  FORBIDDEN = 'FORBIDDEN',
  /** Malformed or out-of-range input. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** Nothing of that id is visible to the caller. */
  NOT_FOUND = 'NOT_FOUND',
  /** The lifecycle forbids it now (frozen text, agreed paragraph, decided amendment...). */
  CONFLICT = 'CONFLICT',
  /**
   * The server cannot do it right now: the database is unreachable, or this
   * instance is shutting down. Nothing was acknowledged; retry (elsewhere).
   */
  UNAVAILABLE = 'UNAVAILABLE',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const unauthenticated = (message = 'a valid bearer token is required') =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string) => new DomainError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (what: string, id: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `no ${what} with id ${JSON.stringify(id)} is visible to you`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.CONFLICT, message, details);
export const unavailable = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.UNAVAILABLE, message, details);

/** Socket-level failures: nothing answers at the database's address, or the connection broke. */
const UNREACHABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that cannot serve: class 08 (connection exception),
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now
 * (starting up, shutting down, in recovery), 53300 too many connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * What pg, knex and MikroORM say when the connection is gone (they give no
 * code for these). "Transaction query already complete" is how knex answers
 * the next statement of a transaction whose connection died under it.
 */
const UNAVAILABLE_MESSAGES =
  /connection terminated|connection error|not queryable|timeout acquiring a connection|unable to acquire a connection|the database system is (starting up|shutting down|in recovery)|terminating connection|connection ended unexpectedly|client was closed|pool is (destroyed|draining)|transaction query already complete/i;

/** Whether `error` (or what it wraps) says PostgreSQL cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  if (error instanceof DomainError) return error.code === ErrorCode.UNAVAILABLE;
  const e = error as { code?: unknown; errno?: unknown; sqlState?: unknown; name?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  for (const code of [e.code, e.errno, e.sqlState]) {
    if (typeof code !== 'string') continue;
    if (UNREACHABLE_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException') return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  // AggregateError (a host with several addresses), `cause`, GraphQLError's originalError.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.originalError, depth + 1);
}
