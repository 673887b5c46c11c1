/**
 * WebSocket close codes the server sends on purpose, for clients to act on,
 * under the names the server's code uses. The values, and what a client
 * should do on each, live in the SDK's wire constants
 * (client-sdk/src/protocol.ts), which both sides import.
 */
import { CloseCode, CloseReason } from '../../../client-sdk/src/protocol.js';

/** 1012 Service Restart: the instance is shutting down gracefully. */
export const CLOSE_RESTARTING = CloseCode.RESTARTING;
export const CLOSE_RESTARTING_REASON = CloseReason.RESTARTING;

/** 1013 Try Again Later: the database is unreachable (the token cannot be checked). */
export const CLOSE_TRY_AGAIN_LATER = CloseCode.TRY_AGAIN_LATER;
export const CLOSE_TRY_AGAIN_LATER_REASON = CloseReason.TRY_AGAIN_LATER;
