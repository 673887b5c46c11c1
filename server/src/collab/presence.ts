/**
 * Presence: who is in which paragraph, with an opaque cursor. Ephemeral:
 * kept in memory, never stored, shared between instances over NOTIFY.
 *
 * A participant is present on a declaration while at least one of their
 * connections has announced itself there (`updatePresence` over WebSocket,
 * or a `presence` / `documentUpdates` subscription). Arriving by a
 * subscription, they are announced with no paragraph, and listed to later
 * subscribers like anyone present. When the last such connection closes,
 * subscribers get `left: true`. An announcement made over
 * HTTP has no connection to watch: it lapses after `httpTtlMs` unless
 * renewed.
 */
import { EventEmitter } from 'node:events';

export interface PresenceParticipant {
  id: string;
  name: string;
  role: string;
  delegation: string | null;
}

export interface PresenceItem {
  declarationId: string;
  participant: PresenceParticipant;
  paragraphId: string | null;
  cursor: Uint8Array | null;
  left: boolean;
}

/** A connection's identity; HTTP announcements use a key per participant. */
export type ConnectionKey = string;

/** How long a closed connection is remembered (far longer than setting up a subscription takes). */
const CLOSED_MEMORY_MS = 10 * 60_000;

export class PresenceHub {
  private readonly emitter = new EventEmitter();
  /** declarationId → participantId → connections holding them present. */
  private readonly connections = new Map<string, Map<string, Set<ConnectionKey>>>();
  private readonly lastState = new Map<string, PresenceItem>();
  private readonly httpTimers = new Map<string, NodeJS.Timeout>();
  private readonly known = new Map<string, PresenceParticipant>();
  /**
   * Connections closed in the last `CLOSED_MEMORY_MS`, oldest first. A
   * subscription or mutation still being set up when its socket closed
   * announces itself after `connectionClosed`: it must not join (nothing
   * would ever make its participant leave).
   */
  private readonly closed = new Map<ConnectionKey, number>();

  constructor(
    /** Sends an item to the other instances (NOTIFY). */
    private readonly broadcast: (item: PresenceItem) => void,
    private readonly httpTtlMs = 30_000,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /**
   * A connection of `participant` is on `declarationId` (without moving its
   * cursor). A participant not yet present arrives: subscribers are told
   * (nowhere in particular), and later subscribers find them in `snapshot`.
   */
  join(declarationId: string, participant: PresenceParticipant, connection: ConnectionKey, announce = true): void {
    if (this.closed.has(connection)) return;
    this.known.set(participant.id, participant);
    if (announce && !this.lastState.has(`${declarationId}:${participant.id}`)) {
      this.emit({ declarationId, participant, paragraphId: null, cursor: null, left: false });
    }
    const participants = this.connections.get(declarationId) ?? new Map<string, Set<ConnectionKey>>();
    const set = participants.get(participant.id) ?? new Set<ConnectionKey>();
    set.add(connection);
    participants.set(participant.id, set);
    this.connections.set(declarationId, participants);
  }

  /** `updatePresence`: moves the participant's cursor and tells everyone. */
  update(item: Omit<PresenceItem, 'left'>, connection: ConnectionKey | null): void {
    if (connection && this.closed.has(connection)) return;
    if (connection) {
      this.join(item.declarationId, item.participant, connection, false);
    } else {
      const key = `http:${item.participant.id}`;
      this.join(item.declarationId, item.participant, key, false);
      clearTimeout(this.httpTimers.get(`${item.declarationId}:${key}`));
      const timer = setTimeout(() => this.leave(item.declarationId, item.participant.id, key), this.httpTtlMs);
      timer.unref();
      this.httpTimers.set(`${item.declarationId}:${key}`, timer);
    }
    this.emit({ ...item, left: false });
  }

  /** A connection closed: every declaration it was on may see its participant leave. */
  connectionClosed(connection: ConnectionKey): void {
    const now = Date.now();
    for (const [key, at] of this.closed) {
      if (now - at < CLOSED_MEMORY_MS) break;
      this.closed.delete(key);
    }
    this.closed.set(connection, now);
    for (const [declarationId, participants] of this.connections) {
      for (const [participantId, set] of participants) {
        if (set.has(connection)) this.leave(declarationId, participantId, connection);
      }
    }
  }

  /** Items from another instance: told to this instance's subscribers, and kept for its later ones (`snapshot`). */
  remote(item: PresenceItem): void {
    const key = `${item.declarationId}:${item.participant.id}`;
    const hereToo = this.connections.get(item.declarationId)?.has(item.participant.id) ?? false;
    if (!item.left) this.lastState.set(key, item);
    else if (!hereToo) this.lastState.delete(key);
    this.emitter.emit(item.declarationId, item);
  }

  /** The current presence of everyone on the declaration (for a new subscriber). */
  snapshot(declarationId: string): PresenceItem[] {
    return [...this.lastState.values()].filter((i) => i.declarationId === declarationId && !i.left);
  }

  listen(declarationId: string, listener: (item: PresenceItem) => void): () => void {
    this.emitter.on(declarationId, listener);
    return () => this.emitter.off(declarationId, listener);
  }

  private leave(declarationId: string, participantId: string, connection: ConnectionKey): void {
    const participants = this.connections.get(declarationId);
    const set = participants?.get(participantId);
    if (!participants || !set || !set.delete(connection)) return;
    if (set.size > 0) return;
    participants.delete(participantId);
    if (participants.size === 0) this.connections.delete(declarationId);
    const participant = this.known.get(participantId) ?? { id: participantId, name: '', role: 'OBSERVER', delegation: null };
    this.emit({ declarationId, participant, paragraphId: null, cursor: null, left: true });
  }

  private emit(item: PresenceItem): void {
    const key = `${item.declarationId}:${item.participant.id}`;
    if (item.left) this.lastState.delete(key);
    else this.lastState.set(key, item);
    this.emitter.emit(item.declarationId, item);
    this.broadcast(item);
  }
}
