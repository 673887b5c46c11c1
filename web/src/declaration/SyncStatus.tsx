/** The `status` named "Sync status": "Saved", "Saving…" or "Offline" (see syncState.ts). */
import type { DraftSession } from '@draftroom/client';
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api';
import { SYNC_LABELS, syncSnapshot, watchSync, type SyncSnapshot } from './syncState';

export function SyncStatus({ session }: { session: DraftSession | null }) {
  const [snapshot, setSnapshot] = useState<SyncSnapshot>({ state: 'connecting', failure: null });
  useEffect(() => {
    if (!session) return;
    setSnapshot(syncSnapshot(session));
    return watchSync(session, setSnapshot);
  }, [session]);
  return (
    <>
      <p role="status" aria-label="Sync status" class={`sync sync-${snapshot.state}`}>
        {SYNC_LABELS[snapshot.state]}
      </p>
      {snapshot.failure && (
        <p role="alert" class="error">
          Your last edits were refused and are not saved: {describeError(snapshot.failure)}. Reload the page to return to the saved text.
        </p>
      )}
    </>
  );
}
