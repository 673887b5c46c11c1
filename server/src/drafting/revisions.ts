/**
 * Revisions: "Zero draft", "Rev.1", "Rev.2", ... and "Adopted text".
 *
 * Publishing records every paragraph (label, number, status, section, text)
 * as it stands, whole, so that a revision never changes afterwards, and
 * fixes the labels of every paragraph in it: from then on a paragraph keeps
 * its label wherever it moves, and new ones are "21 bis", "21 ter", ...
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize } from '../auth/policy.js';
import { ChangeKind, Revision, type Declaration, type RevisionParagraphRecord } from '../db/entities/index.js';
import { recordChange } from './recordChange.js';
import type { Actor, Command } from './command.js';
import { speakerName } from './declarations.js';
import { lockDeclarationOf } from './lookup.js';
import { Structure } from './structure.js';
import { optionalText } from './validation.js';

/** The default name of the revision with `sequence`. */
export function defaultRevisionName(sequence: number): string {
  return sequence === 0 ? 'Zero draft' : `Rev.${sequence}`;
}

export const ADOPTED_TEXT = 'Adopted text';

async function nextSequence(em: EntityManager, declarationId: string): Promise<number> {
  const [row] = await em.execute<{ next: number }[]>(
    'select coalesce(max(sequence) + 1, 0) as next from revision where declaration_id = ?',
    [declarationId],
  );
  return Number(row?.next ?? 0);
}

/** The records of a structure, in document order. */
export function recordsOf(structure: Structure): RevisionParagraphRecord[] {
  return structure.ordered.map((o) => ({
    paragraphId: o.paragraph.id,
    sectionId: o.paragraph.section.id,
    sectionTitle: structure.section(o.paragraph.section.id)?.title ?? '',
    label: o.label,
    number: o.number,
    text: o.paragraph.text,
    status: o.paragraph.status,
  }));
}

/**
 * Records a revision of `structure` and fixes its labels. Used by
 * `publishRevision` and by adoption; the caller holds the lock.
 */
export async function writeRevision(
  command: Command<Actor>,
  declaration: Declaration,
  structure: Structure,
  name: string,
  publisher: { id: string; name: string; delegation: string | null },
): Promise<Revision> {
  const sequence = await nextSequence(command.em, declaration.id);
  const records = recordsOf(structure);
  for (const o of structure.ordered) o.paragraph.fixedLabel ??= o.label;
  const revision = command.em.create(Revision, {
    declaration: declaration.id,
    sequence,
    name,
    publishedBy: publisher.id,
    paragraphs: records,
  });
  recordChange(command, declaration, {
    kind: ChangeKind.REVISION_PUBLISHED,
    revisionId: revision.id,
    actorId: publisher.id,
    summary: `${speakerName(publisher)} published ${name} (${records.filter((r) => r.number !== null).length} paragraphs)`,
  });
  return revision;
}

export async function publishRevision(command: Command, declarationId: string, name?: string | null): Promise<Revision> {
  const declaration = await lockDeclarationOf(command, 'revision.publish', 'declaration', declarationId);
  authorize(command.viewer, 'revision.publish', { declaration });
  const structure = await Structure.load(command.em, declarationId);
  const chosen = optionalText('name', name, command.limits.titleChars);
  const name_ = chosen ?? defaultRevisionName(await nextSequence(command.em, declarationId));
  const revision = await writeRevision(command, declaration, structure, name_, command.viewer);
  await command.em.flush();
  return revision;
}
