/**
 * The comment commands on rows written directly: only the author edits;
 * comments are taken during the silence procedure and refused once the
 * declaration is adopted; an observer may not comment at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Comment, DeclarationStatus, Role } from '../../server/src/db/entities/index.js';
import { addComment, editComment, setCommentResolved } from '../../server/src/drafting/comments.js';
import { openCommandDatabase, refusal, type CommandDatabase } from '../support/rows.js';

let db: CommandDatabase;

async function room(status: DeclarationStatus) {
  const declaration = await db.rows.declaration({ status });
  const paragraph = await db.rows.paragraph(await db.rows.section(declaration));
  return {
    declaration,
    paragraph,
    stakeholder: await db.rows.participant(declaration, Role.STAKEHOLDER, { delegation: 'Civil society' }),
    mexico: await db.rows.participant(declaration, Role.DELEGATION, { delegation: 'Mexico' }),
    observer: await db.rows.participant(declaration, Role.OBSERVER),
  };
}

const bodyOf = async (id: string) => (await db.em().findOneOrFail(Comment, { id })).body;

beforeAll(async () => {
  db = await openCommandDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe('comment commands', () => {
  it('lets only the author edit a comment (FORBIDDEN for anyone else, the body unchanged)', async () => {
    const r = await room(DeclarationStatus.DRAFTING);
    const comment = await db.rows.comment(r.paragraph, r.stakeholder, 'A view.');
    expect(await refusal(db.run(r.mexico.viewer, (c) => editComment(c, comment.id, 'Not my view.')))).toEqual({
      code: 'FORBIDDEN',
      message: 'only the author may edit a comment',
    });
    expect(await bodyOf(comment.id)).toBe('A view.');
    await db.run(r.stakeholder.viewer, (c) => editComment(c, comment.id, 'A clearer view.'));
    expect(await bodyOf(comment.id)).toBe('A clearer view.');
  });

  it('takes comments under the silence procedure and refuses them, and resolving, once adopted', async () => {
    const silent = await room(DeclarationStatus.SILENCE_PROCEDURE);
    const taken = await db.run(silent.mexico.viewer, (c) => addComment(c, { paragraphId: silent.paragraph.id, body: 'Before the deadline.' }));
    expect(await bodyOf(taken.id)).toBe('Before the deadline.');

    const adopted = await room(DeclarationStatus.ADOPTED);
    const earlier = await db.rows.comment(adopted.paragraph, adopted.stakeholder);
    const frozen = { code: 'CONFLICT', message: 'the declaration has been adopted: it takes no more comments' };
    expect(await refusal(db.run(adopted.mexico.viewer, (c) => addComment(c, { paragraphId: adopted.paragraph.id, body: 'Too late.' })))).toEqual(frozen);
    expect(await refusal(db.run(adopted.mexico.viewer, (c) => setCommentResolved(c, earlier.id, true)))).toEqual(frozen);
    expect(await db.em().count(Comment, { declaration: adopted.declaration.id })).toBe(1);
    expect((await db.em().findOneOrFail(Comment, { id: earlier.id })).resolved).toBe(false);
  });

  it('refuses an observer with FORBIDDEN before anything else', async () => {
    const r = await room(DeclarationStatus.ADOPTED);
    expect(await refusal(db.run(r.observer.viewer, (c) => addComment(c, { paragraphId: r.paragraph.id, body: 'Hello.' })))).toEqual({
      code: 'FORBIDDEN',
      message: 'a OBSERVER may not comment; allowed: SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER',
    });
  });
});
