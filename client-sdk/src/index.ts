/**
 * @draftroom/client: typed operations and a Yjs session over graphql-ws that
 * survives the network. See README.md beside this package.
 */
import { CloseCode } from './protocol.js';

export { DraftroomClient, type ClientEvents, type DraftroomClientOptions } from './client.js';
export { DraftSession, type OpenOptions, type SessionEvents, type SessionStatus } from './session.js';
export type { ChangeEvent, ChangesOptions } from './changes.js';
export type { PresenceEntry, PresenceParticipant } from './presence.js';
export { DraftroomError, ErrorCodes, type ErrorCode, type ServerError } from './errors.js';
export type { ReconnectOptions } from './backoff.js';
export type { ConnectionState, TransportOptions } from './transport.js';
export { toBase64, fromBase64 } from 'lib0/buffer';
export { userOf, type RemoteAwarenessState } from './awareness.js';
export type { Awareness } from 'y-protocols/awareness';
/** Close code of a server restarting (graceful shutdown): the SDK reconnects by itself. */
export const CLOSE_RESTARTING = CloseCode.RESTARTING;
export { AUTH_CLOSE_CODES, CloseCode, CloseReason, ConflictReason, LimitName } from './protocol.js';
export * from './generated/graphql.js';
