/**
 * Paragraphs: adding, moving, status and objectives (the co-facilitators' pen).
 *
 * A new paragraph's text is written into the declaration's Y.Doc as a server
 * update (`writeServerUpdate`), stored in the update log in the same
 * transaction as the paragraph row and its change event, announced to the
 * other instances at commit and broadcast after it like any update.
 */
import { authorize } from '../auth/policy.js';
import { initialTextUpdate } from '../collab/serverEdits.js';
import { ChangeKind, Paragraph, ParagraphStatus, Section, type Declaration } from '../db/entities/index.js';
import { badInput } from '../errors.js';
import { recordChange } from './recordChange.js';
import type { Command } from './command.js';
import { actorName } from './declarations.js';
import { lockDeclarationOf } from './lookup.js';
import { writeServerUpdate } from './serverText.js';
import { Structure } from './structure.js';
import { objectives as validObjectives, paragraphText } from './validation.js';
import { LimitName } from '../../../client-sdk/src/protocol.js';

/** Locks the declaration a paragraph (or section) belongs to, for a co-facilitator's edit while DRAFTING. */
async function lockForParagraphEdit(command: Command, kind: 'paragraph' | 'section', id: string) {
  const declaration = await lockDeclarationOf(command, 'paragraph.edit', kind, id);
  authorize(command.viewer, 'paragraph.edit', { declaration });
  const structure = await Structure.load(command.em, declaration.id);
  return { declaration, structure };
}

/** Finds `afterParagraphId` among the section's paragraphs (BAD_USER_INPUT if it is not there). */
function positionAfter(structure: Structure, sectionId: string, afterParagraphId: string | null | undefined): number {
  if (afterParagraphId == null) return 1;
  const after = structure.get(afterParagraphId)?.paragraph;
  if (!after || after.section.id !== sectionId) {
    throw badInput(`afterParagraphId ${JSON.stringify(afterParagraphId)} is not a paragraph of section ${sectionId}`, {
      field: 'afterParagraphId',
    });
  }
  return after.position + 1;
}

export interface AddParagraphProps {
  sectionId: string;
  afterParagraphId?: string | null;
  text?: string | null;
  objectives?: number[] | null;
}

export async function addParagraph(command: Command, props: AddParagraphProps): Promise<Paragraph> {
  const { declaration, structure } = await lockForParagraphEdit(command, 'section', props.sectionId);
  const { limits } = command;
  // Counted under the declaration's lock: two concurrent additions cannot both pass at the limit.
  if (limits.paragraphsPerDeclaration > 0 && structure.paragraphs.length >= limits.paragraphsPerDeclaration) {
    throw badInput(
      `the declaration already has ${structure.paragraphs.length} paragraphs (DELETED ones included); the limit is ${limits.paragraphsPerDeclaration} (DRAFTROOM_MAX_PARAGRAPHS)`,
      { limit: LimitName.PARAGRAPHS_PER_DECLARATION },
    );
  }
  const text = paragraphText('text', props.text, limits.paragraphChars);
  const objectives = validObjectives(props.objectives);
  const position = positionAfter(structure, props.sectionId, props.afterParagraphId);
  for (const p of structure.inSection(props.sectionId)) if (p.position >= position) p.position += 1;
  const paragraph = command.em.create(Paragraph, {
    declaration: declaration.id,
    section: props.sectionId,
    position,
    objectives,
    text,
  });
  if (text.length > 0) await writeInitialText(command, declaration, paragraph, text);
  const label = new Structure(structure.sections, [...structure.paragraphs, paragraph]).label(paragraph.id);
  recordChange(command, declaration, {
    kind: ChangeKind.PARAGRAPH_ADDED,
    paragraphId: paragraph.id,
    text,
    summary: `${actorName(command)} added paragraph ${label}`,
  });
  await command.em.flush();
  return paragraph;
}

