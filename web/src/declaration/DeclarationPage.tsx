/**
 * The drafting room for one declaration: the title (level-1 heading), the
 * parts as headings with their paragraphs, the sync status, who is present,
 * the change feed, revisions, exports, the lifecycle, and for those who may,
 * participants and invitations.
 *
 * The text is live through the session's Y.Doc; the rest (structure,
 * statuses, comments, amendments) is read again whenever the change feed
 * reports a change.
 */
import type { ChangeEvent, DraftroomClient, ParticipantFieldsFragment } from '@draftroom/client';
import type { EditorView } from '@codemirror/view';
import { useMemo, useRef } from 'preact/hooks';
import { describeError } from '../api';
import { ChangeFeed } from './ChangeFeed';
import { Exports } from './Exports';
import { Lifecycle } from './Lifecycle';
import { useChangeFeed, useDeclaration, useSession, type Declaration } from './liveData';
import { ParagraphView } from './ParagraphView';
import { Participants } from './Participants';
import { Presence } from './Presence';
import { Revisions } from './Revisions';
import { may, RoomContext, type Room } from './room';
import { AddFirstParagraph, AddSection } from './Structure';
import { SyncStatus } from './SyncStatus';

/** Events that change nothing the page reads from the declaration query (the text is live already). */
function needsRead(event: ChangeEvent, declaration: Declaration | null): boolean {
  if (event.kind !== 'PARAGRAPH_EDITED') return true;
  // Anchors move with the text: read them again where there are any.
  const paragraph = declaration?.sections.flatMap((s) => s.paragraphs).find((p) => p.id === event.paragraphId);
  return Boolean(paragraph && (paragraph.comments.some((c) => c.anchor) || paragraph.amendments.some((a) => a.anchor)));
}

export function DeclarationPage({ client, viewer, id }: { client: DraftroomClient; viewer: ParticipantFieldsFragment; id: string }) {
  const declaration = useDeclaration(client, id);
  const session = useSession(client, id);
  const latest = useRef(declaration.value);
  latest.current = declaration.value;
  const feed = useChangeFeed(client, id, (event) => {
    if (needsRead(event, latest.current)) declaration.refresh();
  });
  const editors = useRef(new Map<string, EditorView>()).current;
  // One per session (the same object for its life): the editors are made again only when it changes.
  const awareness = session.value?.awareness ?? null;
  const room: Room | null = useMemo(
    () =>
      declaration.value && session.value && awareness
        ? { client, viewer, declaration: declaration.value, session: session.value, awareness, refresh: declaration.refresh, editors }
        : null,
    [client, viewer, declaration.value, session.value, awareness],
  );

  const failure = declaration.error ?? session.error;
  if (!declaration.value) {
    return (
      <main class="declaration">
        {failure ? (
          <p role="alert" class="error">
            This declaration cannot be opened: {describeError(failure)}
          </p>
        ) : (
          <p class="muted">Loading the declaration…</p>
        )}
      </main>
    );
  }
  const d = declaration.value;
  return (
    <div class="room">
      <main class="declaration">
        <header class="declaration-header">
          <h1>{d.title}</h1>
          {d.forum && <p class="forum">{d.forum}</p>}
          <SyncStatus session={session.value} />
        </header>
        {declaration.error ? (
          <p role="alert" class="error">
            Could not read the latest changes: {describeError(declaration.error)}
          </p>
        ) : null}
        {!room ? (
          session.error ? (
            <p role="alert" class="error">
              The live text cannot be opened: {describeError(session.error)}
            </p>
          ) : (
            <p class="muted">Connecting to the live text…</p>
          )
        ) : (
          <RoomContext.Provider value={room}>
            {d.sections.map((section) => (
              <section key={section.id} aria-labelledby={`section-${section.id}`} class="part">
                <h2 id={`section-${section.id}`}>{section.title}</h2>
                {may.restructure(room) && <AddFirstParagraph section={section} />}
                {section.paragraphs.map((paragraph) => (
                  <ParagraphView key={paragraph.id} paragraph={paragraph} />
                ))}
              </section>
            ))}
            {d.sections.length === 0 && <p class="muted">No part yet.</p>}
            {may.restructure(room) && <AddSection />}
          </RoomContext.Provider>
        )}
      </main>
      <aside class="sidebar">
        {room && (
          <RoomContext.Provider value={room}>
            <Presence session={room.session} declaration={d} />
            <Lifecycle />
          </RoomContext.Provider>
        )}
        <ChangeFeed events={feed.events} error={feed.error} />
        {room && (
          <RoomContext.Provider value={room}>
            <Revisions />
            <Exports />
            {(viewer.role === 'SECRETARIAT' || viewer.role === 'CO_FACILITATOR') && <Participants />}
          </RoomContext.Provider>
        )}
      </aside>
    </div>
  );
}
