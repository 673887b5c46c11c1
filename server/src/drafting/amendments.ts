/**
 * Amendments: tabled by delegations, backed or opposed by others, decided
 * by the co-facilitators.
 *
 *   PENDING --withdraw (proposer)--> WITHDRAWN
 *   PENDING --accept (co-facilitator)--> ACCEPTED   the range is replaced in the Y.Text
 *   PENDING --reject (co-facilitator)--> REJECTED
 *
 * A decided amendment is decided for good (CONFLICT). All of it only while
 * DRAFTING: the silence procedure freezes amendments too.
 *
 * Delegation, not delegate: a delegation may send several delegates, and
 * they speak for it with one voice, as the secretariat records it. So
 *  - a delegation holds one position on an amendment, supports or opposes,
 *    never both, and counts once: a second delegate of Mexico supporting an
 *    amendment Mexico already supports changes nothing (no event: Mexico
 *    said nothing new);
 *  - a delegate of Mexico opposing what another delegate of Mexico
 *    supported changes Mexico's position, as when one delegate changes
 *    sides: the latest statement for the delegation stands, and the change
 *    log records who made it;
 *  - "its own amendment" is the proposing delegation's: no delegate of
 *    Mexico may support or oppose Mexico's amendment (BAD_USER_INPUT, as
 *    for its proposer), and any delegate of Mexico may withdraw it.
 * The delegation a participant speaks for is `speakerName`: its delegation,
 * or its name when it names none.
 */
import { authorize, type Action } from '../auth/policy.js';
import { resolveAnchor } from '../collab/anchors.js';
import { Amendment, AmendmentPosition, AmendmentStatus, ChangeKind, Paragraph, Participant, Stance } from '../db/entities/index.js';
import { badInput, conflict } from '../errors.js';
import { recordChange } from './recordChange.js';
import { anchorColumns, anchorIn, storedAnchor, type AnchorInput } from './anchoring.js';
import type { Command } from './command.js';
import { actorName, speakerName } from './declarations.js';
import { lockDeclarationOf } from './lookup.js';
import { replaceText } from './serverText.js';
import { Structure } from './structure.js';
import { optionalText, paragraphText } from './validation.js';

export interface ProposeAmendmentProps {
  paragraphId: string;
  anchor?: AnchorInput | null;
  text: string;
  rationale?: string | null;
}

export async function proposeAmendment(command: Command, props: ProposeAmendmentProps): Promise<Amendment> {
  const { limits } = command;
  const declaration = await lockDeclarationOf(command, 'amendment.propose', 'paragraph', props.paragraphId);
  const declarationId = declaration.id;
  const text = paragraphText('text', props.text, limits.paragraphChars);
  const rationale = optionalText('rationale', props.rationale, limits.commentChars);
  const paragraph = await command.em.findOneOrFail(Paragraph, { id: props.paragraphId });
  authorize(command.viewer, 'amendment.propose', { declaration, paragraph });
  const anchor = props.anchor ? await anchorIn(command, declarationId, paragraph.id, props.anchor) : null;
  const amendment = command.em.create(Amendment, {
    declaration: declarationId,
    paragraph: paragraph.id,
    proposer: command.viewer.id,
    text,
    rationale,
    ...anchorColumns(anchor),
  });
  const label = (await Structure.load(command.em, declarationId)).label(paragraph.id);
  recordChange(command, declaration, {
    kind: ChangeKind.AMENDMENT_PROPOSED,
    paragraphId: paragraph.id,
    amendmentId: amendment.id,
    summary: `${actorName(command)} proposed an amendment to paragraph ${label}`,
  });
  await command.em.flush();
  return amendment;
}

/**
 * Loads an amendment under its declaration's lock and asks the policy for
 * `action` on it (while DRAFTING, only PENDING, and what the action's row
 * says about the proposing delegation).
 */
async function lockForAmendment(command: Command, amendmentId: string, action: Action) {
  const declaration = await lockDeclarationOf(command, action, 'amendment', amendmentId);
  const amendment = await command.em.findOneOrFail(Amendment, { id: amendmentId }, { populate: ['proposer'] });
  authorize(command.viewer, action, { declaration, amendment: { status: amendment.status, delegation: tablingDelegation(amendment) } });
  const structure = await Structure.load(command.em, declaration.id);
  return { declaration, amendment, structure };
}

/** The delegation that tabled the amendment (its proposer's). */
function tablingDelegation(amendment: Amendment): string {
  return speakerName(amendment.proposer.getEntity());
}

function whose(amendment: Amendment): string {
  return `${tablingDelegation(amendment)}'s amendment`;
}

/**
 * Support or opposition of the calling delegate's delegation (see the module
 * comment): the same stance again, by any of its delegates, changes
 * nothing; the other stance replaces it.
 */
