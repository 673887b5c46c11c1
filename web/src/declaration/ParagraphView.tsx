/**
 * One paragraph: an `article` named "Paragraph <label>" with its status, its
 * GCM objective chips, its live text, and what the viewer may do with it.
 */
import type { EditorView } from '@codemirror/view';
import { useMemo, useState } from 'preact/hooks';
import { OBJECTIVES, roundTableOf } from '../gcm';
import type { AnchorMark } from './anchorMarks';
import { AmendmentForm, AmendmentList } from './Amendments';
import { CommentForm, CommentList } from './Comments';
import { PARAGRAPH_STATUS } from './labels';
import type { Paragraph } from './liveData';
import { ParagraphTools } from './ParagraphTools';
import { may, speaker, useRoom } from './room';
import { TextEditor } from './TextEditor';

function marksOf(paragraph: Paragraph): AnchorMark[] {
  const marks: AnchorMark[] = [];
  for (const comment of paragraph.comments) {
    const anchor = comment.anchor;
    if (comment.resolved || !anchor || anchor.orphaned || anchor.start === null || anchor.end === null) continue;
    marks.push({ from: anchor.start, to: anchor.end, kind: 'comment', title: `Comment by ${speaker(comment.author)}: ${comment.body}` });
  }
  for (const amendment of paragraph.amendments) {
    const anchor = amendment.anchor;
    if (amendment.status !== 'PENDING' || !anchor || anchor.orphaned || anchor.start === null || anchor.end === null) continue;
    marks.push({ from: anchor.start, to: anchor.end, kind: 'amendment', title: `Amendment by ${speaker(amendment.proposer)}` });
  }
  return marks;
}

export function ParagraphView({ paragraph }: { paragraph: Paragraph }) {
  const room = useRoom();
  const [form, setForm] = useState<'comment' | 'amendment' | null>(null);
  const label = paragraph.label;
  const ytext = useMemo(() => room.session.text(paragraph.id), [room.session, paragraph.id]);
  const marksKey = JSON.stringify(marksOf(paragraph));
  const marks = useMemo(() => JSON.parse(marksKey) as AnchorMark[], [marksKey]);
  const onView = (view: EditorView | null) => {
    if (view) room.editors.set(paragraph.id, view);
    else room.editors.delete(paragraph.id);
  };
  const deleted = paragraph.status === 'DELETED';
  return (
    <article aria-label={`Paragraph ${label}`} class={`paragraph status-${paragraph.status.toLowerCase()}`}>
      <header class="paragraph-header">
        <span class="paragraph-label">{label}.</span>
        <span class="paragraph-status" aria-label={`Status: ${PARAGRAPH_STATUS[paragraph.status]}`}>
          {deleted ? <s>{PARAGRAPH_STATUS[paragraph.status]}</s> : PARAGRAPH_STATUS[paragraph.status]}
        </span>
        {paragraph.objectives.length > 0 && (
          <ul class="objectives" aria-label={`GCM objectives of paragraph ${label}`}>
            {paragraph.objectives.map((objective) => (
              <li key={objective} class={`chip rt${roundTableOf(objective)}`} title={`${OBJECTIVES[objective]} (round table ${roundTableOf(objective)})`}>
                Objective {objective}
              </li>
            ))}
          </ul>
        )}
      </header>
      <div class={deleted ? 'paragraph-text deleted' : 'paragraph-text'}>
        <TextEditor
          ytext={ytext}
          label={`Text of paragraph ${label}`}
          editable={may.editText(room, paragraph)}
          awareness={room.awareness}
          marks={marks}
          onView={onView}
        />
      </div>
      <div class="buttons paragraph-actions">
        {may.comment(room) && (
          <button type="button" aria-expanded={form === 'comment'} onClick={() => setForm(form === 'comment' ? null : 'comment')}>
            Comment on paragraph {label}
          </button>
        )}
        {may.tableAmendment(room, paragraph) && (
          <button type="button" aria-expanded={form === 'amendment'} onClick={() => setForm(form === 'amendment' ? null : 'amendment')}>
            Propose amendment to paragraph {label}
          </button>
        )}
      </div>
      {form === 'comment' && <CommentForm paragraph={paragraph} onDone={() => setForm(null)} />}
      {form === 'amendment' && <AmendmentForm paragraph={paragraph} onDone={() => setForm(null)} />}
      {may.restructure(room) && <ParagraphTools paragraph={paragraph} />}
      <CommentList paragraph={paragraph} />
      <AmendmentList paragraph={paragraph} />
    </article>
  );
}
