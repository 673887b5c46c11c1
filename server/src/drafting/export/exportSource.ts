/**
 * Builds the `ExportSource` of a declaration: its current text (with the
 * pending amendments, for the compilation), or a published revision as it
 * was recorded.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Amendment,
  AmendmentPosition,
  AmendmentStatus,
  Declaration,
  Participant,
  Revision,
  Stance,
} from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import { speakerName } from '../declarations.js';
import { isId } from '../lookup.js';
import { Structure } from '../structure.js';
import type { ExportAmendment, ExportSection, ExportSource } from './source.js';

/** The current text of the declaration, with each paragraph's pending amendments. */
export async function currentSource(em: EntityManager, declaration: Declaration): Promise<ExportSource> {
  const structure = await Structure.load(em, declaration.id);
  const amendments = await pendingAmendments(em, declaration.id);
  const sections: ExportSection[] = structure.sections.map((section) => ({
    title: section.title,
    paragraphs: structure.ordered
      .filter((o) => o.paragraph.section.id === section.id)
      .map((o) => ({
        id: o.paragraph.id,
        label: o.label,
        number: o.number,
        text: o.paragraph.text,
        status: o.paragraph.status,
        objectives: o.paragraph.objectives,
        amendments: amendments.get(o.paragraph.id) ?? [],
      })),
  }));
  return {
    declarationId: declaration.id,
    title: declaration.title,
    forum: declaration.forum,
    status: declaration.status,
    revision: null,
    createdAt: declaration.createdAt,
    asOf: new Date(),
    sections,
  };
}

/** A published revision of the declaration, as recorded (no amendments). */
export async function revisionSource(em: EntityManager, declaration: Declaration, revisionId: string): Promise<ExportSource> {
  const revision = isId(revisionId) ? await em.findOne(Revision, { id: revisionId, declaration: declaration.id }) : null;
  if (!revision) throw notFound('revision', revisionId);
  // Records are in document order: a new section starts where the section id changes.
  const sections: (ExportSection & { id: string })[] = [];
  for (const record of revision.paragraphs) {
    let section = sections.at(-1);
    if (!section || section.id !== record.sectionId) {
      section = { id: record.sectionId, title: record.sectionTitle, paragraphs: [] };
      sections.push(section);
    }
    section.paragraphs.push({
      id: record.paragraphId,
      label: record.label,
      number: record.number,
      text: record.text,
      status: record.status,
      objectives: [],
      amendments: [],
    });
  }
  return {
    declarationId: declaration.id,
    title: declaration.title,
    forum: declaration.forum,
    status: declaration.status,
    revision: { id: revision.id, name: revision.name, sequence: revision.sequence, publishedAt: revision.publishedAt },
    createdAt: declaration.createdAt,
    asOf: revision.publishedAt,
    sections: sections.map(({ title, paragraphs }) => ({ title, paragraphs })),
  };
}

async function pendingAmendments(em: EntityManager, declarationId: string): Promise<Map<string, ExportAmendment[]>> {
  const rows = await em.find(
    Amendment,
    { declaration: declarationId, status: AmendmentStatus.PENDING },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  const positions = rows.length
    ? await em.find(AmendmentPosition, { amendment: { $in: rows.map((a) => a.id) } }, { orderBy: { at: 'asc' } })
    : [];
  const people = await em.find(Participant, {
    id: { $in: [...new Set([...rows.map((a) => a.proposer.id), ...positions.map((p) => p.participant.id)])] },
  });
  const name = new Map(people.map((p) => [p.id, speakerName(p)]));
  const byParagraph = new Map<string, ExportAmendment[]>();
  for (const a of rows) {
    const stances = positions.filter((p) => p.amendment.id === a.id);
    const list = byParagraph.get(a.paragraph.id) ?? [];
    list.push({
      id: a.id,
      proposer: name.get(a.proposer.id) ?? '?',
      supporters: stances.filter((p) => p.stance === Stance.SUPPORT).map((p) => name.get(p.participant.id) ?? '?'),
      opponents: stances.filter((p) => p.stance === Stance.OPPOSE).map((p) => name.get(p.participant.id) ?? '?'),
      quote: a.anchorQuote,
      text: a.text,
      rationale: a.rationale,
      createdAt: a.createdAt,
    });
    byParagraph.set(a.paragraph.id, list);
  }
  return byParagraph;
}
