/** Paragraphs (add, move, status, objectives): the co-facilitators, while DRAFTING. */
import { whileDrafting } from './declaration.js';
import type { Rule } from './rule.js';
import { ROWS } from './viewer.js';

export const paragraphPolicy = {
  'paragraph.edit': { ...ROWS.edit, state: (_viewer, subject) => whileDrafting(subject) },
} satisfies Record<string, Rule>;
