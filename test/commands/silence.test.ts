/**
 * The silence procedure's commands on rows written directly, so the states
 * are there at once: a deadline already past (no waiting for it), silence to
 * break or none, an adopted text to explain positions on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeKind, Declaration, DeclarationStatus, ExplanationOfPosition, Revision, Role } from '../../server/src/db/entities/index.js';
import { addExplanationOfPosition, adoptDeclaration, breakSilence } from '../../server/src/drafting/silence.js';
import { openCommandDatabase, refusal, type CommandDatabase } from '../support/rows.js';

let db: CommandDatabase;

async function room(status: DeclarationStatus, silenceDeadline: Date | null = null) {
  const declaration = await db.rows.declaration({ status, silenceDeadline });
  await db.rows.paragraph(await db.rows.section(declaration));
  const co = await db.rows.participant(declaration, Role.CO_FACILITATOR, { name: 'Ambassador Diallo' });
  const mexico = await db.rows.participant(declaration, Role.DELEGATION, { delegation: 'Mexico' });
  if (status !== DeclarationStatus.DRAFTING) await db.rows.changeEvent(declaration, ChangeKind.SILENCE_STARTED, co);
  return { declaration, co, mexico };
}

const statusOf = async (id: string) => (await db.em().findOneOrFail(Declaration, { id })).status;

beforeAll(async () => {
  db = await openCommandDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe('silence procedure commands', () => {
  it('adopts a declaration whose deadline has passed when a co-facilitator asks, once: then CONFLICT', async () => {
    const r = await room(DeclarationStatus.SILENCE_PROCEDURE, new Date(Date.now() - 60_000));
    await db.run(r.co.viewer, (c) => adoptDeclaration(c, r.declaration.id));
    expect(await statusOf(r.declaration.id)).toBe(DeclarationStatus.ADOPTED);
    const revisions = await db.em().find(Revision, { declaration: r.declaration.id });
    expect(revisions.map((rev) => rev.name)).toEqual(['Adopted text']);
    expect(await refusal(db.run(r.co.viewer, (c) => adoptDeclaration(c, r.declaration.id)))).toEqual({
      code: 'CONFLICT',
      message: 'the declaration is already adopted',
    });
  });

  it('refuses adoption before the deadline and in DRAFTING with CONFLICT, and changes nothing', async () => {
    const deadline = new Date(Date.now() + 86_400_000);
    const silent = await room(DeclarationStatus.SILENCE_PROCEDURE, deadline);
    expect(await refusal(db.run(silent.co.viewer, (c) => adoptDeclaration(c, silent.declaration.id)))).toEqual({
      code: 'CONFLICT',
      message: `the silence procedure runs until ${deadline.toISOString()}: it cannot be adopted before`,
    });
    expect(await statusOf(silent.declaration.id)).toBe(DeclarationStatus.SILENCE_PROCEDURE);
    const drafting = await room(DeclarationStatus.DRAFTING);
    expect((await refusal(db.run(drafting.co.viewer, (c) => adoptDeclaration(c, drafting.declaration.id)))).message).toBe(
      'the declaration is in DRAFTING: start the silence procedure first',
    );
  });

  it('lets a delegation break silence back to DRAFTING, and refuses breaking a silence there is not', async () => {
    const silent = await room(DeclarationStatus.SILENCE_PROCEDURE, new Date(Date.now() + 86_400_000));
    await db.run(silent.mexico.viewer, (c) => breakSilence(c, silent.declaration.id, 'Paragraph 3 needs work.'));
    expect(await statusOf(silent.declaration.id)).toBe(DeclarationStatus.DRAFTING);
    expect(await refusal(db.run(silent.mexico.viewer, (c) => breakSilence(c, silent.declaration.id, 'Again.')))).toEqual({
      code: 'CONFLICT',
      message: 'the declaration is in DRAFTING: there is no silence to break',
    });
  });

  it('takes explanations of position only after adoption, from delegations only', async () => {
    const drafting = await room(DeclarationStatus.DRAFTING);
    expect(await refusal(db.run(drafting.mexico.viewer, (c) => addExplanationOfPosition(c, drafting.declaration.id, 'We join.')))).toEqual({
      code: 'CONFLICT',
      message: 'explanations of position come after adoption',
    });
    const adopted = await room(DeclarationStatus.ADOPTED);
    expect((await refusal(db.run(adopted.co.viewer, (c) => addExplanationOfPosition(c, adopted.declaration.id, 'We join.')))).code).toBe('FORBIDDEN');
    await db.run(adopted.mexico.viewer, (c) => addExplanationOfPosition(c, adopted.declaration.id, 'We join the consensus.'));
    const explanations = await db.em().find(ExplanationOfPosition, { declaration: adopted.declaration.id });
    expect(explanations.map((e) => [e.delegation, e.text])).toEqual([['Mexico', 'We join the consensus.']]);
  });
});
