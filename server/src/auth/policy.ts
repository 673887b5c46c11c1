/**
 * Who may do what: the door to the policy (`server/src/policies/`, one table
 * per entity, DESIGN.md's permission table and the lifecycle's rules).
 *
 * Resolvers, commands and the group commit ask `authorize(viewer, action,
 * subject)` or `can(...)`; no other code compares roles or statuses.
 * Visibility comes first: a participant bound to another declaration gets
 * NOT_FOUND (it must not learn that the id exists), then the role decides
 * (FORBIDDEN), then the subject's state (CONFLICT, or FORBIDDEN for
 * something that is someone else's).
 */
import { unauthenticated } from '../errors.js';
import { authorize as authorizeSubject, type Action, type Subject, type Viewer } from '../policies/index.js';

export {
  boundDeclaration,
  can,
  deadlinePassed,
  POLICY,
  refusal,
  speakerName,
  STATUS_AFTER,
  visibleDeclarations,
  type Action,
  type Subject,
  type Viewer,
} from '../policies/index.js';

/** Throws UNAUTHENTICATED when there is no viewer; narrows the type otherwise. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

/**
 * Throws the policy's refusal. The subject may also be given as the
 * declaration's id (and what was looked for, so NOT_FOUND names it), as the
 * lookups before a lock do.
 */
export function authorize(viewer: Viewer, action: Action, subject: Subject | string | null = {}, target?: { what: string; id: string }): void {
  authorizeSubject(viewer, action, typeof subject === 'string' || subject === null ? { declarationId: subject, target } : subject);
}
