/**
 * Who is where in a declaration, as the `presence` subscription tells it:
 * first every connection present, then every move, and `connectionClosed`
 * when a connection goes. The server keeps presence per connection (a
 * WebSocket: a browser tab), so one participant with two tabs is two
 * entries here, each with its own cursor. Cursors are Yjs relative
 * positions (opaque to the server), so a cursor stays on its character
 * while others type; `index` resolves it against the local document when
 * read.
 *
 * On every resubscription the server sends its whole snapshot again: entries
 * it does not repeat soon after are gone (someone who left while we were
 * offline), without a flash of "nobody here" in between.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import type { ParticipantFieldsFragment, PresenceSubscription } from './generated/graphql.js';

export type PresenceParticipant = ParticipantFieldsFragment;

/** One connection's presence (a participant with two tabs has two). */
export interface PresenceEntry {
  participant: PresenceParticipant;
  /** The server's id of the connection; null for an announcement made over HTTP. */
  connectionId: string | null;
  /** This session's own connection (the socket its client shares). */
  own: boolean;
  /** The paragraph they are in, or null (present in the declaration, no paragraph). */
  paragraphId: string | null;
  /** Their caret, or null (none given, or not one this SDK can read). */
  cursor: Y.RelativePosition | null;
  /** The other end of their selection, or null (no selection: just the caret). */
  selectionAnchor: Y.RelativePosition | null;
  /** The caret as an offset into the paragraph's text in the local document, or null. */
  readonly index: number | null;
}

type PresenceEvent = PresenceSubscription['presence'];

/** How long after a resubscription the snapshot is taken to be complete (ms). */
const REFRESH_MS = 1_000;

/** An entry's key: its connection, or the participant's HTTP announcements. */
const keyOf = (event: { connectionId: string | null; participant: { id: string } }) => event.connectionId ?? `http:${event.participant.id}`;

export class PresenceMap {
  /** Every connection present, by connection id, in the order of their last moves. */
  readonly connections = new Map<string, PresenceEntry>();
  /** Entries held over from before a resubscription and not yet repeated by the new snapshot. */
  private stale = new Set<string>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly doc: Y.Doc,
    /** Called after every change of `connections`. */
    private readonly changed: () => void,
  ) {}

  /** Everyone present, by participant id: each participant's most recently moved connection. */
  byParticipant(): Map<string, PresenceEntry> {
    const entries = new Map<string, PresenceEntry>();
    for (const entry of this.connections.values()) {
      entries.delete(entry.participant.id);
      entries.set(entry.participant.id, entry);
    }
    return entries;
  }

  clear(): void {
    clearTimeout(this.refreshTimer);
    this.stale.clear();
    if (this.connections.size === 0) return;
    this.connections.clear();
    this.changed();
  }

  /** A resubscription began: its snapshot comes as a burst of events. Entries it has not repeated after REFRESH_MS are dropped. */
  beginRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.stale = new Set(this.connections.keys());
    if (this.stale.size === 0) return;
    this.refreshTimer = setTimeout(() => {
      let dropped = false;
      for (const key of this.stale) dropped = this.connections.delete(key) || dropped;
      this.stale.clear();
      if (dropped) this.changed();
    }, REFRESH_MS);
  }

  /** Applies one event. */
  apply(event: PresenceEvent): void {
    const key = keyOf(event);
    this.stale.delete(key);
    if (event.connectionClosed || event.left) {
      if (this.connections.delete(key)) this.changed();
      return;
    }
    const previous = this.connections.get(key);
    if (previous && sameAs(previous, event)) return;
    const doc = this.doc;
    const cursor = decodePosition(event.cursor);
    this.connections.delete(key); // re-inserted last: the order of moves
    this.connections.set(key, {
      participant: event.participant,
      connectionId: event.connectionId,
      own: event.ownConnection,
      paragraphId: event.paragraphId,
      cursor,
      selectionAnchor: decodePosition(event.selectionAnchor),
      get index() {
        if (!cursor) return null;
        return Y.createAbsolutePositionFromRelativePosition(cursor, doc)?.index ?? null;
      },
    });
    this.changed();
  }
}

/** What `updatePresence` is sent: a paragraph, a caret, the other end of a selection. */
export interface Announcement {
  paragraphId: string | null;
  cursor: string | null;
  selectionAnchor: string | null;
}

/** A position for `updatePresence`: an offset into the paragraph's text, or a relative position already made. */
export function encodePosition(doc: Y.Doc, paragraphId: string | null, position: number | Y.RelativePosition | null | undefined): string | null {
  if (position === null || position === undefined || paragraphId === null) return null;
  const relative = typeof position === 'number' ? Y.createRelativePositionFromTypeIndex(doc.getText(paragraphId), position) : position;
  return toBase64(Y.encodeRelativePosition(relative));
}

function decodePosition(encoded: string | null): Y.RelativePosition | null {
  if (!encoded) return null;
  try {
    return Y.decodeRelativePosition(fromBase64(encoded));
  } catch {
    return null; // another client's garbage: show them without a cursor
  }
}

function sameAs(entry: PresenceEntry, event: PresenceEvent): boolean {
  const encoded = (position: Y.RelativePosition | null) => (position ? toBase64(Y.encodeRelativePosition(position)) : null);
  return (
    entry.paragraphId === event.paragraphId &&
    entry.own === event.ownConnection &&
    encoded(entry.cursor) === event.cursor &&
    encoded(entry.selectionAnchor) === event.selectionAnchor &&
    JSON.stringify(entry.participant) === JSON.stringify(event.participant)
  );
}
