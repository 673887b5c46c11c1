/**
 * The change feed: a region named "Change feed", one line per event, "#<seq>"
 * and its summary, oldest first, following live. The newest lines are kept
 * in view unless the reader has scrolled up to read older ones.
 */
import type { ChangeEvent } from '@draftroom/client';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { describeError } from '../api';

/** Lines kept on screen (the whole log stays in the server's `changeLog`). */
const SHOWN = 500;

export function ChangeFeed({ events, error }: { events: ChangeEvent[]; error: unknown }) {
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const element = list.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [events.length]);
  const onScroll = () => {
    const element = list.current!;
    pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
  };
  return (
    <section aria-label="Change feed" class="panel change-feed">
      <h2>Change feed</h2>
      {error ? <p role="alert" class="error">The change feed stopped: {describeError(error)}</p> : null}
      {events.length === 0 && !error && <p class="muted">No change yet.</p>}
      <ol ref={list} onScroll={onScroll} aria-live="polite" aria-relevant="additions">
        {events.slice(-SHOWN).map((event) => (
          <li key={event.seq}>
            <span class="seq">#{event.seq}</span> <span class="summary">{event.summary}</span>{' '}
            <time dateTime={event.at}>{new Date(event.at).toLocaleTimeString()}</time>
          </li>
        ))}
      </ol>
    </section>
  );
}
