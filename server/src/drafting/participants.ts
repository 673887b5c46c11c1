/**
 * Revoking a participant (the secretariat's work): their token stops
 * working at once, everywhere.
 *
 *   - the row keeps the participant (comments, amendments and the change
 *     feed still name them) and gets `revokedAt`; token lookups skip revoked
 *     rows, so every later request with the token is UNAUTHENTICATED;
 *   - a `revoked <id>` notification is sent in the same transaction:
 *     PostgreSQL delivers it to every instance exactly when the revocation
 *     commits, and each closes the participant's open WebSockets (close code
 *     4003, see auth/liveConnections.ts). This instance also closes them
 *     right after its own commit, without waiting for the notification;
 *   - one PARTICIPANT_REVOKED event in the participant's declaration's feed
 *     (a secretariat belongs to no declaration: no event).
 *
 * Revoking twice changes nothing the second time. A secretariat cannot
 * revoke itself (the last one would lock everybody out): another one must.
 */
import { authorize } from '../auth/policy.js';
import { NOTIFY_CHANNEL, revokedNews } from '../collab/instanceNews.js';
import { ChangeKind, Participant } from '../db/entities/index.js';
import { badInput, notFound } from '../errors.js';
import { recordChange } from './recordChange.js';
import type { Command } from './command.js';
import { actorName } from './declarations.js';
import { isId } from './lookup.js';

export async function revokeParticipant(command: Command, participantId: string): Promise<Participant> {
  const viewer = command.viewer;
  if (!isId(participantId)) throw notFound('participant', participantId);
  const rows = await command.em.execute<{ declaration_id: string | null }[]>('select declaration_id from participant where id = ?', [
    participantId,
  ]);
  if (!rows[0]) throw notFound('participant', participantId);
  const declarationId = rows[0].declaration_id;
  authorize(viewer, 'participant.revoke', { declarationId, target: { what: 'participant', id: participantId } });
  if (participantId === viewer.id) {
    throw badInput('a secretariat cannot revoke its own token: another secretariat must do it', { field: 'participantId' });
  }
  // The declaration's lock orders this with every other write to it (and
  // numbers the change event); then the row is read fresh, under it.
  const declaration = declarationId ? await command.lockDeclaration(declarationId) : null;
  const participant = await command.em.findOneOrFail(Participant, { id: participantId }, { refresh: true });
  if (participant.revokedAt) return participant;
  participant.revokedAt = new Date();
  if (declaration) {
    recordChange(command, declaration, {
      kind: ChangeKind.PARTICIPANT_REVOKED,
      summary: `${actorName(command)} revoked the access of ${describe(participant)}`,
    });
  }
  await command.em.flush();
  // Delivered to every instance (this one too) when, and only if, this commits.
  await command.em.execute('select pg_notify(?, ?)', [NOTIFY_CHANNEL, revokedNews(participantId)]);
  command.afterCommit(() => command.connections.revoke(participantId));
  return participant;
}

function describe(p: Participant): string {
  const role = p.role.toLowerCase().replace('_', '-');
  return p.delegation ? `${p.name} (${role}, ${p.delegation})` : `${p.name} (${role})`;
}
