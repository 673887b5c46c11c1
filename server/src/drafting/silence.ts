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
import { authorize, deadlinePassed, STATUS_AFTER } from '../auth/policy.js';
import { ChangeKind, ExplanationOfPosition, Participant, type Declaration } from '../db/entities/index.js';
import { badInput } from '../errors.js';
import { recordChange } from './recordChange.js';
import type { Actor, Command } from './command.js';
import { actorName, speakerName } from './declarations.js';
import { assignLabels } from './labels.js';
import { lockDeclarationOf } from './lookup.js';
import { ADOPTED_TEXT, writeRevision } from './revisions.js';
import { Structure } from './structure.js';
import { requiredText } from './validation.js';

type SilenceAction = 'silence.start' | 'silence.break' | 'declaration.adopt' | 'position.explain';

/** Locks the declaration and asks the policy for `action` on it as it is under the lock (the deadline settled). */
async function lockForDeclaration(command: Command, declarationId: string, action: SilenceAction) {
  const declaration = await lockDeclarationOf(command, action, 'declaration', declarationId);
  authorize(command.viewer, action, { declaration, adoptedHere: command.adoptedHere(declarationId) });
  return declaration;
}

export { deadlinePassed };

export async function startSilenceProcedure(command: Command, declarationId: string, deadline: Date): Promise<Declaration> {
  const declaration = await lockForDeclaration(command, declarationId, 'silence.start');
  if (!(deadline.getTime() > Date.now())) {
    throw badInput(`the deadline must be in the future, got ${deadline.toISOString()}`, { field: 'deadline' });
  }
  declaration.status = STATUS_AFTER['silence.start'];
  declaration.silenceDeadline = deadline;
  recordChange(command, declaration, {
    kind: ChangeKind.SILENCE_STARTED,
    summary: `${actorName(command)} put the text under silence procedure until ${deadline.toISOString()}`,
  });
  await command.em.flush();
  return declaration;
}

export async function breakSilence(command: Command, declarationId: string, reason: string): Promise<Declaration> {
  const text = requiredText('reason', reason, command.limits.commentChars);
  const declaration = await lockForDeclaration(command, declarationId, 'silence.break');
  declaration.status = STATUS_AFTER['silence.break'];
  declaration.silenceDeadline = null;
  recordChange(command, declaration, {
    kind: ChangeKind.SILENCE_BROKEN,
    summary: `${actorName(command)} broke silence: ${text}`,
  });
  await command.em.flush();
  return declaration;
}

/**
 * lockDeclaration adopts a declaration whose deadline has passed: if it did
 * so in this transaction, this is the adoption asked for; anything else is
 * refused by the policy (too early, or already adopted).
 */
export async function adoptDeclaration(command: Command, declarationId: string): Promise<Declaration> {
  return lockForDeclaration(command, declarationId, 'declaration.adopt');
}

/**
 * Adopts the locked declaration if its deadline has passed. Called by
 * `lockDeclaration`, so every command sees the lifecycle as it is now.
 */
export async function settleDeadline(command: Command<Actor>, declaration: Declaration): Promise<boolean> {
  if (!deadlinePassed(declaration)) return false;
  const structure = await Structure.load(command.em, declaration.id);
  const labels = assignLabels(
    structure.ordered.map((o) => ({ id: o.paragraph.id, fixedLabel: o.paragraph.fixedLabel, deleted: o.number === null })),
    { anyRevisionPublished: true, adopted: true },
  );
  for (const o of structure.ordered) o.paragraph.fixedLabel = labels.get(o.paragraph.id)!;
  const adopted = new Structure(structure.sections, structure.paragraphs);
  declaration.status = STATUS_AFTER['declaration.adopt'];
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
async function silenceStarter(command: Command<Actor>, declarationId: string) {
  const [row] = await command.em.execute<{ actor_id: string }[]>(
    `select actor_id from change_event where declaration_id = ? and kind = ? and actor_id is not null order by seq desc limit 1`,
    [declarationId, ChangeKind.SILENCE_STARTED],
  );
  return command.em.findOneOrFail(Participant, { id: row!.actor_id });
}

export async function addExplanationOfPosition(command: Command, declarationId: string, text: string): Promise<ExplanationOfPosition> {
  const body = requiredText('text', text, command.limits.commentChars);
  const declaration = await lockForDeclaration(command, declarationId, 'position.explain');
  const viewer = command.viewer;
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
