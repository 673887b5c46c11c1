/**
 * WebSocket close codes the server sends on purpose, for clients to act on.
 * The client SDK mirrors these (client-sdk/src/index.ts).
 *
 * 1012 Service Restart (RFC 6455 registry): the instance is shutting down
 * gracefully. Every acknowledged update is committed; whatever was not
 * acknowledged was not. Reconnect (after a short, jittered delay, to another
 * instance or this one once it is back), resubscribe with the last seq seen,
 * and resend unacknowledged updates.
 */
export const CLOSE_RESTARTING = 1012;
export const CLOSE_RESTARTING_REASON = 'server restarting';

/**
 * 1013 Try Again Later: the connection could not be admitted because the
 * database is unreachable right now (the token cannot be checked). Reconnect
 * with backoff.
 */
export const CLOSE_TRY_AGAIN_LATER = 1013;
export const CLOSE_TRY_AGAIN_LATER_REASON = 'database unavailable';
