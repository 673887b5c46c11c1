/**
 * What the "Sync status" says, from the SDK session: "Saved" once every
 * local edit is acknowledged by the server (committed to PostgreSQL),
 * "Saving…" while some wait (`unsyncedChanges` > 0), "Offline" while the
 * connection is down, and "Not saved" once the session has failed for good
 * (an edit refused: `status` 'failed', `session.error`).
 */
import type { DraftroomError, DraftSession } from '@draftroom/client';

export type SyncState = 'connecting' | 'saved' | 'saving' | 'offline' | 'failed';

export const SYNC_LABELS: Record<SyncState, string> = {
  connecting: 'Connecting…',
  saved: 'Saved',
  saving: 'Saving…',
  offline: 'Offline',
  failed: 'Not saved',
};

export interface SyncSnapshot {
  state: SyncState;
  /** Why edits are no longer sent (state 'failed'). */
  failure: DraftroomError | null;
}

export function syncSnapshot(session: DraftSession): SyncSnapshot {
  switch (session.status) {
    case 'failed':
      return { state: 'failed', failure: session.error };
    case 'offline':
      return { state: 'offline', failure: null };
    case 'connecting':
      return { state: 'connecting', failure: null };
    default:
      return { state: session.unsyncedChanges > 0 ? 'saving' : 'saved', failure: null };
  }
}

/** Calls `onChange` with the session's sync state whenever it may have changed; returns the stop function. */
export function watchSync(session: DraftSession, onChange: (snapshot: SyncSnapshot) => void): () => void {
  const report = () => onChange(syncSnapshot(session));
  session.on('status', report);
  session.on('unsyncedChanges', report);
  report();
  return () => {
    session.off('status', report);
    session.off('unsyncedChanges', report);
  };
}
