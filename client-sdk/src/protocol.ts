/**
 * The wire constants server and SDK agree on: WebSocket close codes, the
 * reasons a CONFLICT carries, the names of limits a refusal cites. One copy,
 * typed; neither side spells these numbers or strings itself.
 *
 * Why here: the SDK is a package of its own, built by its own tsconfig from
 * client-sdk/src (rootDir) and published; it cannot import from server/. The
 * server can import a file of the SDK's sources (`../../client-sdk/src/protocol.js`),
 * so the file lives with the SDK, which owns the wire contract its users
 * read. It imports nothing, so the server takes in nothing else of the SDK,
 * and the Dockerfile compiles it beside the server's files.
 */

/** WebSocket close codes the server sends on purpose, for clients to act on. */
export const CloseCode = {
  /**
   * 1012 Service Restart (RFC 6455 registry): the instance is shutting down
   * gracefully. Every acknowledged update is committed; whatever was not
   * acknowledged was not. Reconnect (after a short, jittered delay, to another
   * instance or this one once it is back), resubscribe with the last seq seen,
   * and resend unacknowledged updates.
   */
  RESTARTING: 1012,
  /**
   * 1013 Try Again Later: the connection could not be admitted because the
   * database is unreachable right now (the token cannot be checked). Reconnect
   * with backoff.
   */
  TRY_AGAIN_LATER: 1013,
  /** 4003: the participant's token was revoked. Retrying with it is useless. */
  REVOKED: 4003,
  /** 4029: too many connections for this token. The client may retry later. */
  TOO_MANY_CONNECTIONS: 4029,
  /** 4401 (graphql-ws): connection_init never came, or came without a valid token. */
  UNAUTHORIZED: 4401,
  /** 4403 (graphql-ws): forbidden; the server refused the connection's token. */
  FORBIDDEN: 4403,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** The reasons (`reason`) the server sends with those closes. */
export const CloseReason = {
  RESTARTING: 'server restarting',
  TRY_AGAIN_LATER: 'database unavailable',
} as const;

/** Close codes after which reconnecting with the same token is pointless. */
export const AUTH_CLOSE_CODES: readonly CloseCode[] = [CloseCode.UNAUTHORIZED, CloseCode.FORBIDDEN, CloseCode.REVOKED];

/** `extensions.reason` of a CONFLICT that a client handles by itself. */
export const ConflictReason = {
  /**
   * An update builds on updates the server has not got (another client's,
   * not yet committed, or lost with a restart). The client re-sends its whole
   * state as one update, which then applies.
   */
  MISSING_DEPENDENCIES: 'MISSING_DEPENDENCIES',
} as const;

export type ConflictReason = (typeof ConflictReason)[keyof typeof ConflictReason];

/** `extensions.limit` of a BAD_USER_INPUT refused by a limit. */
export const LimitName = {
  /** Requests per second per token (HTTP), with `retryAfterMs`. */
  REQUESTS_PER_SECOND: 'requestsPerSecond',
  /** Yjs updates per second per token, with `retryAfterMs`. */
  UPDATES_PER_SECOND: 'updatesPerSecond',
  /** One submitted batch of updates is larger than the server takes. */
  UPDATE_BYTES: 'updateBytes',
  /** Open subscriptions on one connection. */
  SUBSCRIPTIONS_PER_CONNECTION: 'subscriptionsPerConnection',
  /** Paragraphs in one declaration. */
  PARAGRAPHS_PER_DECLARATION: 'paragraphsPerDeclaration',
} as const;

export type LimitName = (typeof LimitName)[keyof typeof LimitName];
