/**
 * Who may do what: the permission table of DESIGN.md, in one place.
 *
 * Resolvers and commands ask `authorize(viewer, action, declarationId)`; no
 * other code compares roles. Visibility comes first: a participant bound to
 * another declaration gets NOT_FOUND (it must not learn that the id exists),
 * and only then does the role decide (FORBIDDEN).
 */
import { notFound, forbidden, unauthenticated } from '../errors.js';
import { Role } from '../db/entities/enums.js';

/** The authenticated caller, as the policy sees it. */
export interface Viewer {
  id: string;
  name: string;
  role: Role;
  delegation: string | null;
  /** null for the (global) secretariat. */
  declarationId: string | null;
}

export type Action =
  | 'declaration.create'
  | 'participant.invite'
  | 'participant.revoke'
  | 'participants.read'
  | 'declaration.read'
  | 'text.edit'
  | 'lifecycle.run'
  | 'comment.write'
  | 'amendment.table'
  | 'position.explain'
  | 'presence.update';

const { SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER, OBSERVER } = Role;
const EVERYONE = [SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER, OBSERVER];

/** The permission table. Anything not listed: FORBIDDEN. */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  'declaration.create': [SECRETARIAT],
  'participant.invite': [SECRETARIAT],
  'participant.revoke': [SECRETARIAT],
  'participants.read': [SECRETARIAT, CO_FACILITATOR],
  'declaration.read': EVERYONE,
  // edit text (Yjs updates), sections, paragraphs, status, objectives
  'text.edit': [CO_FACILITATOR],
  // publish revision, accept/reject amendments, silence procedure, adopt
  'lifecycle.run': [CO_FACILITATOR],
  // comment, reply, resolve/reopen comments
  'comment.write': [SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER],
  // propose, support, oppose, withdraw amendments; break silence
  'amendment.table': [DELEGATION],
  'position.explain': [DELEGATION],
  'presence.update': EVERYONE,
};

const DESCRIPTIONS: Readonly<Record<Action, string>> = {
  'declaration.create': 'create a declaration',
  'participant.invite': 'invite participants',
  'participant.revoke': 'revoke participants',
  'participants.read': 'list participants',
  'declaration.read': 'read this declaration',
  'text.edit': 'edit the text or structure',
  'lifecycle.run': 'run the negotiation lifecycle',
  'comment.write': 'comment',
  'amendment.table': 'table or back amendments',
  'position.explain': 'explain a position',
  'presence.update': 'share presence',
};

/** Throws UNAUTHENTICATED when there is no viewer; narrows the type otherwise. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

/** Whether `viewer` may see anything of `declarationId` at all. */
export function canSee(viewer: Viewer, declarationId: string): boolean {
  return viewer.role === SECRETARIAT || viewer.declarationId === declarationId;
}

/**
 * Throws NOT_FOUND when the declaration is not the viewer's (the caller
 * passes what it was looking for, `what`/`id`, so the message names it), and
 * FORBIDDEN when the role may not perform `action`.
 */
export function authorize(
  viewer: Viewer,
  action: Action,
  declarationId: string | null,
  target: { what: string; id: string } = { what: 'declaration', id: declarationId ?? '' },
): void {
  if (declarationId !== null && !canSee(viewer, declarationId)) throw notFound(target.what, target.id);
  if (!PERMISSIONS[action].includes(viewer.role)) {
    throw forbidden(`a ${viewer.role} may not ${DESCRIPTIONS[action]}; allowed: ${PERMISSIONS[action].join(', ')}`);
  }
}
