/**
 * Revisions: the published texts, oldest first; the word diff between any
 * two (insertions and deletions marked); "Publish revision" for the
 * co-facilitators.
 */
import { PublishRevisionDocument, RevisionDocument, type RevisionQuery } from '@draftroom/client';
import { useEffect, useState } from 'preact/hooks';
import { ErrorMessage, useAction } from '../ui/action';
import { may, useRoom } from './room';

type Diff = NonNullable<RevisionQuery['revision']>['diff'];

const CHANGE: Record<Diff[number]['change'], string> = { ADDED: 'Added', REMOVED: 'Removed', MODIFIED: 'Modified', UNCHANGED: 'Unchanged' };

export function Revisions() {
  const room = useRoom();
  const revisions = room.declaration.revisions;
  const [older, setOlder] = useState('');
  const [newer, setNewer] = useState('');
  const [diff, setDiff] = useState<{ title: string; paragraphs: Diff } | null>(null);
  const [name, setName] = useState('');
  const compare = useAction();
  const publish = useAction();

  // Default: the last two revisions (or the only one, against nothing).
  useEffect(() => {
    setNewer(revisions.at(-1)?.id ?? '');
    setOlder(revisions.at(-2)?.id ?? '');
  }, [revisions.length]);

  const show = (event: Event) => {
    event.preventDefault();
    void compare.run(async () => {
      const { revision } = await room.client.request(RevisionDocument, { id: newer, against: older || null });
      const olderName = revisions.find((r) => r.id === older)?.name;
      setDiff({ title: olderName ? `${olderName} → ${revision!.name}` : revision!.name, paragraphs: revision!.diff });
    });
  };
  const publishRevision = (event: Event) => {
    event.preventDefault();
    void publish.run(async () => {
      await room.client.request(PublishRevisionDocument, { declarationId: room.declaration.id, name: name.trim() || null });
      setName('');
      room.refresh();
    });
  };

  return (
    <section aria-label="Revisions" class="panel revisions">
      <h2>Revisions</h2>
      {revisions.length === 0 ? (
        <p class="muted">No revision published yet.</p>
      ) : (
        <ol>
          {revisions.map((revision) => (
            <li key={revision.id}>
              {revision.name} <span class="muted">· {new Date(revision.publishedAt).toLocaleString()} · {revision.publishedBy.name}</span>
            </li>
          ))}
        </ol>
      )}
      {may.restructure(room) && (
        <form onSubmit={publishRevision} class="inline-form">
          <label>
            Revision name
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder={revisions.length ? `Rev.${revisions.length}` : 'Zero draft'} />
          </label>
          <button type="submit" disabled={publish.busy}>
            Publish revision
          </button>
          <ErrorMessage error={publish.error} />
        </form>
      )}
      {revisions.length > 0 && (
        <form onSubmit={show} class="inline-form">
          <label>
            Compare
            <select value={older} onChange={(e) => setOlder(e.currentTarget.value)}>
              <option value="">(nothing: all added)</option>
              {revisions.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            with
            <select value={newer} onChange={(e) => setNewer(e.currentTarget.value)}>
              {revisions.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={compare.busy || !newer}>
            Show differences
          </button>
          <ErrorMessage error={compare.error} />
        </form>
      )}
      {diff && <DiffView title={diff.title} paragraphs={diff.paragraphs} />}
    </section>
  );
}

function DiffView({ title, paragraphs }: { title: string; paragraphs: Diff }) {
  const changed = paragraphs.filter((p) => p.change !== 'UNCHANGED');
  return (
    <section aria-label={`Differences ${title}`} class="diff">
      <h3>Differences {title}</h3>
      {changed.length === 0 && <p class="muted">No paragraph changed.</p>}
      {changed.map((paragraph) => (
        <div key={paragraph.paragraphId} class={`diff-paragraph ${paragraph.change.toLowerCase()}`}>
          <p class="diff-label">
            {paragraph.label} <span class="badge">{CHANGE[paragraph.change]}</span>
          </p>
          <p>
            {paragraph.hunks.map((hunk, i) =>
              hunk.op === 'INSERT' ? <ins key={i}>{hunk.text}</ins> : hunk.op === 'DELETE' ? <del key={i}>{hunk.text}</del> : <span key={i}>{hunk.text}</span>,
            )}
          </p>
        </div>
      ))}
    </section>
  );
}
