/** The shape of a policy table: per action, who may (a row) and what the subject's state allows. */
import type { AmendmentStatus, DeclarationStatus, ParagraphStatus, Role } from '../db/entities/enums.js';
import type { DomainError } from '../errors.js';
import type { Viewer } from './viewer.js';

/**
 * What decides, as far as the caller knows it yet. A command asks twice:
 * before taking the declaration's lock with `declarationId` (visibility,
 * role), then, under the lock, with the state it read (status, author,
 * delegation), so a refusal is decided on the state as it is. Each rule
 * looks only at the parts it is given.
 */
export interface Subject {
  /** The declaration the target belongs to: NOT_FOUND (named by `target`) for a participant of another. */
  declarationId?: string | null;
  target?: { what: string; id: string };
  declaration?: { status: DeclarationStatus; silenceDeadline?: Date | null };
  paragraph?: { id: string; status: ParagraphStatus };
  comment?: { authorId: string };
  /** `delegation`: the delegation that tabled it (see `speakerName`). */
  amendment?: { status: AmendmentStatus; delegation: string };
  /** Adoption only: whether this very transaction adopted the declaration (its deadline had passed). */
  adoptedHere?: boolean;
}

export interface Rule {
  roles: readonly Role[];
  /** How a refusal names the action: "a DELEGATION may not <does>". */
  does: string;
  /** The refusal the subject's state calls for (CONFLICT, or FORBIDDEN for ownership), or null. */
  state?: (viewer: Viewer, subject: Subject) => DomainError | null;
}

/** Runs state checks in order; the first refusal wins. */
export function firstRefusal(...checks: (() => DomainError | null)[]): DomainError | null {
  for (const check of checks) {
    const refusal = check();
    if (refusal) return refusal;
  }
  return null;
}
