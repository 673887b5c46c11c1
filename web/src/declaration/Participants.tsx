/**
 * The participants (for the secretariat and the co-facilitators, who may see
 * them) and, for the secretariat, the invitation form: the new participant's
 * one-time token and sign-in link are shown once, to be handed over.
 */
import { InviteParticipantDocument, ParticipantsOfDocument, type InviteParticipantMutation, type ParticipantFieldsFragment, type Role } from '@draftroom/client';
import { useEffect, useState } from 'preact/hooks';
import { ErrorMessage, useAction } from '../ui/action';
import { roleName } from './Presence';
import { may, speaker, useRoom } from './room';

const ROLES: Role[] = ['CO_FACILITATOR', 'DELEGATION', 'STAKEHOLDER', 'OBSERVER', 'SECRETARIAT'];

export function signInLink(token: string): string {
  return `${location.origin}/#token=${encodeURIComponent(token)}`;
}

export function Participants() {
  const room = useRoom();
  const [people, setPeople] = useState<ParticipantFieldsFragment[] | null>(null);
  const [reads, setReads] = useState(0);
  const load = useAction();
  useEffect(() => {
    void load.run(async () => {
      const { declaration } = await room.client.request(ParticipantsOfDocument, { id: room.declaration.id });
      setPeople(declaration?.participants ?? []);
    });
  }, [room.declaration.id, reads]);
  return (
    <section aria-label="Participants" class="panel participants">
      <h2>Participants</h2>
      <ErrorMessage error={load.error} />
      {people && (
        <ul>
          {people.map((p) => (
            <li key={p.id}>
              {speaker(p)} <span class="muted">{roleName(p.role)}</span>
            </li>
          ))}
        </ul>
      )}
      {may.invite(room) && <InviteForm onInvited={() => setReads(reads + 1)} />}
    </section>
  );
}

function InviteForm({ onInvited }: { onInvited(): void }) {
  const room = useRoom();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('DELEGATION');
  const [delegation, setDelegation] = useState('');
  const [invited, setInvited] = useState<InviteParticipantMutation['inviteParticipant'] | null>(null);
  const action = useAction();
  const invite = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const data = await room.client.request(InviteParticipantDocument, {
        declarationId: room.declaration.id,
        input: { name, role, delegation: delegation.trim() || null },
      });
      setInvited(data.inviteParticipant);
      setName('');
      setDelegation('');
      onInvited();
    });
  };
  return (
    <>
      <form class="inline-form" onSubmit={invite}>
        <h3>Invite a participant</h3>
        <label>
          Name
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Delegation or organisation
          <input value={delegation} onInput={(e) => setDelegation(e.currentTarget.value)} placeholder="e.g. Mexico" />
        </label>
        <button type="submit" disabled={action.busy}>
          Invite
        </button>
        <ErrorMessage error={action.error} />
      </form>
      {invited && (
        <section aria-label="New invitation" class="invitation">
          <p>
            {speaker(invited.participant)} is invited as {roleName(invited.participant.role)}. Hand over this token or link now: it is shown only
            once.
          </p>
          <p>
            Token: <code aria-label="One-time token">{invited.token}</code>
          </p>
          <p>
            Sign-in link: <a href={signInLink(invited.token)}>{signInLink(invited.token)}</a>
          </p>
        </section>
      )}
    </>
  );
}
