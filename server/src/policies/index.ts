/**
 * The policy: one table per entity, asked by every resolver, command and
 * the group commit. `can` answers, `authorize` throws the refusal:
 * NOT_FOUND first for another declaration's participant (it must not learn
 * that the id exists), then FORBIDDEN for the role, then what the subject's
 * state says (CONFLICT for a frozen or decided thing, FORBIDDEN for someone
 * else's). Nothing else compares roles or statuses.
 */
import { forbidden, notFound, type DomainError } from '../errors.js';
import { amendmentPolicy } from './amendment.js';
import { commentPolicy } from './comment.js';
import { canSee, declarationPolicy } from './declaration.js';
import { documentTextPolicy } from './documentText.js';
import { paragraphPolicy } from './paragraph.js';
import { participantPolicy } from './participant.js';
import { revisionPolicy } from './revision.js';
import type { Rule, Subject } from './rule.js';
import { sectionPolicy } from './section.js';
import type { Viewer } from './viewer.js';

export const POLICY = {
  ...declarationPolicy,
  ...participantPolicy,
  ...sectionPolicy,
  ...paragraphPolicy,
  ...documentTextPolicy,
  ...revisionPolicy,
  ...commentPolicy,
  ...amendmentPolicy,
} satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;

/** The refusal `viewer` gets for `action` on `subject`, or null when allowed. */
export function refusal(viewer: Viewer, action: Action, subject: Subject = {}): DomainError | null {
  const rule: Rule = POLICY[action];
  const { declarationId } = subject;
  if (declarationId != null && !canSee(viewer, declarationId)) {
    const target = subject.target ?? { what: 'declaration', id: declarationId };
    return notFound(target.what, target.id);
  }
  if (!rule.roles.includes(viewer.role)) {
    return forbidden(`a ${viewer.role} may not ${rule.does}; allowed: ${rule.roles.join(', ')}`);
  }
  return rule.state?.(viewer, subject) ?? null;
}

export function can(viewer: Viewer, action: Action, subject: Subject = {}): boolean {
  return refusal(viewer, action, subject) === null;
}

/** Throws the refusal, if any (see `refusal`). */
export function authorize(viewer: Viewer, action: Action, subject: Subject = {}): void {
  const refused = refusal(viewer, action, subject);
  if (refused) throw refused;
}

export { canSee, deadlinePassed, STATUS_AFTER, visibleDeclarations } from './declaration.js';
export { boundDeclaration } from './participant.js';
export type { Rule, Subject } from './rule.js';
export { speakerName, type Viewer } from './viewer.js';
