/**
 * The co-facilitators' tools on one paragraph, while DRAFTING: its status,
 * its GCM objectives, its place (up, down), and a new paragraph after it.
 */
import { AddParagraphDocument, MoveParagraphDocument, SetParagraphObjectivesDocument, SetParagraphStatusDocument, type ParagraphStatus } from '@draftroom/client';
import { useEffect, useState } from 'preact/hooks';
import { ErrorMessage, useAction } from '../ui/action';
import type { Paragraph } from './liveData';
import { PARAGRAPH_STATUS } from './labels';
import { useRoom } from './room';

const STATUSES = Object.keys(PARAGRAPH_STATUS) as ParagraphStatus[];

export function ParagraphTools({ paragraph }: { paragraph: Paragraph }) {
  const room = useRoom();
  const action = useAction();
  const label = paragraph.label;
  const [objectives, setObjectives] = useState(paragraph.objectives.join(', '));
  useEffect(() => setObjectives(paragraph.objectives.join(', ')), [paragraph.objectives.join(',')]);

  const section = room.declaration.sections.find((s) => s.id === paragraph.section.id)!;
  const index = section.paragraphs.findIndex((p) => p.id === paragraph.id);
  const run = (task: () => Promise<unknown>) =>
    action.run(async () => {
      await task();
      room.refresh();
    });
  const move = (afterParagraphId: string | null) =>
    run(() => room.client.request(MoveParagraphDocument, { paragraphId: paragraph.id, input: { sectionId: section.id, afterParagraphId } }));
  const setStatus = (status: ParagraphStatus) => run(() => room.client.request(SetParagraphStatusDocument, { paragraphId: paragraph.id, status }));
  const saveObjectives = (event: Event) => {
    event.preventDefault();
    const numbers = objectives
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map(Number);
    void run(() => room.client.request(SetParagraphObjectivesDocument, { paragraphId: paragraph.id, objectives: numbers }));
  };

  return (
    <details class="tools">
      <summary>Edit paragraph {label}</summary>
      <div class="tool-row">
        <label>
          Status of paragraph {label}
          <select value={paragraph.status} disabled={action.busy} onChange={(e) => setStatus(e.currentTarget.value as ParagraphStatus)}>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {PARAGRAPH_STATUS[status]}
              </option>
            ))}
          </select>
        </label>
        <form onSubmit={saveObjectives} class="objectives-form">
          <label>
            Objectives of paragraph {label}
            <input value={objectives} onInput={(e) => setObjectives(e.currentTarget.value)} placeholder="e.g. 5, 12" inputMode="numeric" />
          </label>
          <button type="submit" disabled={action.busy}>
            Set objectives
          </button>
        </form>
      </div>
      <div class="buttons">
        <button type="button" disabled={action.busy || index <= 0} onClick={() => move(index >= 2 ? section.paragraphs[index - 2]!.id : null)}>
          Move paragraph {label} up
        </button>
        <button
          type="button"
          disabled={action.busy || index >= section.paragraphs.length - 1}
          onClick={() => move(section.paragraphs[index + 1]!.id)}
        >
          Move paragraph {label} down
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() => run(() => room.client.request(AddParagraphDocument, { sectionId: section.id, input: { afterParagraphId: paragraph.id, text: '' } }))}
        >
          Add paragraph after {label}
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </details>
  );
}
