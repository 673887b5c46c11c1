/**
 * After sign-in, at `/`: a participant of one declaration goes straight into
 * it; one who sees several (the secretariat) gets a list of links named by
 * their titles, and the secretariat the form to create a declaration.
 */
import { CreateDeclarationDocument, DeclarationsDocument, type DeclarationsQuery, type DraftroomClient, type ParticipantFieldsFragment } from '@draftroom/client';
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api';
import { ErrorMessage, useAction } from '../ui/action';

type Listed = DeclarationsQuery['declarations'];

export function Home({ client, viewer, navigate }: { client: DraftroomClient; viewer: ParticipantFieldsFragment; navigate(path: string, replace?: boolean): void }) {
  const [declarations, setDeclarations] = useState<Listed | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    client.request(DeclarationsDocument).then(({ declarations: list }) => {
      if (list.length === 1 && viewer.role !== 'SECRETARIAT') navigate(`/declarations/${list[0]!.id}`, true);
      else setDeclarations(list);
    }, setError);
  }, [client]);

  if (error) {
    return (
      <main>
        <p role="alert" class="error">
          The declarations cannot be listed: {describeError(error)}
        </p>
      </main>
    );
  }
  if (!declarations) return <main class="muted">Loading…</main>;
  return (
    <main class="home">
      <h1>Declarations</h1>
      {declarations.length === 0 ? (
        <p>No declaration yet.</p>
      ) : (
        <ul aria-label="Declarations">
          {declarations.map((d) => (
            <li key={d.id}>
              <a
                href={`/declarations/${d.id}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/declarations/${d.id}`);
                }}
              >
                {d.title}
              </a>
              {d.forum && <span class="muted"> · {d.forum}</span>}
            </li>
          ))}
        </ul>
      )}
      {viewer.role === 'SECRETARIAT' && <CreateDeclaration client={client} navigate={navigate} />}
    </main>
  );
}

function CreateDeclaration({ client, navigate }: { client: DraftroomClient; navigate(path: string): void }) {
  const [title, setTitle] = useState('');
  const [forum, setForum] = useState('International Migration Review Forum');
  const action = useAction();
  const create = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const { createDeclaration } = await client.request(CreateDeclarationDocument, { input: { title, forum: forum.trim() || null } });
      navigate(`/declarations/${createDeclaration.id}`);
    });
  };
  return (
    <form class="inline-form" onSubmit={create}>
      <h2>Create a declaration</h2>
      <label>
        Title
        <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <label>
        Forum
        <input value={forum} onInput={(e) => setForum(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={action.busy}>
        Create declaration
      </button>
      <ErrorMessage error={action.error} />
    </form>
  );
}
