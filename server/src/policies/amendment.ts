/**
 * Amendments: tabled and backed by delegations, decided by the
 * co-facilitators; only while DRAFTING, only PENDING ones, only on OPEN
 * paragraphs. "Its own" is the proposing delegation's, whichever of its
 * delegates asks (see `drafting/amendments.ts`).
 */
import { AmendmentStatus, ParagraphStatus } from '../db/entities/enums.js';
import { badInput, conflict, forbidden } from '../errors.js';
import { whileDrafting } from './declaration.js';
import { firstRefusal, type Rule, type Subject } from './rule.js';
import { ROWS, speakerName, type Viewer } from './viewer.js';

function pending({ amendment }: Subject) {
  if (!amendment || amendment.status === AmendmentStatus.PENDING) return null;
  return conflict(`the amendment is already ${amendment.status.toLowerCase()}`);
}

function openParagraph({ paragraph }: Subject) {
  if (!paragraph || paragraph.status === ParagraphStatus.OPEN) return null;
  return conflict(`paragraph is ${paragraph.status}: it can no longer be amended`);
}

function tabledByViewersDelegation(viewer: Viewer, { amendment }: Subject): boolean | null {
  return amendment ? amendment.delegation === speakerName(viewer) : null;
}

export const amendmentPolicy = {
  'amendment.propose': {
    ...ROWS.table,
    state: (_viewer, subject) => firstRefusal(() => whileDrafting(subject), () => openParagraph(subject)),
  },
  // support or oppose
  'amendment.takePosition': {
    ...ROWS.table,
    state: (viewer, subject) =>
      firstRefusal(
        () => whileDrafting(subject),
        () => pending(subject),
        () =>
          tabledByViewersDelegation(viewer, subject) === true
            ? badInput(`${speakerName(viewer)} tabled this amendment: a delegation cannot support or oppose its own amendment`)
            : null,
      ),
  },
  'amendment.withdraw': {
    ...ROWS.table,
    state: (viewer, subject) =>
      firstRefusal(
        () => whileDrafting(subject),
        () => pending(subject),
        () =>
          tabledByViewersDelegation(viewer, subject) === false ? forbidden('only the proposing delegation may withdraw an amendment') : null,
      ),
  },
  // accept (which also needs its paragraph OPEN) or reject
  'amendment.decide': {
    ...ROWS.negotiate,
    state: (_viewer, subject) => firstRefusal(() => whileDrafting(subject), () => pending(subject), () => openParagraph(subject)),
  },
} satisfies Record<string, Rule>;
