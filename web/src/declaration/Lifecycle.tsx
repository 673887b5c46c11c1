/**
 * Where the declaration stands (drafting, under silence until a deadline,
 * adopted) and the lifecycle actions the viewer may take: the
 * co-facilitators start the silence procedure and adopt; a delegation breaks
 * silence with a reason and, after adoption, explains its position.
 */
import {
  AddExplanationOfPositionDocument,
  AdoptDeclarationDocument,
  BreakSilenceDocument,
  StartSilenceProcedureDocument,
} from '@draftroom/client';
import { useState } from 'preact/hooks';
import { ErrorMessage, useAction } from '../ui/action';
import { useRoom } from './room';

const STATUS = { DRAFTING: 'Drafting', SILENCE_PROCEDURE: 'Under silence procedure', ADOPTED: 'Adopted' } as const;

/** A local date-time for `<input type="datetime-local">`, `hours` from now. */
function localInputValue(hours: number): string {
  const date = new Date(Date.now() + hours * 3_600_000);
  date.setMinutes(date.getMinutes() - date.getTimezoneOffset());
  return date.toISOString().slice(0, 16);
}

export function Lifecycle() {
  const room = useRoom();
  const { declaration, viewer } = room;
  const action = useAction();
  const [deadline, setDeadline] = useState(() => localInputValue(24));
  const [reason, setReason] = useState('');
  const [explanation, setExplanation] = useState('');
  const run = (event: Event, task: () => Promise<unknown>, reset?: () => void) => {
    event.preventDefault();
    void action.run(async () => {
      await task();
      reset?.();
      room.refresh();
    });
  };
  const coFacilitator = viewer.role === 'CO_FACILITATOR';
  const delegation = viewer.role === 'DELEGATION';
  const id = declaration.id;

  return (
    <section aria-label="Lifecycle" class="panel lifecycle">
      <h2>Lifecycle</h2>
      <p>
        {STATUS[declaration.status]}
        {declaration.status === 'SILENCE_PROCEDURE' && declaration.silenceDeadline && (
          <> until {new Date(declaration.silenceDeadline).toLocaleString()}</>
        )}
      </p>
      {coFacilitator && declaration.status === 'DRAFTING' && (
        <form class="inline-form" onSubmit={(e) => run(e, () => room.client.request(StartSilenceProcedureDocument, { declarationId: id, deadline: new Date(deadline).toISOString() }))}>
          <label>
            Silence deadline
            <input type="datetime-local" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} required />
          </label>
          <button type="submit" disabled={action.busy}>
            Start silence procedure
          </button>
        </form>
      )}
      {coFacilitator && declaration.status === 'SILENCE_PROCEDURE' && (
        <button type="button" disabled={action.busy} onClick={(e) => run(e, () => room.client.request(AdoptDeclarationDocument, { declarationId: id }))}>
          Adopt the declaration
        </button>
      )}
      {delegation && declaration.status === 'SILENCE_PROCEDURE' && (
        <form class="inline-form" onSubmit={(e) => run(e, () => room.client.request(BreakSilenceDocument, { declarationId: id, reason }), () => setReason(''))}>
          <label>
            Reason for breaking silence
            <textarea value={reason} onInput={(e) => setReason(e.currentTarget.value)} rows={2} />
          </label>
          <button type="submit" disabled={action.busy}>
            Break silence
          </button>
        </form>
      )}
      {delegation && declaration.status === 'ADOPTED' && (
        <form
          class="inline-form"
          onSubmit={(e) => run(e, () => room.client.request(AddExplanationOfPositionDocument, { declarationId: id, text: explanation }), () => setExplanation(''))}
        >
          <label>
            Explanation of position
            <textarea value={explanation} onInput={(e) => setExplanation(e.currentTarget.value)} rows={3} />
          </label>
          <button type="submit" disabled={action.busy}>
            Add explanation of position
          </button>
        </form>
      )}
      <ErrorMessage error={action.error} />
      {declaration.explanationsOfPosition.length > 0 && (
        <>
          <h3>Explanations of position</h3>
          <ul aria-label="Explanations of position">
            {declaration.explanationsOfPosition.map((e) => (
              <li key={e.id}>
                <strong>{e.delegation}</strong>: {e.text}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
