/**
 * The one place where failures become GraphQL errors.
 *
 * Every error a client sees carries `extensions.code`, one of the contract's
 * codes (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT),
 * UNAVAILABLE when PostgreSQL cannot be reached or the instance is shutting
 * down (nothing was acknowledged: retry), or INTERNAL_SERVER_ERROR for a
 * bug, whose details go to the log, not to the client. Every error formatted
 * here is counted by its code (`onRejected`, the metric
 * draftroom_operations_rejected_total).
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode, isDatabaseUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';

const CONTRACT_CODES = new Set<string>(Object.values(ErrorCode));

/** Codes that graphql-js, Apollo or graphql-ws give to a malformed request: the client's input is bad. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** The code of an error raised anywhere below a resolver, or null when it is a bug. */
export function codeOf(error: unknown): string | null {
  if (error instanceof DomainError) return error.code;
  if (error instanceof GraphQLError) {
    if (error.originalError && error.originalError !== error) {
      const inner = codeOf(error.originalError);
      if (inner) return inner;
    }
    const code = error.extensions?.code;
    if (typeof code === 'string') {
      if (CONTRACT_CODES.has(code)) return code;
      if (REQUEST_ERROR_CODES.has(code)) return ErrorCode.BAD_USER_INPUT;
    }
    // An error graphql-js raised itself (variable coercion, unknown field...) before any resolver ran.
    if (!error.originalError && !error.path) return ErrorCode.BAD_USER_INPUT;
    return null;
  }
  // The database went away under a resolver (refused, dropped, shut down): the client should retry.
  if (isDatabaseUnavailable(error)) return ErrorCode.UNAVAILABLE;
  return null;
}

/**
 * Formats one error for the client. Known failures keep their message and get
 * their code; anything else becomes INTERNAL_SERVER_ERROR, logged with
 * `requestId` so an operator can find it.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: Logger,
  exposeDetails: boolean,
  onRejected: (code: string) => void = () => {},
): GraphQLFormattedError {
  const code = codeOf(error);
  const details = error instanceof GraphQLError && error.originalError instanceof DomainError ? error.originalError.details : undefined;
  if (code) {
    onRejected(code);
    const raw = error instanceof GraphQLError ? error.originalError : error;
    if (code === ErrorCode.UNAVAILABLE && raw && !(raw instanceof DomainError) && !(raw instanceof GraphQLError)) {
      // A driver's message names hosts and ports: say what it means instead.
      log.warn({ err: raw, path: formatted.path }, 'database unavailable');
      return { ...formatted, message: 'the database is unavailable right now; retry shortly', extensions: { code } };
    }
    return { ...formatted, extensions: { ...(details ?? {}), code } };
  }
  onRejected('INTERNAL_SERVER_ERROR');
  log.error({ err: error instanceof GraphQLError ? (error.originalError ?? error) : error, path: formatted.path }, 'internal error');
  return {
    message: exposeDetails ? formatted.message : 'internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
