/** Comments: anyone but an observer writes, replies, resolves and reopens, until adoption; only the author edits. */
import { forbidden } from '../errors.js';
import { untilAdopted } from './declaration.js';
import { firstRefusal, type Rule } from './rule.js';
import { ROWS } from './viewer.js';

export const commentPolicy = {
  // add, reply, resolve, reopen
  'comment.write': { ...ROWS.comment, state: (_viewer, subject) => untilAdopted(subject) },
  'comment.edit': {
    ...ROWS.comment,
    state: (viewer, subject) =>
      firstRefusal(
        () => untilAdopted(subject),
        () => (subject.comment && subject.comment.authorId !== viewer.id ? forbidden('only the author may edit a comment') : null),
      ),
  },
} satisfies Record<string, Rule>;
