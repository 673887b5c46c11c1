/**
 * The order of a declaration's paragraphs, and what follows from it: numbers
 * and labels. Both are derived on read from the sections' and paragraphs'
 * positions, never stored (only labels fixed by a published revision are).
 */
import type { Paragraph, Section } from '../db/entities/index.js';
import { ParagraphStatus } from '../db/entities/index.js';
import { assignLabels, numberParagraphs } from './labels.js';

export interface OrderedParagraph {
  paragraph: Paragraph;
  number: number | null;
  label: string;
}

/** Paragraphs in document order: by section position, then paragraph position. */
export function documentOrder(sections: readonly Section[], paragraphs: readonly Paragraph[]): Paragraph[] {
  const sectionPosition = new Map(sections.map((s) => [s.id, s.position]));
  return [...paragraphs].sort(
    (a, b) =>
      (sectionPosition.get(a.section.id) ?? 0) - (sectionPosition.get(b.section.id) ?? 0) || a.position - b.position,
  );
}

/** Numbers and labels for every paragraph of one declaration. */
export function numberAndLabel(
  sections: readonly Section[],
  paragraphs: readonly Paragraph[],
  anyRevisionPublished: boolean,
): OrderedParagraph[] {
  const ordered = documentOrder(sections, paragraphs);
  const deleted = (p: Paragraph) => p.status === ParagraphStatus.DELETED;
  const numbers = numberParagraphs(ordered.map((p) => ({ id: p.id, deleted: deleted(p) })));
  const labels = assignLabels(
    ordered.map((p) => ({ id: p.id, fixedLabel: p.fixedLabel, deleted: deleted(p) })),
    { anyRevisionPublished },
  );
  return ordered.map((paragraph) => ({
    paragraph,
    number: numbers.get(paragraph.id) ?? null,
    label: labels.get(paragraph.id) ?? String(numbers.get(paragraph.id) ?? ''),
  }));
}
