/**
 * Failures as the SDK reports them: one class, `DraftroomError`, whose `code`
 * is the server's `extensions.code` (the contract's codes, plus UNAVAILABLE
 * and INTERNAL_SERVER_ERROR), or NETWORK_ERROR when no answer arrived at all.
 *
 *     try { await client.request(AddParagraphDocument, vars); }
 *     catch (e) { if (e instanceof DraftroomError && e.code === 'FORBIDDEN') ... }
 */

/** Every code a `DraftroomError` can carry. */
export const ErrorCodes = [
  /** No token, or a token the server does not know (or a revoked one). */
  'UNAUTHENTICATED',
  /** The token's role may not do this, or not on this declaration. */
  'FORBIDDEN',
  /** Malformed or out-of-range input; also a limit (see `extensions.limit`). */
  'BAD_USER_INPUT',
  /** No such thing visible to the caller. */
  'NOT_FOUND',
  /** The lifecycle forbids it now; or, for an update, the server lacks what it builds on. */
  'CONFLICT',
  /** The server cannot commit right now (database unreachable, restarting): retry later. */
  'UNAVAILABLE',
  /** A bug on the server; its log has the details. */
  'INTERNAL_SERVER_ERROR',
  /** No answer: the network failed, or the server answered with something that is not GraphQL. */
  'NETWORK_ERROR',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

/** An error as the server sent it (the GraphQL error shape). */
export interface ServerError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export class DraftroomError extends Error {
  override readonly name = 'DraftroomError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The server's `extensions` (e.g. `reason`, `limit`, `retryAfterMs`), when it sent any. */
    readonly extensions: Record<string, unknown> = {},
    /** Where in the operation the error arose. */
    readonly path?: readonly (string | number)[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth trying again later as it was: the network, a restart, an outage, a rate limit. */
  get retryable(): boolean {
    return this.code === 'NETWORK_ERROR' || this.code === 'UNAVAILABLE' || typeof this.extensions.retryAfterMs === 'number';
  }

  /** The first of a response's errors, as a DraftroomError (unknown codes become INTERNAL_SERVER_ERROR). */
  static fromServer(errors: readonly ServerError[]): DraftroomError {
    const first = errors[0] ?? { message: 'the server answered with an empty error list' };
    const raw = first.extensions?.code;
    const code: ErrorCode = typeof raw === 'string' && (ErrorCodes as readonly string[]).includes(raw) ? (raw as ErrorCode) : 'INTERNAL_SERVER_ERROR';
    return new DraftroomError(code, first.message, first.extensions ?? {}, first.path);
  }

  static network(what: string, cause?: unknown): DraftroomError {
    const why = cause instanceof Error ? cause.message : cause === undefined ? '' : String(cause);
    return new DraftroomError('NETWORK_ERROR', why ? `${what}: ${why}` : what, {}, undefined, { cause });
  }
}
