/**
 * The declaration: who sees it, and its lifecycle.
 *
 *   DRAFTING --silence.start--> SILENCE_PROCEDURE --silence.break--> DRAFTING
 *   SILENCE_PROCEDURE --deadline passes unbroken--> ADOPTED --position.explain-->
 */
import { DeclarationStatus, Role } from '../db/entities/enums.js';
import { conflict } from '../errors.js';
import type { Rule, Subject } from './rule.js';
import { ROWS, type Viewer } from './viewer.js';

const { DRAFTING, SILENCE_PROCEDURE, ADOPTED } = DeclarationStatus;

/** Every declaration for the secretariat; the participant's own for anyone else (none if it has none). */
export function visibleDeclarations(viewer: Viewer): 'all' | string[] {
  if (viewer.role === Role.SECRETARIAT) return 'all';
  return viewer.declarationId ? [viewer.declarationId] : [];
}

/** Whether `viewer` may see anything of `declarationId` at all. */
export function canSee(viewer: Viewer, declarationId: string): boolean {
  const visible = visibleDeclarations(viewer);
  return visible === 'all' || visible.includes(declarationId);
}

/** Text and structure change only while DRAFTING (the refusal of every edit but a Yjs update's). */
export function whileDrafting({ declaration }: Subject) {
  if (!declaration || declaration.status === DRAFTING) return null;
  return conflict(`the declaration is in ${declaration.status}: its text and structure are frozen`);
}

/** Comments are taken until adoption (during the silence procedure too). */
export function untilAdopted({ declaration }: Subject) {
  if (declaration?.status !== ADOPTED) return null;
  return conflict('the declaration has been adopted: it takes no more comments');
}

/** Whether the declaration's silence deadline has passed unbroken (it is then adopted, by whoever locks it first). */
export function deadlinePassed(declaration: { status: DeclarationStatus; silenceDeadline: Date | null }, now = Date.now()): boolean {
  return declaration.status === SILENCE_PROCEDURE && declaration.silenceDeadline !== null && declaration.silenceDeadline.getTime() <= now;
}

/** Where each lifecycle step leads (adoption is the deadline's doing, `declaration.adopt` only confirms it). */
export const STATUS_AFTER = {
  'silence.start': SILENCE_PROCEDURE,
  'silence.break': DRAFTING,
  'declaration.adopt': ADOPTED,
} as const;

export const declarationPolicy = {
  'declaration.create': ROWS.createDeclaration,
  'declaration.read': ROWS.read,
  'silence.start': { ...ROWS.negotiate, state: (_viewer, subject) => whileDrafting(subject) },
  'silence.break': {
    ...ROWS.table,
    state: (_viewer, { declaration }) =>
      declaration && declaration.status !== SILENCE_PROCEDURE
        ? conflict(`the declaration is in ${declaration.status}: there is no silence to break`)
        : null,
  },
  // Adoption happens when the deadline passes unbroken (the lock settles it):
  // asking for it succeeds only in the transaction that found it due.
  'declaration.adopt': {
    ...ROWS.negotiate,
    state: (_viewer, { declaration, adoptedHere }) => {
      if (!declaration) return null;
      if (declaration.status === ADOPTED) return adoptedHere ? null : conflict('the declaration is already adopted');
      if (declaration.status === DRAFTING) return conflict('the declaration is in DRAFTING: start the silence procedure first');
      return conflict(`the silence procedure runs until ${declaration.silenceDeadline!.toISOString()}: it cannot be adopted before`);
    },
  },
  'position.explain': {
    ...ROWS.explain,
    state: (_viewer, { declaration }) =>
      declaration && declaration.status !== ADOPTED ? conflict('explanations of position come after adoption') : null,
  },
} satisfies Record<string, Rule>;
