/** Setting up a declaration: creating it, inviting its participants (the secretariat's work). */
import { authorize, boundDeclaration, speakerName } from '../auth/policy.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { ChangeKind, Declaration, Participant, type Role } from '../db/entities/index.js';
import { recordChange } from './recordChange.js';
import type { Actor, Command } from './command.js';
import { lockDeclarationOf } from './lookup.js';
import { optionalText, requiredText } from './validation.js';

export interface CreateDeclarationProps {
  title: string;
  forum?: string | null;
}

/** Creates an empty declaration in DRAFTING. Only the secretariat. */
export async function createDeclaration(command: Command, props: CreateDeclarationProps): Promise<Declaration> {
  const viewer = command.viewer;
  authorize(viewer, 'declaration.create');
  const { limits } = command;
  const declaration = command.em.create(Declaration, {
    title: requiredText('title', props.title, limits.titleChars),
    forum: optionalText('forum', props.forum, limits.titleChars),
  });
  await command.em.flush();
  return declaration;
}

export interface InviteParticipantProps {
  declarationId: string;
  name: string;
  role: Role;
  delegation?: string | null;
}

export interface Invitation {
  participant: Participant;
  /** The only time the token exists outside the caller's hands: it is stored hashed. */
  token: string;
}

/**
 * Invites a participant into a declaration and returns their token once.
 * An invited SECRETARIAT is global like every secretariat; the declaration
 * only records where the invitation came from.
 */
export async function inviteParticipant(command: Command, props: InviteParticipantProps): Promise<Invitation> {
  const declaration = await lockDeclarationOf(command, 'participant.invite', 'declaration', props.declarationId);
  const { limits } = command;
  const token = newToken();
  const participant = command.em.create(Participant, {
    declaration: boundDeclaration(props.role, declaration.id),
    name: requiredText('name', props.name, limits.nameChars),
    role: props.role,
    delegation: optionalText('delegation', props.delegation, limits.nameChars),
    tokenHash: hashToken(token),
  });
  recordChange(command, declaration, {
    kind: ChangeKind.PARTICIPANT_INVITED,
    summary: `${actorName(command)} invited ${describeParticipant(participant)}`,
  });
  await command.em.flush();
  return { participant, token };
}

/** "Mexico" for a delegation's participant, otherwise the participant's name (the policy's, which decides by it). */
export { speakerName };

/** Who a change summary names: the viewer's delegation or name, or "The server" (SYSTEM_VIEWER). */
export function actorName(command: Command<Actor>): string {
  return speakerName(command.viewer);
}

function describeParticipant(p: Participant): string {
  const role = p.role.toLowerCase().replace('_', '-');
  return p.delegation ? `${p.name} (${role}, ${p.delegation})` : `${p.name} (${role})`;
}
