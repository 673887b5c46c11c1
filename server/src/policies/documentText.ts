/**
 * The live text (Yjs updates, through the group commit): the co-facilitators,
 * while DRAFTING, and only in OPEN paragraphs. The group commit asks for the
 * declaration once per batch and for each paragraph an update touches.
 */
import { DeclarationStatus, ParagraphStatus } from '../db/entities/enums.js';
import { conflict } from '../errors.js';
import { firstRefusal, type Rule } from './rule.js';
import { ROWS } from './viewer.js';

export const documentTextPolicy = {
  'text.edit': {
    ...ROWS.edit,
    state: (_viewer, { declaration, paragraph }) =>
      firstRefusal(
        () =>
          declaration && declaration.status !== DeclarationStatus.DRAFTING
            ? conflict(`the declaration is in ${declaration.status}: its text is frozen`)
            : null,
        () =>
          paragraph && paragraph.status !== ParagraphStatus.OPEN
            ? conflict(`paragraph ${paragraph.id} is ${paragraph.status}: its text can no longer be edited`)
            : null,
      ),
  },
} satisfies Record<string, Rule>;
