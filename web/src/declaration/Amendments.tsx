/**
 * A paragraph's amendments: the "Propose amendment to paragraph <label>"
 * form (replacing the selected words, or the whole paragraph), and the list
 * "Amendments to paragraph <label>": proposer, text, status, supporters and
 * opponents, and only the buttons this viewer may use.
 */
import {
  AcceptAmendmentDocument,
  OpposeAmendmentDocument,
  ProposeAmendmentDocument,
  RejectAmendmentDocument,
  SupportAmendmentDocument,
  WithdrawAmendmentDocument,
  type ParticipantFieldsFragment,
} from '@draftroom/client';
import { useState } from 'preact/hooks';
import { ErrorMessage, useAction } from '../ui/action';
import type { Amendment, Paragraph } from './liveData';
import { may, selectionIn, speaker, useRoom, type Room } from './room';

const STATUS: Record<Amendment['status'], string> = {
  PENDING: 'Pending',
  ACCEPTED: 'Accepted',
  REJECTED: 'Rejected',
  WITHDRAWN: 'Withdrawn',
};

export function AmendmentForm({ paragraph, onDone }: { paragraph: Paragraph; onDone(): void }) {
  const room = useRoom();
  const [anchor] = useState(() => selectionIn(room, paragraph.id));
  const [text, setText] = useState(anchor?.quote ?? room.session.text(paragraph.id).toString());
  const [rationale, setRationale] = useState('');
  const action = useAction();
  const table = async (event: Event) => {
    event.preventDefault();
    const ok = await action.run(() =>
      room.client.request(ProposeAmendmentDocument, {
        paragraphId: paragraph.id,
        input: { text, rationale: rationale || null, anchor: anchor ? { start: anchor.start, end: anchor.end } : null },
      }),
    );
    if (ok) {
      room.refresh();
      onDone();
    }
  };
  return (
    <form class="inline-form" onSubmit={table}>
      <p class="form-context">{anchor ? <>Replacing the words “{anchor.quote}”</> : <>Replacing the whole paragraph</>}</p>
      <label>
        Proposed text
        <textarea value={text} onInput={(e) => setText(e.currentTarget.value)} rows={3} autofocus />
      </label>
      <label>
        Rationale
        <textarea value={rationale} onInput={(e) => setRationale(e.currentTarget.value)} rows={2} />
      </label>
      <div class="buttons">
        <button type="submit" disabled={action.busy}>
          Table amendment
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </form>
  );
}

export function AmendmentList({ paragraph }: { paragraph: Paragraph }) {
  if (paragraph.amendments.length === 0) return null;
  return (
    <section class="amendments">
      <h4>Amendments</h4>
      <ul aria-label={`Amendments to paragraph ${paragraph.label}`}>
        {paragraph.amendments.map((amendment) => (
          <AmendmentItem key={amendment.id} amendment={amendment} />
        ))}
      </ul>
    </section>
  );
}

/** Delegations, not delegates: "Mexico, Morocco". */
function names(people: ParticipantFieldsFragment[]): string {
  return people.length === 0 ? 'none' : [...new Set(people.map((p) => p.delegation ?? p.name))].join(', ');
}

function sameDelegation(a: ParticipantFieldsFragment, b: ParticipantFieldsFragment): boolean {
  return a.id === b.id || (a.delegation !== null && a.delegation === b.delegation);
}

function buttonsFor(room: Room, amendment: Amendment): ('Support' | 'Oppose' | 'Withdraw' | 'Accept' | 'Reject')[] {
  if (amendment.status !== 'PENDING') return [];
  const { viewer } = room;
  const own = sameDelegation(viewer, amendment.proposer);
  const buttons: ('Support' | 'Oppose' | 'Withdraw' | 'Accept' | 'Reject')[] = [];
  if (may.takePosition(room) && !own) {
    if (!amendment.supporters.some((p) => sameDelegation(p, viewer))) buttons.push('Support');
    if (!amendment.opponents.some((p) => sameDelegation(p, viewer))) buttons.push('Oppose');
  }
  if (may.takePosition(room) && amendment.proposer.id === viewer.id) buttons.push('Withdraw');
  if (may.decideAmendment(room)) buttons.push('Accept', 'Reject');
  return buttons;
}

const DOCUMENTS = {
  Support: SupportAmendmentDocument,
  Oppose: OpposeAmendmentDocument,
  Withdraw: WithdrawAmendmentDocument,
  Accept: AcceptAmendmentDocument,
  Reject: RejectAmendmentDocument,
} as const;

function AmendmentItem({ amendment }: { amendment: Amendment }) {
  const room = useRoom();
  const action = useAction();
  const act = (button: keyof typeof DOCUMENTS) =>
    action.run(async () => {
      // One of five mutations of the same shape: typed as any of them.
      await room.client.request(DOCUMENTS[button] as typeof SupportAmendmentDocument, { amendmentId: amendment.id });
      room.refresh();
    });
  return (
    <li class={`amendment ${amendment.status.toLowerCase()}`}>
      <p class="amendment-meta">
        <strong class="author">{speaker(amendment.proposer)}</strong> <span class="badge">{STATUS[amendment.status]}</span>
      </p>
      {amendment.anchor ? (
        <p>
          Replace{' '}
          <q class={amendment.anchor.orphaned ? 'orphaned' : undefined}>
            {amendment.anchor.orphaned ? <del>{amendment.anchor.quote}</del> : amendment.anchor.quote}
          </q>{' '}
          with <ins>{amendment.text || '(nothing: delete)'}</ins>
        </p>
      ) : (
        <p>
          Replace the whole paragraph with <ins>{amendment.text || '(nothing: delete)'}</ins>
        </p>
      )}
      {amendment.rationale && <p class="rationale">Rationale: {amendment.rationale}</p>}
      {amendment.decisionReason && <p class="rationale">Reason: {amendment.decisionReason}</p>}
      <p class="positions">
        Supported by: {names(amendment.supporters)} · Opposed by: {names(amendment.opponents)}
      </p>
      <div class="buttons">
        {buttonsFor(room, amendment).map((button) => (
          <button key={button} type="button" disabled={action.busy} onClick={() => act(button)}>
            {button}
          </button>
        ))}
      </div>
      <ErrorMessage error={action.error} />
    </li>
  );
}