export async function takePosition(command: Command, amendmentId: string, stance: Stance): Promise<Amendment> {
  const { declaration, amendment, structure } = await lockForAmendment(command, amendmentId, 'amendment.takePosition');
  const viewer = command.viewer;
  const delegation = speakerName(viewer);
  const existing = await command.em.findOne(AmendmentPosition, { amendment: amendment.id, delegation });
  if (existing?.stance === stance) return amendment;
  if (existing) {
    existing.stance = stance;
    existing.participant = command.em.getReference(Participant, viewer.id, { wrapped: true });
    existing.at = new Date();
  } else {
    command.em.create(AmendmentPosition, { amendment: amendment.id, delegation, participant: viewer.id, stance });
  }
  const supported = stance === Stance.SUPPORT;
  recordChange(command, declaration, {
    kind: supported ? ChangeKind.AMENDMENT_SUPPORTED : ChangeKind.AMENDMENT_OPPOSED,
    paragraphId: amendment.paragraph.id,
    amendmentId: amendment.id,
    summary: `${actorName(command)} ${supported ? 'supported' : 'opposed'} ${whose(amendment)} to paragraph ${structure.label(amendment.paragraph.id)}`,
  });
  await command.em.flush();
  return amendment;
}

export async function withdrawAmendment(command: Command, amendmentId: string): Promise<Amendment> {
  const { declaration, amendment, structure } = await lockForAmendment(command, amendmentId, 'amendment.withdraw');
  decide(command, amendment, AmendmentStatus.WITHDRAWN, null);
  recordChange(command, declaration, {
    kind: ChangeKind.AMENDMENT_WITHDRAWN,
    paragraphId: amendment.paragraph.id,
    amendmentId: amendment.id,
    summary: `${actorName(command)} withdrew its amendment to paragraph ${structure.label(amendment.paragraph.id)}`,
  });
  await command.em.flush();
  return amendment;
}

export async function rejectAmendment(command: Command, amendmentId: string, reason?: string | null): Promise<Amendment> {
  const { declaration, amendment, structure } = await lockForAmendment(command, amendmentId, 'amendment.decide');
  decide(command, amendment, AmendmentStatus.REJECTED, optionalText('reason', reason, command.limits.commentChars));
  recordChange(command, declaration, {
    kind: ChangeKind.AMENDMENT_REJECTED,
    paragraphId: amendment.paragraph.id,
    amendmentId: amendment.id,
    summary: `${actorName(command)} rejected ${whose(amendment)} to paragraph ${structure.label(amendment.paragraph.id)}${amendment.decisionReason ? `: ${amendment.decisionReason}` : ''}`,
  });
  await command.em.flush();
  return amendment;
}

/**
 * Accepts an amendment: its anchored range (or the whole paragraph) is
 * replaced by its text in the Y.Text, as a server update committed and
 * broadcast like any other. CONFLICT when the anchor is orphaned or the
 * paragraph is no longer OPEN.
 */
export async function acceptAmendment(command: Command, amendmentId: string): Promise<Amendment> {
  const { declaration, amendment, structure } = await lockForAmendment(command, amendmentId, 'amendment.decide');
  const paragraph = structure.get(amendment.paragraph.id)!.paragraph;
  authorize(command.viewer, 'amendment.decide', { paragraph });
  const live = await command.hub.current(command.em, declaration.id);
  const current = live.doc.getText(paragraph.id).toString();
  const anchor = storedAnchor(amendment);
  let start = 0;
  let end = current.length;
  if (anchor) {
    const resolved = resolveAnchor(live.doc, anchor);
    if (resolved.orphaned) throw conflict(`the text the amendment replaces ("${anchor.quote}") has been deleted`);
    start = resolved.start!;
    end = resolved.end!;
  }
  const length = current.length - (end - start) + amendment.text.length;
  if (length > command.limits.paragraphChars) {
    throw badInput(`accepting would make the paragraph ${length} characters long; the limit is ${command.limits.paragraphChars}`);
  }
  const text = await replaceText(command, { declaration, paragraph, start, end, text: amendment.text });
  decide(command, amendment, AmendmentStatus.ACCEPTED, null);
  const label = structure.label(paragraph.id);
  recordChange(command, declaration, {
    kind: ChangeKind.AMENDMENT_ACCEPTED,
    paragraphId: paragraph.id,
    amendmentId: amendment.id,
    text,
    summary: `${actorName(command)} accepted ${whose(amendment)} to paragraph ${label}`,
  });
  recordChange(command, declaration, {
    kind: ChangeKind.PARAGRAPH_EDITED,
    paragraphId: paragraph.id,
    amendmentId: amendment.id,
    text,
    summary: `${actorName(command)} edited paragraph ${label} (amendment accepted)`,
  });
  await command.em.flush();
  return amendment;
}

function decide(command: Command, amendment: Amendment, status: AmendmentStatus, reason: string | null): void {
  amendment.status = status;
  amendment.decisionReason = reason;
  amendment.decidedAt = new Date();
  amendment.decidedBy = command.em.getReference(Participant, command.viewer.id, { wrapped: true });
}

