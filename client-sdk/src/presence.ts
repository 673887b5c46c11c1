/**
 * Who is where in a declaration, as the `presence` subscription tells it:
 * first everyone present, then every move, and `left` when someone's last
 * connection closes. Cursors are Yjs relative positions (opaque to the
 * server), so a cursor stays on its character while others type; `index`
 * resolves it against the local document when read.
 *
 * On every resubscription the server sends its whole snapshot again, so the
 * map is cleared first: someone who left while we were offline disappears.
 */
import * as Y from 'yjs';
import { fromBase64, toBase64 } from './base64.js';
import type { ParticipantFieldsFragment, PresenceSubscription } from './generated/graphql.js';

export type PresenceParticipant = ParticipantFieldsFragment;

/** One participant's presence. */
export interface PresenceEntry {
  participant: PresenceParticipant;
  /** The paragraph they are in, or null (present in the declaration, no paragraph). */
  paragraphId: string | null;
  /** Their cursor, or null (none given, or not one this SDK can read). */
  cursor: Y.RelativePosition | null;
  /** The cursor as an offset into the paragraph's text in the local document, or null. */
  readonly index: number | null;
}

/** How long after a resubscription the snapshot is taken to be complete (ms). */
const REFRESH_MS = 1_000;

export class PresenceMap {
  readonly entries = new Map<string, PresenceEntry>();
  /** Entries held over from before a resubscription and not yet repeated by the new snapshot. */
  private stale = new Set<string>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly doc: Y.Doc) {}

  clear(): void {
    clearTimeout(this.refreshTimer);
    this.stale.clear();
    this.entries.clear();
  }

  /**
   * A resubscription began: its snapshot comes as a burst of events. Entries
   * it has not repeated after REFRESH_MS are dropped (then `changed()`).
   */
  beginRefresh(changed: () => void): void {
    clearTimeout(this.refreshTimer);
    this.stale = new Set(this.entries.keys());
    if (this.stale.size === 0) return;
    this.refreshTimer = setTimeout(() => {
      let dropped = false;
      for (const id of this.stale) dropped = this.entries.delete(id) || dropped;
      this.stale.clear();
      if (dropped) changed();
    }, REFRESH_MS);
  }

  /** Applies one event; returns whether the map changed. */
  apply(event: PresenceSubscription['presence']): boolean {
    const id = event.participant.id;
    this.stale.delete(id);
    if (event.left) return this.entries.delete(id);
    const doc = this.doc;
    const cursor = decodeCursor(event.cursor);
    this.entries.set(id, {
      participant: event.participant,
      paragraphId: event.paragraphId,
      cursor,
      get index() {
        if (!cursor) return null;
        return Y.createAbsolutePositionFromRelativePosition(cursor, doc)?.index ?? null;
      },
    });
    return true;
  }
}

/** A cursor for `updatePresence`: an offset into the paragraph's text, or a relative position already made. */
export function encodeCursor(doc: Y.Doc, paragraphId: string | null, cursor: number | Y.RelativePosition | null | undefined): string | null {
  if (cursor === null || cursor === undefined || paragraphId === null) return null;
  const relative = typeof cursor === 'number' ? Y.createRelativePositionFromTypeIndex(doc.getText(paragraphId), cursor) : cursor;
  return toBase64(Y.encodeRelativePosition(relative));
}

function decodeCursor(cursor: string | null): Y.RelativePosition | null {
  if (!cursor) return null;
  try {
    return Y.decodeRelativePosition(fromBase64(cursor));
  } catch {
    return null; // another client's garbage: show them without a cursor
  }
}
