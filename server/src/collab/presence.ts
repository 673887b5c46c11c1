/**
 * Presence: who is in which paragraph, with an opaque cursor. Ephemeral:
 * kept in memory, never stored, shared between instances over NOTIFY.
 *
 * Kept per connection (a WebSocket: a browser tab, an editor), not per
 * participant: two tabs of one delegate are two cursors, as editors' remote
 * selections expect. Every event names its connection (`connection`);
 * `connectionClosed` says that connection went, and `left` that it was the
 * participant's last one here.
 *
 * A connection is present on a declaration once it has announced itself
 * there (`updatePresence` over WebSocket, or a `presence` /
 * `documentUpdates` subscription). Arriving by a subscription, it is
 * announced with no paragraph, and listed to later subscribers like anyone
 * present. An announcement made over HTTP has no connection to watch: it
 * counts as one pseudo-connection per participant (`http:<participantId>`)
 * and lapses after `httpTtlMs` unless renewed.
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
  /** The connection the item is about (see ConnectionKey). */
  connection: ConnectionKey;
  paragraphId: string | null;
  /** The caret: an encoded Y.RelativePosition, opaque to the server. */
  cursor: Uint8Array | null;
  /** The other end of a selection (null: no selection), opaque likewise. */
  selectionAnchor: Uint8Array | null;
  /** This connection closed (or lapsed, over HTTP). */
  connectionClosed: boolean;
  /** ... and it was the participant's last connection on this instance. */
  left: boolean;
}

/** A connection's identity; HTTP announcements use `http:<participantId>`. */
export type ConnectionKey = string;

const HTTP_PREFIX = 'http:';

/** The connection id clients see: null for the pseudo-connection of HTTP announcements. */
export function publicConnectionId(connection: ConnectionKey): string | null {
  return connection.startsWith(HTTP_PREFIX) ? null : connection;
}

/** How long a closed connection is remembered (far longer than setting up a subscription takes). */
const CLOSED_MEMORY_MS = 10 * 60_000;

const stateKey = (declarationId: string, connection: ConnectionKey) => `${declarationId}:${connection}`;

export class PresenceHub {
  private readonly emitter = new EventEmitter();
  /** declarationId → participantId → this instance's connections holding them present. */
  private readonly connections = new Map<string, Map<string, Set<ConnectionKey>>>();
  /** The last state of every connection present (this instance's and the others'), by declaration and connection. */
  private readonly lastState = new Map<string, PresenceItem>();
  private readonly httpTimers = new Map<string, NodeJS.Timeout>();
  private readonly known = new Map<string, PresenceParticipant>();
  /**
   * Connections closed in the last `CLOSED_MEMORY_MS`, oldest first. A
   * subscription or mutation still being set up when its socket closed
   * announces itself after `connectionClosed`: it must not join (nothing
   * would ever make it leave).
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
   * `connection` of `participant` is on `declarationId` (without moving its
   * cursor). A connection not yet present arrives: subscribers are told
   * (nowhere in particular), and later subscribers find it in `snapshot`.
   */
  join(declarationId: string, participant: PresenceParticipant, connection: ConnectionKey, announce = true): void {
    if (this.closed.has(connection)) return;
    this.known.set(participant.id, participant);
    if (announce && !this.lastState.has(stateKey(declarationId, connection))) {
      this.emit({ declarationId, participant, connection, paragraphId: null, cursor: null, selectionAnchor: null, connectionClosed: false, left: false });
    }
    const participants = this.connections.get(declarationId) ?? new Map<string, Set<ConnectionKey>>();
    const set = participants.get(participant.id) ?? new Set<ConnectionKey>();
    set.add(connection);
    participants.set(participant.id, set);
    this.connections.set(declarationId, participants);
  }

  /** `updatePresence`: moves the connection's cursor and tells everyone. */
  update(item: Omit<PresenceItem, 'left' | 'connection' | 'connectionClosed'>, connection: ConnectionKey | null): void {
    if (connection && this.closed.has(connection)) return;
    const key = connection ?? `${HTTP_PREFIX}${item.participant.id}`;
    this.join(item.declarationId, item.participant, key, false);
    if (!connection) {
      const timerKey = stateKey(item.declarationId, key);
      clearTimeout(this.httpTimers.get(timerKey));
      const timer = setTimeout(() => this.leave(item.declarationId, item.participant.id, key), this.httpTtlMs);
      timer.unref();
      this.httpTimers.set(timerKey, timer);
    }
    this.emit({ ...item, connection: key, connectionClosed: false, left: false });
  }

  /** A connection closed: it leaves every declaration it was on. */
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
    const key = stateKey(item.declarationId, item.connection);
    if (item.connectionClosed || item.left) this.lastState.delete(key);
    else this.lastState.set(key, item);
    this.emitter.emit(item.declarationId, item);
  }

  /** The current presence of every connection on the declaration (for a new subscriber). */
  snapshot(declarationId: string): PresenceItem[] {
    return [...this.lastState.values()].filter((i) => i.declarationId === declarationId);
  }

  listen(declarationId: string, listener: (item: PresenceItem) => void): () => void {
    this.emitter.on(declarationId, listener);
    return () => this.emitter.off(declarationId, listener);
  }

  private leave(declarationId: string, participantId: string, connection: ConnectionKey): void {
    const participants = this.connections.get(declarationId);
    const set = participants?.get(participantId);
    if (!participants || !set || !set.delete(connection)) return;
    const left = set.size === 0;
    if (left) participants.delete(participantId);
    if (participants.size === 0) this.connections.delete(declarationId);
    const participant = this.known.get(participantId) ?? { id: participantId, name: '', role: 'OBSERVER', delegation: null };
    this.emit({ declarationId, participant, connection, paragraphId: null, cursor: null, selectionAnchor: null, connectionClosed: true, left });
    if (!left) {
      // A client that reads presence per participant (no connection ids) just
      // saw them "nowhere": tell it again where their remaining connection is.
      const remaining = [...set].map((c) => this.lastState.get(stateKey(declarationId, c))).filter((i) => i !== undefined);
      const latest = remaining.at(-1);
      if (latest) this.emit(latest);
    }
  }

  private emit(item: PresenceItem): void {
    const key = stateKey(item.declarationId, item.connection);
    if (item.connectionClosed) this.lastState.delete(key);
    else {
      // Re-inserted so that the map's order is the order of the last moves.
      this.lastState.delete(key);
      this.lastState.set(key, item);
    }
    this.emitter.emit(item.declarationId, item);
    this.broadcast(item);
  }
}

/** An item as JSON for the other instances (NOTIFY): its byte fields in base64. */
export function presenceToJson(item: PresenceItem, extra: Record<string, unknown>): string {
  const base64 = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString('base64') : null);
  return JSON.stringify({ ...item, cursor: base64(item.cursor), selectionAnchor: base64(item.selectionAnchor), ...extra });
}

/** The item `presenceToJson` wrote, with its extra fields. Throws on what is not one. */
export function presenceFromJson(json: string): PresenceItem & Record<string, unknown> {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const bytes = (value: unknown) => (typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : null);
  if (typeof raw.declarationId !== 'string' || typeof raw.connection !== 'string') throw new Error('not a presence item');
  return { ...(raw as unknown as PresenceItem), cursor: bytes(raw.cursor), selectionAnchor: bytes(raw.selectionAnchor), connectionClosed: raw.connectionClosed === true, left: raw.left === true };
}
