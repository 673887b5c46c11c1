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
 *
 * In production graphql-js's "Did you mean ...?" suggestions are cut from
 * messages: with introspection off they would still hand the schema out one
 * guess at a time. Cut here rather than with Apollo's
 * `hideSchemaDetailsFromClientErrors`, which covers validation errors over
 * HTTP only: this also covers variable coercion errors ("Field "nme" is not
 * defined by type ...") and WebSocket, whose errors are formatted here too.
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

export interface ErrorFormatting {
  log: Logger;
  /** The messages of internal errors go to the client too (development); otherwise "internal server error". */
  exposeDetails: boolean;
  /** graphql-js's "Did you mean ...?" suggestions stay in messages (development); otherwise cut. */
  schemaHints: boolean;
  /** Called with the code of every error formatted (the rejection metric). */
  onRejected?: (code: string) => void;
}

/** graphql-js ends a message with its suggestions: "Cannot query field "titel" on type "Declaration". Did you mean "title"?" */
const SUGGESTION = / ?Did you mean .*\?$/;

/** `message` without graphql-js's trailing suggestion of names from the schema. */
export function withoutSchemaHints(message: string): string {
  return message.replace(SUGGESTION, '');
}

/**
 * Formats one error for the client. Known failures keep their message and get
 * their code; anything else becomes INTERNAL_SERVER_ERROR, logged with
 * `requestId` so an operator can find it.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, options: ErrorFormatting): GraphQLFormattedError {
  const { log, exposeDetails, onRejected = () => {} } = options;
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
    // Our own messages (DomainError) carry no suggestion; graphql-js's may.
    const message = options.schemaHints || raw instanceof DomainError ? formatted.message : withoutSchemaHints(formatted.message);
    return { ...formatted, message, extensions: { ...(details ?? {}), code } };
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
