/** The co-facilitators' structure tools: a new part (section), a new paragraph at the start of a part. */
import { AddParagraphDocument, AddSectionDocument } from '@draftroom/client';
import { useState } from 'preact/hooks';
import { ErrorMessage, useAction } from '../ui/action';
import type { Section } from './liveData';
import { useRoom } from './room';

export function AddSection() {
  const room = useRoom();
  const [title, setTitle] = useState('');
  const action = useAction();
  const add = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      await room.client.request(AddSectionDocument, { declarationId: room.declaration.id, input: { title } });
      setTitle('');
      room.refresh();
    });
  };
  return (
    <form class="inline-form add-section" onSubmit={add}>
      <label>
        New section title
        <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={action.busy}>
        Add section
      </button>
      <ErrorMessage error={action.error} />
    </form>
  );
}

export function AddFirstParagraph({ section }: { section: Section }) {
  const room = useRoom();
  const action = useAction();
  return (
    <div class="buttons">
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          action.run(async () => {
            await room.client.request(AddParagraphDocument, { sectionId: section.id, input: { text: '' } });
            room.refresh();
          })
        }
      >
        Add paragraph at the start of {section.title}
      </button>
      <ErrorMessage error={action.error} />
    </div>
  );
}
