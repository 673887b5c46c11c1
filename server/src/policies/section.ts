/** Sections: the co-facilitators add them, while DRAFTING. */
import { whileDrafting } from './declaration.js';
import type { Rule } from './rule.js';
import { ROWS } from './viewer.js';

export const sectionPolicy = {
  'section.add': { ...ROWS.edit, state: (_viewer, subject) => whileDrafting(subject) },
} satisfies Record<string, Rule>;
