/** Participants: the secretariat invites and revokes; presence is everyone's. */
import { Role } from '../db/entities/enums.js';
import type { Rule } from './rule.js';
import { ROWS } from './viewer.js';

/** The declaration an invited participant belongs to: none for a SECRETARIAT, which is global wherever it was invited. */
export function boundDeclaration(role: Role, declarationId: string): string | null {
  return role === Role.SECRETARIAT ? null : declarationId;
}

export const participantPolicy = {
  'participant.invite': ROWS.invite,
  'participant.revoke': ROWS.revoke,
  'participants.read': ROWS.listParticipants,
  'presence.update': ROWS.presence,
} satisfies Record<string, Rule>;
