/**
 * Who holds the open WebSocket connections of this instance: for the limit
 * on connections per token, and to close a revoked participant's sockets.
 *
 * A connection is registered once its `connection_init` is authenticated
 * (`admit`), under its caller key (see limits/rateLimits.ts `callerKey`) and,
 * when it has one, its participant. Admission is refused, and the socket
 * closed with a close code of ours, when the caller already holds
 * `connectionsPerToken` connections, or when the participant was revoked.
 *
 * Close codes. graphql-ws uses 4004, 4005 and the 4400-4599 range for its
 * protocol (4429 there is "too many initialisation requests"), so ours sit
 * below it, each named after the HTTP status it echoes:
 *   4029  too many connections for this token      (the client may retry later)
 *   4003  the participant's token was revoked      (retrying is useless: every
 *                                                   operation is UNAUTHENTICATED)
 * The graceful shutdown (runtime/) uses 1012 (service restart).
 *
 * Revocation reaches every instance: the revoking transaction sends a
 * `revoked <participantId>` notification (collab/instanceNews.ts), and each
 * instance, this one included, calls `revoke`. The ids are remembered, so a
 * connection whose `connection_init` was authenticated just before the
 * revocation committed is refused when it registers just after.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { CloseCode } from '../../../client-sdk/src/protocol.js';

export const CLOSE_TOO_MANY_CONNECTIONS = CloseCode.TOO_MANY_CONNECTIONS;
export const CLOSE_REVOKED = CloseCode.REVOKED;

/** What the registry needs of a socket (ws's WebSocket has it). */
export interface ClosableSocket {
  close(code: number, reason: string): void;
  /** 1 while open (ws's WebSocket.OPEN). */
  readonly readyState?: number;
}

interface Entry {
  key: string;
  participantId: string | null;
}

export type Admission = { ok: true } | { ok: false; code: number; reason: string };

export class LiveConnections {
  private readonly entries = new Map<ClosableSocket, Entry>();
  private readonly byKey = new Map<string, Set<ClosableSocket>>();
  private readonly byParticipant = new Map<string, Set<ClosableSocket>>();
  private readonly revokedIds = new Set<string>();

  /** `maxPerKey`: connections one caller may hold at once (0: unlimited). */
  constructor(private readonly maxPerKey: number) {}

  /**
   * Registers `socket` for caller `key` (and `participantId`), or refuses:
   * the caller decides what to do (close with `code` and `reason`).
   */
  admit(socket: ClosableSocket, key: string, participantId: string | null): Admission {
    if (participantId && this.revokedIds.has(participantId)) {
      return { ok: false, code: CLOSE_REVOKED, reason: 'this token was revoked' };
    }
    const held = this.byKey.get(key);
    if (this.maxPerKey > 0 && held && held.size >= this.maxPerKey) {
      return {
        ok: false,
        code: CLOSE_TOO_MANY_CONNECTIONS,
        // A close reason is at most 123 bytes: say which limit, and its variable.
        reason: `too many connections for this token (limit ${this.maxPerKey}, DRAFTROOM_MAX_CONNECTIONS_PER_TOKEN)`,
      };
    }
    this.entries.set(socket, { key, participantId });
    add(this.byKey, key, socket);
    if (participantId) add(this.byParticipant, participantId, socket);
    return { ok: true };
  }

  /** Forgets a closed socket (never admitted: nothing happens). */
  release(socket: ClosableSocket): void {
    const entry = this.entries.get(socket);
    if (!entry) return;
    this.entries.delete(socket);
    remove(this.byKey, entry.key, socket);
    if (entry.participantId) remove(this.byParticipant, entry.participantId, socket);
  }

  /** Closes every connection of a revoked participant, now and whenever one registers later. Returns how many it closed. */
  revoke(participantId: string): number {
    this.revokedIds.add(participantId);
    const sockets = [...(this.byParticipant.get(participantId) ?? [])];
    for (const socket of sockets) {
      this.release(socket);
      socket.close(CLOSE_REVOKED, 'this token was revoked');
    }
    return sockets.length;
  }

  /** Participants with an open connection (to re-check after missed notifications). */
  participants(): string[] {
    return [...this.byParticipant.keys()];
  }

  /** Open connections of caller `key`. */
  count(key: string): number {
    return this.byKey.get(key)?.size ?? 0;
  }
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function remove<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/**
 * After the notification listener lost its connection (and perhaps a
 * `revoked` notification with it): closes the sockets of connected
 * participants revoked meanwhile.
 */
export async function closeRevokedSockets(orm: MikroORM, connections: LiveConnections): Promise<void> {
  const connected = connections.participants();
  if (connected.length === 0) return;
  const placeholders = connected.map(() => '?').join(', ');
  const rows = await orm.em
    .fork()
    .execute<{ id: string }[]>(`select id from participant where revoked_at is not null and id in (${placeholders})`, connected);
  for (const row of rows) connections.revoke(row.id);
}
