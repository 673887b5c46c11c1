/** Revisions: the co-facilitators publish them, while DRAFTING (adoption publishes the last one itself). */
import { whileDrafting } from './declaration.js';
import type { Rule } from './rule.js';
import { ROWS } from './viewer.js';

export const revisionPolicy = {
  'revision.publish': { ...ROWS.negotiate, state: (_viewer, subject) => whileDrafting(subject) },
} satisfies Record<string, Rule>;
