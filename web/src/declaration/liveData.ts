/**
 * The declaration's live data, as hooks:
 *
 * - `useDeclaration`: the structure, comments and amendments (one query),
 *   read again whenever the change feed says something changed. Reads never
 *   overlap: changes arriving during a read make exactly one more read after
 *   it, however many there were.
 * - `useChangeFeed`: the change feed from #1, through the SDK's iterator
 *   (it resumes after a reconnect with no repeat and no gap).
 * - `useSession`: the Yjs session (`client.openDeclaration`).
 */
import {
  DeclarationDocument,
  type ChangeEvent,
  type DeclarationQuery,
  type DraftroomClient,
  type DraftSession,
} from '@draftroom/client';
import { useEffect, useRef, useState } from 'preact/hooks';

export type Declaration = NonNullable<DeclarationQuery['declaration']>;
export type Section = Declaration['sections'][number];
export type Paragraph = Section['paragraphs'][number];
export type Comment = Paragraph['comments'][number];
export type Amendment = Paragraph['amendments'][number];

export interface Loaded<T> {
  value: T | null;
  error: unknown;
}

export function useDeclaration(client: DraftroomClient, id: string): Loaded<Declaration> & { refresh(): void } {
  const [state, setState] = useState<Loaded<Declaration>>({ value: null, error: null });
  const reader = useRef<{ refresh(): void } | null>(null);

  useEffect(() => {
    let stopped = false;
    let reading = false;
    let again = false;
    const read = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          try {
            const { declaration } = await client.request(DeclarationDocument, { id });
            if (stopped) return;
            setState(declaration ? { value: declaration, error: null } : { value: null, error: new Error('No such declaration, or not one you may see.') });
          } catch (error) {
            if (!stopped) setState((previous) => ({ value: previous.value, error }));
          }
        } while (again && !stopped);
      } finally {
        reading = false;
      }
    };
    reader.current = { refresh: () => void read() };
    void read();
    return () => {
      stopped = true;
    };
  }, [client, id]);

  return { ...state, refresh: () => reader.current?.refresh() };
}

/** The change feed, oldest first; `onEvent` is called for each new event. */
export function useChangeFeed(client: DraftroomClient, id: string, onEvent: (event: ChangeEvent) => void): { events: ChangeEvent[]; error: unknown } {
  const [events, setEvents] = useState<ChangeEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(onEvent);
  latest.current = onEvent;

  useEffect(() => {
    setEvents([]);
    const feed = client.changes(id, { after: 0 });
    let stopped = false;
    void (async () => {
      try {
        for await (const event of feed) {
          if (stopped) break;
          setEvents((previous) => [...previous, event]);
          latest.current(event);
        }
      } catch (failure) {
        if (!stopped) setError(failure);
      }
    })();
    return () => {
      stopped = true;
      void feed.return?.();
    };
  }, [client, id]);

  return { events, error };
}

export function useSession(client: DraftroomClient, id: string): Loaded<DraftSession> {
  const [state, setState] = useState<Loaded<DraftSession>>({ value: null, error: null });
  useEffect(() => {
    let session: DraftSession | null = null;
    let stopped = false;
    client.openDeclaration(id).then(
      (opened) => {
        if (stopped) return opened.close();
        session = opened;
        setState({ value: opened, error: null });
      },
      (error) => !stopped && setState({ value: null, error }),
    );
    return () => {
      stopped = true;
      session?.close();
    };
  }, [client, id]);
  return state;
}
