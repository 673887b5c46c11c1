/**
 * The end game: the silence procedure, adoption, explanations of position.
 *
 *   DRAFTING --startSilenceProcedure(deadline)--> SILENCE_PROCEDURE
 *   SILENCE_PROCEDURE --breakSilence(reason) by a delegation--> DRAFTING
 *   SILENCE_PROCEDURE --deadline passes unbroken--> ADOPTED
 *
 * Adoption at the deadline needs nobody to act: `settleDeadline` adopts a
 * declaration whose deadline has passed, and it runs wherever a transaction
 * locks the declaration (so a mutation racing the deadline sees the adopted
 * declaration), from a poller in every instance, and before reads of the
 * declaration. Whichever comes first adopts; the others find it adopted.
 * Adoption relabels every paragraph that is not DELETED with its number,
 * publishes the "Adopted text" revision and freezes everything for good.
 */
import { ChangeKind, DeclarationStatus, ExplanationOfPosition, Participant, type Declaration } from '../db/entities/index.js';
import { badInput, conflict } from '../errors.js';
import { recordChange } from '../feed/recordChange.js';
import type { Command } from './command.js';
import { actorName, speakerName } from './declarations.js';
import { assignLabels } from './labels.js';
import { requireDrafting } from './lifecycle.js';
import { lockTarget } from './lookup.js';
import { ADOPTED_TEXT, writeRevision } from './revisions.js';
import { Structure } from './structure.js';
import { requiredText } from './validation.js';

function lockFor(command: Command, declarationId: string, action: 'lifecycle.run' | 'amendment.table' | 'position.explain') {
  return lockTarget(command, action, 'declaration', declarationId);
}

export async function startSilenceProcedure(command: Command, declarationId: string, deadline: Date): Promise<Declaration> {
  const declaration = await lockFor(command, declarationId, 'lifecycle.run');
  requireDrafting(declaration);
  if (!(deadline.getTime() > Date.now())) {
    throw badInput(`the deadline must be in the future, got ${deadline.toISOString()}`, { field: 'deadline' });
  }
  declaration.status = DeclarationStatus.SILENCE_PROCEDURE;
  declaration.silenceDeadline = deadline;
  recordChange(command, declaration, {
    kind: ChangeKind.SILENCE_STARTED,
    summary: `${actorName(command)} put the text under silence procedure until ${deadline.toISOString()}`,
  });
  await command.em.flush();
  return declaration;
}

export async function breakSilence(command: Command, declarationId: string, reason: string): Promise<Declaration> {
  const text = requiredText('reason', reason, command.services.limits.commentChars);
  const declaration = await lockFor(command, declarationId, 'amendment.table');
  if (declaration.status !== DeclarationStatus.SILENCE_PROCEDURE) {
    throw conflict(`the declaration is in ${declaration.status}: there is no silence to break`);
  }
  declaration.status = DeclarationStatus.DRAFTING;
  declaration.silenceDeadline = null;
  recordChange(command, declaration, {
    kind: ChangeKind.SILENCE_BROKEN,
    summary: `${actorName(command)} broke silence: ${text}`,
  });
  await command.em.flush();
  return declaration;
}

export async function adoptDeclaration(command: Command, declarationId: string): Promise<Declaration> {
  const declaration = await lockFor(command, declarationId, 'lifecycle.run');
  // lockDeclaration adopts a declaration whose deadline has passed: if it did so
  // in this transaction, this is the adoption asked for.
  if (declaration.status === DeclarationStatus.ADOPTED) {
    if (command.adoptedHere(declarationId)) return declaration;
    throw conflict('the declaration is already adopted');
  }
  if (declaration.status === DeclarationStatus.DRAFTING) {
    throw conflict('the declaration is in DRAFTING: start the silence procedure first');
  }
  throw conflict(`the silence procedure runs until ${declaration.silenceDeadline!.toISOString()}: it cannot be adopted before`);
}

/** Whether the declaration's silence deadline has passed unbroken. */
export function deadlinePassed(declaration: Pick<Declaration, 'status' | 'silenceDeadline'>, now = Date.now()): boolean {
  return (
    declaration.status === DeclarationStatus.SILENCE_PROCEDURE &&
    declaration.silenceDeadline !== null &&
    declaration.silenceDeadline.getTime() <= now
  );
}

/**
 * Adopts the locked declaration if its deadline has passed. Called by
 * `lockDeclaration`, so every command sees the lifecycle as it is now.
 */
export async function settleDeadline(command: Command, declaration: Declaration): Promise<boolean> {
  if (!deadlinePassed(declaration)) return false;
  const structure = await Structure.load(command.em, declaration.id);
  const labels = assignLabels(
    structure.ordered.map((o) => ({ id: o.paragraph.id, fixedLabel: o.paragraph.fixedLabel, deleted: o.number === null })),
    { anyRevisionPublished: true, adopted: true },
  );
  for (const o of structure.ordered) o.paragraph.fixedLabel = labels.get(o.paragraph.id)!;
  const adopted = new Structure(structure.sections, structure.paragraphs);
  declaration.status = DeclarationStatus.ADOPTED;
  await writeRevision(command, declaration, adopted, ADOPTED_TEXT, await silenceStarter(command, declaration.id));
  recordChange(command, declaration, {
    kind: ChangeKind.DECLARATION_ADOPTED,
    summary: `The declaration was adopted by consensus: the silence procedure ended on ${declaration.silenceDeadline!.toISOString()} unbroken`,
    actorId: null,
  });
  await command.em.flush();
  return true;
}

/** The co-facilitator who put the text under silence: the adopted text is published in their name. */
async function silenceStarter(command: Command, declarationId: string) {
  const [row] = await command.em.execute<{ actor_id: string }[]>(
    `select actor_id from change_event where declaration_id = ? and kind = ? and actor_id is not null order by seq desc limit 1`,
    [declarationId, ChangeKind.SILENCE_STARTED],
  );
  return command.em.findOneOrFail(Participant, { id: row!.actor_id });
}

export async function addExplanationOfPosition(command: Command, declarationId: string, text: string): Promise<ExplanationOfPosition> {
  const body = requiredText('text', text, command.services.limits.commentChars);
  const declaration = await lockFor(command, declarationId, 'position.explain');
  if (declaration.status !== DeclarationStatus.ADOPTED) {
    throw conflict('explanations of position come after adoption');
  }
  const viewer = command.viewer!;
  const explanation = command.em.create(ExplanationOfPosition, {
    declaration: declarationId,
    author: viewer.id,
    delegation: speakerName(viewer),
    text: body,
  });
  recordChange(command, declaration, {
    kind: ChangeKind.EXPLANATION_ADDED,
    summary: `${speakerName(viewer)} explained its position on the adopted declaration`,
  });
  await command.em.flush();
  return explanation;
}
