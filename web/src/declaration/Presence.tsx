/** Who is in the room now, and in which paragraph (from the session's presence). */
import type { DraftSession, PresenceEntry } from '@draftroom/client';
import { useEffect, useState } from 'preact/hooks';
import type { Declaration } from './liveData';
import { speaker } from './room';

const ROLE: Record<string, string> = {
  SECRETARIAT: 'Secretariat',
  CO_FACILITATOR: 'Co-facilitator',
  DELEGATION: 'Delegation',
  STAKEHOLDER: 'Stakeholder',
  OBSERVER: 'Observer',
};

export function roleName(role: string): string {
  return ROLE[role] ?? role;
}

export function Presence({ session, declaration }: { session: DraftSession; declaration: Declaration }) {
  const [entries, setEntries] = useState<PresenceEntry[]>(() => [...session.presence.values()]);
  useEffect(() => {
    const show = (map: ReadonlyMap<string, PresenceEntry>) => setEntries([...map.values()]);
    show(session.presence);
    session.on('presence', show);
    return () => session.off('presence', show);
  }, [session]);
  const labels = new Map(declaration.sections.flatMap((s) => s.paragraphs.map((p) => [p.id, p.label] as const)));
  return (
    <section aria-label="Present" class="panel presence">
      <h2>Present</h2>
      <ul>
        {entries.map((entry) => (
          <li key={entry.participant.id}>
            {speaker(entry.participant)} <span class="muted">{roleName(entry.participant.role)}</span>
            {entry.paragraphId && labels.has(entry.paragraphId) && <span class="muted"> · in paragraph {labels.get(entry.paragraphId)}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