/** Stores the update that puts `text` into the new paragraph's Y.Text. */
async function writeInitialText(command: Command, declaration: Declaration, paragraph: Paragraph, text: string) {
  const seq = await writeServerUpdate(command, declaration, (doc) => initialTextUpdate(doc, paragraph.id, text));
  paragraph.textDocSeq = seq;
  paragraph.feedDocSeq = seq; // PARAGRAPH_ADDED carries this text
}

export interface MoveParagraphProps {
  paragraphId: string;
  sectionId: string;
  afterParagraphId?: string | null;
}

export async function moveParagraph(command: Command, props: MoveParagraphProps): Promise<Paragraph> {
  const { declaration, structure } = await lockForParagraphEdit(command, 'paragraph', props.paragraphId);
  const paragraph = structure.get(props.paragraphId)!.paragraph;
  if (!structure.section(props.sectionId)) {
    throw badInput(`sectionId ${JSON.stringify(props.sectionId)} is not a section of this declaration`, { field: 'sectionId' });
  }
  if (props.afterParagraphId === props.paragraphId) {
    throw badInput('a paragraph cannot be moved after itself', { field: 'afterParagraphId' });
  }
  // Already there (same section, right after the same paragraph): nothing changes, nothing is recorded.
  const siblings = structure.inSection(paragraph.section.id);
  const previous = siblings[siblings.indexOf(paragraph) - 1] ?? null;
  if (props.sectionId === paragraph.section.id && (props.afterParagraphId ?? null) === (previous?.id ?? null)) return paragraph;
  const before = structure.label(paragraph.id);
  // Take the paragraph out of its section, then put it in at its new place.
  for (const p of structure.inSection(paragraph.section.id)) if (p.position > paragraph.position) p.position -= 1;
  paragraph.position = 0;
  const position = positionAfter(structure, props.sectionId, props.afterParagraphId);
  for (const p of structure.inSection(props.sectionId)) if (p !== paragraph && p.position >= position) p.position += 1;
  paragraph.section = command.em.getReference(Section, props.sectionId, { wrapped: true });
  paragraph.position = position;
  paragraph.updatedAt = new Date();
  const after = new Structure(structure.sections, structure.paragraphs).label(paragraph.id);
  recordChange(command, declaration, {
    kind: ChangeKind.PARAGRAPH_MOVED,
    paragraphId: paragraph.id,
    summary: `${actorName(command)} moved paragraph ${before}${after !== before ? ` (now ${after})` : ''}`,
  });
  await command.em.flush();
  return paragraph;
}

export async function setParagraphStatus(command: Command, paragraphId: string, status: ParagraphStatus): Promise<Paragraph> {
  const { declaration, structure } = await lockForParagraphEdit(command, 'paragraph', paragraphId);
  const paragraph = structure.get(paragraphId)!.paragraph;
  if (paragraph.status === status) return paragraph;
  const label = structure.label(paragraphId);
  paragraph.status = status;
  paragraph.updatedAt = new Date();
  recordChange(command, declaration, {
    kind: ChangeKind.PARAGRAPH_STATUS_CHANGED,
    paragraphId,
    summary: `${actorName(command)} set paragraph ${label} to ${status.replace(/_/g, ' ').toLowerCase()}`,
  });
  await command.em.flush();
  return paragraph;
}

export async function setParagraphObjectives(command: Command, paragraphId: string, objectives: number[]): Promise<Paragraph> {
  const list = validObjectives(objectives);
  const { declaration, structure } = await lockForParagraphEdit(command, 'paragraph', paragraphId);
  const paragraph = structure.get(paragraphId)!.paragraph;
  if (paragraph.objectives.join() === list.join()) return paragraph;
  paragraph.objectives = list;
  paragraph.updatedAt = new Date();
  recordChange(command, declaration, {
    kind: ChangeKind.PARAGRAPH_OBJECTIVES_CHANGED,
    paragraphId,
    summary: `${actorName(command)} tagged paragraph ${structure.label(paragraphId)} with objectives ${list.length ? list.join(', ') : '(none)'}`,
  });
  await command.em.flush();
  return paragraph;
}
