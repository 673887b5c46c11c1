/**
 * Presence as a y-protocols `Awareness`, the object editor bindings read
 * remote cursors from (y-codemirror.next reads `cursor`, y-monaco `selection`):
 *
 *   server presence, per connection ──▶ one remote awareness state each:
 *     { user: { name, color, colorLight }, cursor: { anchor, head } | null,
 *       selection (the same as cursor), participant, paragraphId, connectionId }
 *     (anchor/head: Y.RelativePosition JSON, as a y-websocket peer's arrive)
 *   local state's `cursor` (or `selection`), written by a binding when the
 *   selection moves ──▶ `publish({ paragraphId, cursor: head, selectionAnchor: anchor })`
 *
 * Remote states get awareness client ids of their own (a counter), one per
 * connection: two tabs of one delegate are two cursors. The server says
 * when a connection goes, so remote states are not timed out the way
 * y-protocols times out peers that stop renewing their state (ours never
 * renew: the server does not repeat presence).
 */
import { toBase64 } from 'lib0/buffer';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Announcement, PresenceEntry, PresenceParticipant } from './presence.js';

/** What a remote awareness state holds (the fields bindings read, and who it is). */
export interface RemoteAwarenessState {
  user: { name: string; color: string; colorLight: string };
  cursor: { anchor: unknown; head: unknown } | null;
  /** The same as `cursor`, under the name y-monaco reads. */
  selection: { anchor: unknown; head: unknown } | null;
  participant: PresenceParticipant;
  paragraphId: string | null;
  connectionId: string | null;
}

/** Distinct colours, readable on white, each with a light tint for selections. */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

/** A participant's name and colour as bindings show them (the colour follows from their id: the same on every screen). */
export function userOf(participant: PresenceParticipant): RemoteAwarenessState['user'] {
  let hash = 0;
  for (const ch of participant.id) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  const color = PALETTE[Math.abs(hash) % PALETTE.length]!;
  return { name: participant.delegation ? `${participant.name} (${participant.delegation})` : participant.name, color, colorLight: `${color}33` };
}

export class AwarenessBridge {
  readonly awareness: Awareness;
  /** Connection key → the awareness client id standing for it. */
  private readonly clientIds = new Map<string, number>();
  private nextClientId = 1;
  /** The last announcement published; at first "nowhere", as the local state has no cursor (nothing to say until it has one). */
  private published = JSON.stringify(announcementOf(null, null));
  private destroyed = false;

  constructor(
    private readonly doc: Y.Doc,
    /** Origin of the awareness events of remote changes. */
    private readonly origin: unknown,
    /** Tells the server where the local cursor is now. */
    private readonly publish: (announcement: Announcement) => void,
  ) {
    this.awareness = new Awareness(doc);
    this.awareness.on('change', (_changes: unknown, origin: unknown) => {
      if (origin === 'local' && !this.destroyed) this.localChanged();
    });
  }

  /** Makes the remote states those of `connections` (this session's own connection aside). */
  show(connections: ReadonlyMap<string, PresenceEntry>): void {
    if (this.destroyed) return;
    const { awareness } = this;
    const added: number[] = [];
    const updated: number[] = [];
    const removed: number[] = [];
    const current = new Set<string>();
    for (const [key, entry] of connections) {
      if (entry.own) {
        this.nameLocalUser(entry.participant);
        continue;
      }
      current.add(key);
      let clientId = this.clientIds.get(key);
      if (clientId === undefined) {
        if (this.nextClientId === awareness.clientID) this.nextClientId += 1;
        this.clientIds.set(key, (clientId = this.nextClientId++));
      }
      const state = remoteStateOf(entry);
      const previous = awareness.states.get(clientId);
      if (previous && JSON.stringify(previous) === JSON.stringify(state)) continue;
      (previous ? updated : added).push(clientId);
      awareness.states.set(clientId, state);
      // Never timed out (see above): the server tells when the connection goes.
      awareness.meta.set(clientId, { clock: (awareness.meta.get(clientId)?.clock ?? 0) + 1, lastUpdated: Number.POSITIVE_INFINITY });
    }
    for (const [key, clientId] of this.clientIds) {
      if (current.has(key)) continue;
      this.clientIds.delete(key);
      awareness.states.delete(clientId);
      awareness.meta.delete(clientId);
      removed.push(clientId);
    }
    if (added.length + updated.length + removed.length === 0) return;
    awareness.emit('change', [{ added, updated, removed }, this.origin]);
    awareness.emit('update', [{ added, updated, removed }, this.origin]);
  }

  /** Removes the local state (others see this connection go) and stops the awareness' timer. */
  destroy(): void {
    if (this.destroyed) return;
    this.show(new Map());
    this.destroyed = true;
    this.awareness.destroy();
  }

  /** The local state changed: publish its cursor if it moved. */
  private localChanged(): void {
    const local = this.awareness.getLocalState();
    const announcement = announcementOf(this.doc, local?.cursor ?? local?.selection);
    const key = JSON.stringify(announcement);
    if (key === this.published) return;
    this.published = key;
    this.publish(announcement);
  }

  /** Bindings show the local user's name too (y-codemirror.next's own caret label); set it once if the application has not. */
  private nameLocalUser(participant: PresenceParticipant): void {
    const local = this.awareness.getLocalState();
    if (local && local.user === undefined) this.awareness.setLocalStateField('user', userOf(participant));
  }
}

/**
 * A remote cursor's position as bindings read it: a `Y.RelativePosition` with
 * every field, as a y-websocket peer's arrives. `relativePositionToJSON`
 * leaves out a null `item` (a cursor at the end of a text), which
 * y-codemirror.next then reads as present and crashes on.
 */
export function remotePosition(position: Y.RelativePosition): Y.RelativePosition {
  return Y.createRelativePositionFromJSON(Y.relativePositionToJSON(position));
}

function remoteStateOf(entry: PresenceEntry): RemoteAwarenessState {
  const json = remotePosition;
  const cursor = entry.cursor ? { anchor: json(entry.selectionAnchor ?? entry.cursor), head: json(entry.cursor) } : null;
  return {
    user: userOf(entry.participant),
    cursor,
    selection: cursor,
    participant: entry.participant,
    paragraphId: entry.paragraphId,
    connectionId: entry.connectionId,
  };
}

/**
 * Where a local awareness `cursor` ({ anchor, head }, relative positions or
 * their JSON) is, for `updatePresence`: the paragraph is the root Y.Text the
 * head is in. A cursor in no paragraph of this document is "nowhere".
 */
export function announcementOf(doc: Y.Doc | null, cursor: { anchor?: unknown; head?: unknown } | null | undefined): Announcement {
  const nowhere: Announcement = { paragraphId: null, cursor: null, selectionAnchor: null };
  if (!doc || !cursor || !cursor.head) return nowhere;
  const head = Y.createRelativePositionFromJSON(cursor.head);
  const anchor = cursor.anchor ? Y.createRelativePositionFromJSON(cursor.anchor) : head;
  const paragraphId = rootNameOf(doc, head);
  if (paragraphId === null) return nowhere;
  const encodedHead = toBase64(Y.encodeRelativePosition(head));
  const encodedAnchor = toBase64(Y.encodeRelativePosition(anchor));
  return { paragraphId, cursor: encodedHead, selectionAnchor: encodedAnchor === encodedHead ? null : encodedAnchor };
}

function rootNameOf(doc: Y.Doc, position: Y.RelativePosition): string | null {
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
  if (!absolute) return null;
  for (const [name, type] of doc.share) if (type === absolute.type) return name;
  return null;
}
