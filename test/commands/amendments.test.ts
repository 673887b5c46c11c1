/**
 * The amendment commands on rows written directly (test/support/rows.ts):
 * the rules by delegation (any delegate of the proposing delegation may
 * withdraw, none may back it, a delegation counts once), and the states that
 * freeze amendments (silence, a paragraph no longer OPEN, a decided one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Amendment,
  AmendmentPosition,
  AmendmentStatus,
  DeclarationStatus,
  ParagraphStatus,
  Role,
  Stance,
  type Declaration,
  type Paragraph,
} from '../../server/src/db/entities/index.js';
import { proposeAmendment, takePosition, withdrawAmendment } from '../../server/src/drafting/amendments.js';
import { openCommandDatabase, refusal, type CommandDatabase, type ParticipantRow } from '../support/rows.js';

let db: CommandDatabase;

interface Room {
  declaration: Declaration;
  open: Paragraph;
  mexico: ParticipantRow;
  mexico2: ParticipantRow;
  morocco: ParticipantRow;
}

async function room(status = DeclarationStatus.DRAFTING): Promise<Room> {
  const declaration = await db.rows.declaration({ status, silenceDeadline: status === DeclarationStatus.SILENCE_PROCEDURE ? new Date(Date.now() + 86_400_000) : null });
  const section = await db.rows.section(declaration);
  return {
    declaration,
    open: await db.rows.paragraph(section),
    mexico: await db.rows.participant(declaration, Role.DELEGATION, { name: 'Delegate of Mexico', delegation: 'Mexico' }),
    mexico2: await db.rows.participant(declaration, Role.DELEGATION, { name: 'Second delegate of Mexico', delegation: 'Mexico' }),
    morocco: await db.rows.participant(declaration, Role.DELEGATION, { name: 'Delegate of Morocco', delegation: 'Morocco' }),
  };
}

const statusOf = async (id: string) => (await db.em().findOneOrFail(Amendment, { id })).status;

beforeAll(async () => {
  db = await openCommandDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe('amendment commands', () => {
  it('lets a second delegate of the proposing delegation withdraw, and refuses another delegation with FORBIDDEN', async () => {
    const r = await room();
    const amendment = await db.rows.amendment(r.open, r.mexico);
    expect(await refusal(db.run(r.morocco.viewer, (c) => withdrawAmendment(c, amendment.id)))).toEqual({
      code: 'FORBIDDEN',
      message: 'only the proposing delegation may withdraw an amendment',
    });
    expect(await statusOf(amendment.id)).toBe(AmendmentStatus.PENDING);
    await db.run(r.mexico2.viewer, (c) => withdrawAmendment(c, amendment.id));
    expect(await statusOf(amendment.id)).toBe(AmendmentStatus.WITHDRAWN);
  });

  it('refuses a decided amendment with CONFLICT, whoever asks', async () => {
    const r = await room();
    const rejected = await db.rows.amendment(r.open, r.mexico, { status: AmendmentStatus.REJECTED });
    expect(await refusal(db.run(r.mexico.viewer, (c) => withdrawAmendment(c, rejected.id)))).toEqual({
      code: 'CONFLICT',
      message: 'the amendment is already rejected',
    });
    expect((await refusal(db.run(r.morocco.viewer, (c) => takePosition(c, rejected.id, Stance.SUPPORT)))).code).toBe('CONFLICT');
    expect(await statusOf(rejected.id)).toBe(AmendmentStatus.REJECTED);
  });

  it("refuses the proposing delegation's delegates backing its amendment, and counts another delegation once", async () => {
    const r = await room();
    const amendment = await db.rows.amendment(r.open, r.mexico);
    expect(await refusal(db.run(r.mexico2.viewer, (c) => takePosition(c, amendment.id, Stance.SUPPORT)))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Mexico tabled this amendment: a delegation cannot support or oppose its own amendment',
    });
    await db.run(r.morocco.viewer, (c) => takePosition(c, amendment.id, Stance.SUPPORT));
    await db.run(r.morocco.viewer, (c) => takePosition(c, amendment.id, Stance.SUPPORT));
    const positions = await db.em().find(AmendmentPosition, { amendment: amendment.id });
    expect(positions.map((p) => [p.delegation, p.stance])).toEqual([['Morocco', Stance.SUPPORT]]);
  });

  it('refuses amendments to a paragraph that is no longer OPEN, and under the silence procedure, with CONFLICT', async () => {
    const r = await room();
    const agreed = await db.rows.paragraph(await db.rows.section(r.declaration, 2), { status: ParagraphStatus.AGREED });
    expect(await refusal(db.run(r.mexico.viewer, (c) => proposeAmendment(c, { paragraphId: agreed.id, text: 'Stronger.' })))).toEqual({
      code: 'CONFLICT',
      message: 'paragraph is AGREED: it can no longer be amended',
    });
    const silent = await room(DeclarationStatus.SILENCE_PROCEDURE);
    expect(await refusal(db.run(silent.mexico.viewer, (c) => proposeAmendment(c, { paragraphId: silent.open.id, text: 'Stronger.' })))).toEqual({
      code: 'CONFLICT',
      message: 'the declaration is in SILENCE_PROCEDURE: its text and structure are frozen',
    });
    expect(await db.em().count(Amendment, { declaration: { $in: [r.declaration.id, silent.declaration.id] } })).toBe(0);
    const tabled = await db.run(r.mexico.viewer, (c) => proposeAmendment(c, { paragraphId: r.open.id, text: 'Stronger.' }));
    expect(await statusOf(tabled.id)).toBe(AmendmentStatus.PENDING);
  });
});
